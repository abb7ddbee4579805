import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ANTHROPIC_OAUTH_BETA, startFakeProvider, type FakeProvider } from "../src/index.js";
import { rejectionOf, uniqueKey } from "./helpers.js";

let fake: FakeProvider;

beforeAll(async () => {
  fake = await startFakeProvider();
});

afterAll(async () => {
  await fake.close();
});

// The SDK (1.x) sends an API key as `authorization: Bearer`.
const clientWithKey = (apiKey: string): Anthropic =>
  new Anthropic({ apiKey, authToken: null, baseURL: fake.url, maxRetries: 0 });

// Claude Code sends an API key in `x-api-key`.
const clientWithXApiKey = (apiKey: string): Anthropic =>
  new Anthropic({
    apiKey: null,
    authToken: null,
    baseURL: fake.url,
    maxRetries: 0,
    defaultHeaders: { "x-api-key": apiKey },
  });

const clientWithToken = (authToken: string, betas: string[] = [ANTHROPIC_OAUTH_BETA]): Anthropic =>
  new Anthropic({
    apiKey: null,
    authToken,
    baseURL: fake.url,
    maxRetries: 0,
    defaultHeaders: { "anthropic-beta": betas.join(",") },
  });

const callsWith = (key: string) =>
  fake.calls({ provider: "ANTHROPIC" }).filter((call) => call.key === key);

describe("Anthropic credentials through @anthropic-ai/sdk", () => {
  it("refuses an unknown key with the SDK's AuthenticationError (401) without echoing the key", async () => {
    const key = uniqueKey("sk-ant-api03-unknown-");
    const request = {
      model: "claude-sonnet-5",
      max_tokens: 10,
      messages: [{ role: "user" as const, content: "hi" }],
    };

    for (const [client, message] of [
      [clientWithKey(key), "Invalid bearer token"],
      [clientWithXApiKey(key), "invalid x-api-key"],
    ] as const) {
      const error = await rejectionOf(client.messages.create(request));
      expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
      const apiError = error as InstanceType<typeof Anthropic.AuthenticationError>;
      expect(apiError.status).toBe(401);
      expect(apiError.error).toMatchObject({
        type: "error",
        error: { type: "authentication_error", message },
      });
      expect(JSON.stringify(apiError.error)).not.toContain(key);
    }
    expect(callsWith(key)).toMatchObject([
      { status: 401, usage: null, auth: "bearer" },
      { status: 401, usage: null, auth: "x-api-key" },
    ]);
  });

  it("accepts an API key in x-api-key, as Claude Code sends it", async () => {
    const key = uniqueKey("sk-ant-api03-");
    fake.addKey(key);
    const message = await clientWithXApiKey(key).messages.create({
      model: "claude-sonnet-5",
      max_tokens: 10,
      messages: [{ role: "user", content: "from the cli" }],
    });
    expect(message.content).toEqual([{ type: "text", text: "Echo: from the cli" }]);
    expect(callsWith(key)).toMatchObject([{ auth: "x-api-key", status: 200 }]);
  });

  it("stops accepting a key once it is removed", async () => {
    const key = uniqueKey("sk-ant-api03-");
    fake.addKey(key);
    const client = clientWithKey(key);
    const request = {
      model: "claude-sonnet-5",
      max_tokens: 10,
      messages: [{ role: "user" as const, content: "hi" }],
    };
    await client.messages.create(request);
    fake.removeKey(key);

    expect(await rejectionOf(client.messages.create(request))).toBeInstanceOf(
      Anthropic.AuthenticationError,
    );
    expect(callsWith(key).map((call) => call.status)).toEqual([200, 401]);
  });

  it("accepts a subscription token as a bearer token with the OAuth beta, streaming on ?beta=true", async () => {
    const token = uniqueKey("sk-ant-oat01-");
    fake.addKey(token);
    const stream = clientWithToken(token).beta.messages.stream({
      model: "claude-sonnet-5",
      max_tokens: 100,
      messages: [{ role: "user", content: "subscription call" }],
    });
    const message = await stream.finalMessage();

    expect(message.content).toMatchObject([{ type: "text", text: "Echo: subscription call" }]);
    expect(callsWith(token)).toMatchObject([{ auth: "bearer", stream: true, status: 200 }]);
  });

  it("refuses a subscription token without the OAuth beta, and one sent as x-api-key", async () => {
    const token = uniqueKey("sk-ant-oat01-");
    fake.addKey(token);
    const request = {
      model: "claude-sonnet-5",
      max_tokens: 10,
      messages: [{ role: "user" as const, content: "hi" }],
    };

    const withoutBeta = await rejectionOf(clientWithToken(token, []).messages.create(request));
    expect(withoutBeta).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((withoutBeta as Error).message).toContain(
      "OAuth authentication is currently not supported",
    );

    const asApiKey = await rejectionOf(clientWithXApiKey(token).messages.create(request));
    expect(asApiKey).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(callsWith(token).map((call) => [call.auth, call.status])).toEqual([
      ["bearer", 401],
      ["x-api-key", 401],
    ]);
  });

  it("fails the next calls with failNext as RateLimitError carrying retry-after, then answers again", async () => {
    const key = uniqueKey("sk-ant-api03-");
    fake.addKey(key);
    const client = clientWithKey(key);
    const request = {
      model: "claude-sonnet-5",
      max_tokens: 10,
      messages: [{ role: "user" as const, content: "limited" }],
    };
    fake.failNext(2);

    for (let attempt = 0; attempt < 2; attempt += 1) {
      const error = await rejectionOf(client.messages.create(request));
      expect(error).toBeInstanceOf(Anthropic.RateLimitError);
      const rateLimit = error as InstanceType<typeof Anthropic.RateLimitError>;
      expect(rateLimit.status).toBe(429);
      expect(rateLimit.headers.get("retry-after")).toBe("0");
      expect(rateLimit.error).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });
    }
    const message = await client.messages.create(request);
    expect(message.content).toEqual([{ type: "text", text: "Echo: limited" }]);
    expect(callsWith(key).map((call) => call.status)).toEqual([429, 429, 200]);
  });

  it("answers failNext with 529 as the SDK's OverloadedError", async () => {
    const key = uniqueKey("sk-ant-api03-");
    fake.addKey(key);
    fake.failNext(1, 529);
    const error = await rejectionOf(
      clientWithKey(key).messages.create({
        model: "claude-sonnet-5",
        max_tokens: 10,
        messages: [{ role: "user", content: "busy" }],
      }),
    );
    expect(error).toBeInstanceOf(Anthropic.OverloadedError);
  });
});
