import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeProvider, type FakeProvider } from "../src/index.js";
import { readSseFrames, uniqueKey } from "./helpers.js";

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
