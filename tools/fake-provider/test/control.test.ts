import { networkInterfaces } from "node:os";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeProvider, type FakeProvider, type RecordedCall } from "../src/index.js";
import { rejectionOf, uniqueKey } from "./helpers.js";

let fake: FakeProvider;

beforeAll(async () => {
  fake = await startFakeProvider();
});

afterAll(async () => {
  await fake.close();
});

const anthropic = (apiKey: string, url = fake.url): Anthropic =>
  new Anthropic({ apiKey, authToken: null, baseURL: url, maxRetries: 0 });

const openai = (apiKey: string, url = fake.baseUrls.openai): OpenAI =>
  new OpenAI({ apiKey, baseURL: url, maxRetries: 0 });

const ask = (client: Anthropic, content: string) =>
  client.messages.create({
    model: "claude-sonnet-5",
    max_tokens: 50,
    messages: [{ role: "user", content }],
  });

const control = (method: string, path: string, body?: unknown): Promise<Response> =>
  fetch(`${fake.url}/_fake/${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });

describe("the HTTP control API", () => {
  it("adds and removes keys, lists calls with the key each carried, queues failures and resets", async () => {
    const key = uniqueKey("sk-proj-");
    const client = openai(key);
    const request = {
      model: "gpt-4.1",
      messages: [{ role: "user" as const, content: "controlled" }],
    };
    expect(await rejectionOf(client.chat.completions.create(request))).toBeInstanceOf(
      OpenAI.AuthenticationError,
    );

    expect((await control("POST", "keys", { key })).status).toBe(204);
    await client.chat.completions.create(request);
    expect((await control("POST", "fail", { count: 1, status: 500 })).status).toBe(204);
    expect(await rejectionOf(client.chat.completions.create(request))).toBeInstanceOf(
      OpenAI.InternalServerError,
    );
    expect((await control("DELETE", `keys/${encodeURIComponent(key)}`)).status).toBe(204);
    expect(await rejectionOf(client.chat.completions.create(request))).toBeInstanceOf(
      OpenAI.AuthenticationError,
    );

    const listed = (await (await control("GET", "calls")).json()) as {
      calls: (RecordedCall & { at: string })[];
    };
    const mine = listed.calls.filter((call) => call.key === key);
    expect(mine.map((call) => call.status)).toEqual([401, 200, 500, 401]);
    expect(mine[1]).toMatchObject({
      provider: "OPENAI",
      api: "chat",
      model: "gpt-4.1",
      auth: "bearer",
    });
    expect(new Date(mine[1]!.at).getTime()).not.toBeNaN();

    expect((await control("POST", "reset")).status).toBe(204);
    expect(((await (await control("GET", "calls")).json()) as { calls: unknown[] }).calls).toEqual(
      [],
    );
  });

  it("queues scripted answers over HTTP: text and usage overrides, error statuses, provider filters, FIFO", async () => {
    const key = uniqueKey("sk-ant-api03-");
    fake.addKey(key);
    const gemini = uniqueKey("AIza");
    fake.addKey(gemini);
    const scripted = await control("POST", "script", {
      steps: [
        { provider: "GEMINI", text: "for gemini" },
        { text: "scripted first", usage: { inputTokens: 7 } },
        { status: 503 },
      ],
    });
    expect(scripted.status).toBe(204);

    const first = await ask(anthropic(key), "anything");
    expect(first.content).toEqual([{ type: "text", text: "scripted first" }]);
    expect(first.usage.input_tokens).toBe(7);
    // 2 reply words → 2 + 2×2 output tokens: the rest of the usage is still computed.
    expect(first.usage.output_tokens).toBe(6);

    const geminiAnswer = await fetch(`${fake.url}/v1beta/models/gemini-2.0-flash:generateContent`, {
      method: "POST",
      headers: { "x-goog-api-key": gemini },
      body: JSON.stringify({ contents: [{ parts: [{ text: "hi" }] }] }),
    });
    expect(await geminiAnswer.json()).toMatchObject({
      candidates: [{ content: { parts: [{ text: "for gemini" }] } }],
    });

    const unavailable = await rejectionOf(ask(anthropic(key), "anything"));
    expect(unavailable).toBeInstanceOf(Anthropic.APIError);
    expect((unavailable as InstanceType<typeof Anthropic.APIError>).status).toBe(503);

    const echoed = await ask(anthropic(key), "back to echo");
    expect(echoed.content).toEqual([{ type: "text", text: "Echo: back to echo" }]);
  });

  it("refuses malformed control requests with 400", async () => {
    expect((await control("POST", "keys", { key: 42 })).status).toBe(400);
    expect((await control("POST", "fail", { count: 1, status: 200 })).status).toBe(400);
    expect((await control("POST", "script", { steps: [{ provider: "NOPE" }] })).status).toBe(400);
    expect((await control("GET", "nothing-here")).status).toBe(404);
  });

  const externalAddress = Object.values(networkInterfaces())
    .flat()
    .find(
      (address) => address !== undefined && !address.internal && address.family === "IPv4",
    )?.address;

  // Needs a non-loopback interface to call from; machines without one skip it.
  it.skipIf(externalAddress === undefined)(
    "answers the control API only to loopback callers, while the provider endpoints serve everyone",
    async () => {
      const key = uniqueKey("sk-ant-api03-");
      const open = await startFakeProvider({ host: "0.0.0.0", keys: [key] });
      try {
        const remote = `http://${externalAddress ?? ""}:${open.port}`;
        const refused = await fetch(`${remote}/_fake/calls`);
        expect(refused.status).toBe(403);
        expect((await fetch(`http://127.0.0.1:${open.port}/_fake/calls`)).status).toBe(200);
        const message = await ask(anthropic(key, remote), "from afar");
        expect(message.content).toEqual([{ type: "text", text: "Echo: from afar" }]);
      } finally {
        await open.close();
      }
    },
  );
});

describe("request limits and routing", () => {
  it("answers a body over the size cap with each provider's own error", async () => {
    const key = uniqueKey("k-");
    const small = await startFakeProvider({ keys: [key], maxBodyBytes: 1024 });
    try {
      const big = JSON.stringify({
        model: "m",
        max_tokens: 1,
        messages: [{ role: "user", content: "x".repeat(4096) }],
      });
      const anthropicAnswer = await fetch(`${small.url}/v1/messages`, {
        method: "POST",
        headers: { "x-api-key": key, "anthropic-version": "2023-06-01" },
        body: big,
      });
      expect(anthropicAnswer.status).toBe(413);
      expect(await anthropicAnswer.json()).toMatchObject({
        type: "error",
        error: { type: "request_too_large" },
      });

      const openaiAnswer = await fetch(`${small.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}` },
        body: big,
      });
      expect(openaiAnswer.status).toBe(413);
      expect(await openaiAnswer.json()).toMatchObject({ error: { type: "invalid_request_error" } });

      const geminiAnswer = await fetch(
        `${small.url}/v1beta/models/gemini-2.0-flash:generateContent?key=${key}`,
        {
          method: "POST",
          body: big,
        },
      );
      expect(geminiAnswer.status).toBe(400);
      expect(await geminiAnswer.json()).toMatchObject({
        error: { code: 400, status: "INVALID_ARGUMENT" },
      });
      expect(small.calls().map((call) => call.status)).toEqual([413, 413, 400]);
    } finally {
      await small.close();
    }
  });

  it("answers HEAD on any path with 200 and an unknown route with 404", async () => {
    expect((await fetch(`${fake.url}/api/hello`, { method: "HEAD" })).status).toBe(200);
    expect((await fetch(`${fake.url}/v2/unknown`, { method: "POST", body: "{}" })).status).toBe(
      404,
    );
  });

  it("refuses a failNext status that is not an error", () => {
    expect(() => {
      fake.failNext(1, 200);
    }).toThrow(RangeError);
  });
});
