import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ANTHROPIC_OAUTH_BETA, startFakeProvider, type FakeProvider } from "../src/index.js";
import { readSseFrames, rejectionOf, uniqueKey } from "./helpers.js";

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

describe("Anthropic Messages through @anthropic-ai/sdk", () => {
  it("answers messages.create with the echoed last user message and records the key it carried", async () => {
    const key = uniqueKey("sk-ant-api03-");
    fake.addKey(key);
    const message = await clientWithKey(key).messages.create({
      model: "claude-sonnet-5",
      max_tokens: 100,
      messages: [
        { role: "user", content: "first question" },
        { role: "assistant", content: "an answer" },
        { role: "user", content: "hello fake world" },
      ],
    });

    expect(message.type).toBe("message");
    expect(message.role).toBe("assistant");
    expect(message.model).toBe("claude-sonnet-5");
    expect(message.stop_reason).toBe("end_turn");
    expect(message.content).toEqual([{ type: "text", text: "Echo: hello fake world" }]);
    // 7 words in all → 10 + 3×7; the reply has 4 words → 2 + 2×4.
    expect(message.usage).toMatchObject({
      input_tokens: 31,
      output_tokens: 10,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    });
    expect(callsWith(key)).toMatchObject([
      {
        api: "messages",
        model: "claude-sonnet-5",
        auth: "bearer",
        stream: false,
        status: 200,
        prompt: "hello fake world",
        text: "Echo: hello fake world",
        completed: true,
        usage: { inputTokens: 31, outputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 0 },
      },
    ]);
  });

  it("streams the reply as several text deltas and finalMessage() carries every usage class, cache included", async () => {
    const key = uniqueKey("sk-ant-api03-");
    fake.addKey(key);
    const stream = clientWithKey(key).messages.stream({
      model: "claude-haiku-4-5",
      max_tokens: 100,
      system: [{ type: "text", text: "You are terse.", cache_control: { type: "ephemeral" } }],
      messages: [{ role: "user", content: "stream this please" }],
    });
    const deltas: string[] = [];
    stream.on("text", (delta) => deltas.push(delta));
    const message = await stream.finalMessage();

    expect(deltas).toEqual(["Echo:", " stream", " this", " please"]);
    expect(message.content).toMatchObject([{ type: "text", text: "Echo: stream this please" }]);
    // 6 words → a prompt of 28: a half read from the cache, a quarter written, the rest input.
    expect(message.usage).toMatchObject({
      input_tokens: 7,
      cache_read_input_tokens: 14,
      cache_creation_input_tokens: 7,
      output_tokens: 10,
    });
    expect(message.stop_reason).toBe("end_turn");
    expect(callsWith(key)).toMatchObject([{ stream: true, status: 200, completed: true }]);
  });

  it("reports thinking tokens within the output tokens when the request turns thinking on", async () => {
    const key = uniqueKey("sk-ant-api03-");
    fake.addKey(key);
    const message = await clientWithKey(key)
      .messages.stream({
        model: "claude-opus-5",
        max_tokens: 2000,
        thinking: { type: "enabled", budget_tokens: 1024 },
        messages: [{ role: "user", content: "think hard" }],
      })
      .finalMessage();

    // 3 reply words: 2 + 2×3 visible and 4 + 4×3 thinking tokens.
    expect(message.usage.output_tokens).toBe(24);
    expect(message.usage.output_tokens_details).toEqual({ thinking_tokens: 16 });
    expect(callsWith(key)).toMatchObject([{ usage: { outputTokens: 24, reasoningTokens: 16 } }]);
  });

  it("sends the SSE events in the real order, each as `event: <name>` with matching data", async () => {
    const key = uniqueKey("sk-ant-api03-");
    fake.addKey(key);
    const response = await fetch(`${fake.url}/v1/messages?beta=true`, {
      method: "POST",
      headers: {
        "x-api-key": key,
        "anthropic-version": "2023-06-01",
        "content-type": "application/json",
      },
      body: JSON.stringify({
        model: "claude-sonnet-5",
        max_tokens: 50,
        stream: true,
        messages: [{ role: "user", content: [{ type: "text", text: "order check" }] }],
      }),
    });
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const frames = await readSseFrames(response);

    expect(frames.map((frame) => frame.event)).toEqual([
      "message_start",
      "content_block_start",
      "ping",
      "content_block_delta",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    for (const frame of frames) {
      expect((JSON.parse(frame.data) as { type: string }).type).toBe(frame.event);
    }
    const start = JSON.parse(frames[0]!.data) as { message: { usage: Record<string, number> } };
    expect(start.message.usage).toMatchObject({
      input_tokens: 16,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: 1,
    });
    // message_delta carries whole-message totals, as the current API does.
    const delta = JSON.parse(frames[7]!.data) as { usage: Record<string, unknown> };
    expect(delta.usage).toEqual({
      input_tokens: 16,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: 8,
      output_tokens_details: null,
    });
  });

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

  it("answers malformed JSON and a missing anthropic-version with 400 invalid_request_error", async () => {
    const key = uniqueKey("sk-ant-api03-");
    fake.addKey(key);
    const post = (headers: Record<string, string>, body: string) =>
      fetch(`${fake.url}/v1/messages`, {
        method: "POST",
        headers: { "x-api-key": key, ...headers },
        body,
      });

    const malformed = await post({ "anthropic-version": "2023-06-01" }, "{not json");
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({
      type: "error",
      error: { type: "invalid_request_error" },
    });

    const noVersion = await post({}, JSON.stringify({ model: "m", max_tokens: 1, messages: [] }));
    expect(noVersion.status).toBe(400);
    expect(await noVersion.json()).toMatchObject({
      error: { type: "invalid_request_error", message: "anthropic-version: header is required" },
    });
  });

  it("lists models for an Anthropic caller", async () => {
    const key = uniqueKey("sk-ant-api03-");
    fake.addKey(key);
    const page = await clientWithKey(key).models.list();
    expect(page.data.map((model) => model.id)).toContain("claude-sonnet-5");
  });
});
