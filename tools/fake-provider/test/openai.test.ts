import { randomUUID } from "node:crypto";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeProvider, type FakeProvider } from "../src/index.js";
import { rejectionOf, uniqueKey } from "./helpers.js";

let fake: FakeProvider;

beforeAll(async () => {
  fake = await startFakeProvider();
});

afterAll(async () => {
  await fake.close();
});

const clientWithKey = (apiKey: string): OpenAI =>
  new OpenAI({ apiKey, baseURL: fake.baseUrls.openai, maxRetries: 0 });

/** A two-word system prompt no other test uses, so cache prefixes never collide. */
const sessionPrompt = (): string => `Session ${randomUUID()}`;

const callsWith = (key: string) =>
  fake.calls({ provider: "OPENAI" }).filter((call) => call.key === key);

describe("OpenAI Chat Completions through the openai SDK", () => {
  it("answers a non-streamed completion with the echoed text, usage details and the recorded key", async () => {
    const key = uniqueKey("sk-proj-");
    fake.addKey(key);
    const completion = await clientWithKey(key).chat.completions.create({
      model: "gpt-4.1",
      messages: [
        { role: "system", content: sessionPrompt() },
        { role: "user", content: "hello chat world" },
      ],
    });

    expect(completion.object).toBe("chat.completion");
    expect(completion.model).toBe("gpt-4.1");
    expect(completion.choices).toMatchObject([
      {
        index: 0,
        message: { role: "assistant", content: "Echo: hello chat world" },
        finish_reason: "stop",
      },
    ]);
    // 5 words → 10 + 3×5 prompt tokens; 4 reply words → 2 + 2×4; gpt-4.1 does not reason.
    expect(completion.usage).toMatchObject({
      prompt_tokens: 25,
      completion_tokens: 10,
      total_tokens: 35,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
    expect(callsWith(key)).toMatchObject([
      {
        api: "chat",
        model: "gpt-4.1",
        auth: "bearer",
        stream: false,
        status: 200,
        completed: true,
      },
    ]);
  });

  it("streams several content chunks and, with include_usage, a last chunk with empty choices and usage", async () => {
    const key = uniqueKey("sk-proj-");
    fake.addKey(key);
    const client = clientWithKey(key);
    const system = sessionPrompt();
    const streamOnce = async () => {
      const stream = await client.chat.completions.create({
        model: "gpt-5.4-mini",
        stream: true,
        stream_options: { include_usage: true },
        messages: [
          { role: "system", content: system },
          { role: "user", content: "stream me please" },
        ],
      });
      const chunks = [];
      for await (const chunk of stream) chunks.push(chunk);
      return chunks;
    };

    const chunks = await streamOnce();
    const contents = chunks.flatMap((chunk) =>
      chunk.choices.map((choice) => choice.delta.content ?? ""),
    );
    expect(contents.filter((content) => content !== "").length).toBeGreaterThan(1);
    expect(contents.join("")).toBe("Echo: stream me please");
    expect(
      chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason)),
    ).toContain("stop");
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    // gpt-5 models report reasoning: 4 + 4×4 on top of the 10 visible output tokens.
    expect(last.usage).toMatchObject({
      prompt_tokens: 25,
      completion_tokens: 30,
      total_tokens: 55,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 20 },
    });
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);

    // The same prefix again: half of the prompt is read from the cache.
    const again = await streamOnce();
    expect(again.at(-1)!.usage).toMatchObject({
      prompt_tokens: 25,
      prompt_tokens_details: { cached_tokens: 12 },
    });
    expect(callsWith(key).map((call) => call.usage?.cacheReadTokens)).toEqual([0, 12]);
  });

  it("sends no usage chunk when the stream did not ask for it", async () => {
    const key = uniqueKey("sk-proj-");
    fake.addKey(key);
    const stream = await clientWithKey(key).chat.completions.create({
      model: "gpt-4.1",
      stream: true,
      messages: [{ role: "user", content: "no usage" }],
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.every((chunk) => !("usage" in chunk) && chunk.choices.length === 1)).toBe(true);
  });

  it("refuses an unknown key with AuthenticationError (401, invalid_api_key), naming only its last 4 characters", async () => {
    const key = uniqueKey("sk-proj-unknown-");
    const error = await rejectionOf(
      clientWithKey(key).chat.completions.create({
        model: "gpt-4.1",
        messages: [{ role: "user", content: "hi" }],
      }),
    );

    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    const apiError = error as InstanceType<typeof OpenAI.AuthenticationError>;
    expect(apiError.status).toBe(401);
    expect(apiError.code).toBe("invalid_api_key");
    expect(apiError.type).toBe("invalid_request_error");
    expect(apiError.message).toContain(`Incorrect API key provided: ****`);
    expect(apiError.message).toContain(key.slice(-4));
    expect(apiError.message).not.toContain(key.slice(0, -4));
    expect(callsWith(key)).toMatchObject([{ status: 401, usage: null }]);
  });

  it("fails the next call with failNext as RateLimitError (429, rate_limit_exceeded) and answers the one after", async () => {
    const key = uniqueKey("sk-proj-");
    fake.addKey(key);
    const client = clientWithKey(key);
    fake.failNext(1, 429);
    const error = await rejectionOf(
      client.chat.completions.create({
        model: "gpt-4.1",
        stream: true,
        messages: [{ role: "user", content: "limited" }],
      }),
    );

    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const rateLimit = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(rateLimit.status).toBe(429);
    expect(rateLimit.code).toBe("rate_limit_exceeded");
    expect(rateLimit.type).toBe("requests");
    expect(rateLimit.headers.get("retry-after")).toBe("0");
    const completion = await client.chat.completions.create({
      model: "gpt-4.1",
      messages: [{ role: "user", content: "limited" }],
    });
    expect(completion.choices[0]?.message.content).toBe("Echo: limited");
    expect(callsWith(key).map((call) => call.status)).toEqual([429, 200]);
  });

  it("answers malformed JSON with 400 in OpenAI's error shape", async () => {
    const key = uniqueKey("sk-proj-");
    fake.addKey(key);
    const response = await fetch(`${fake.baseUrls.openai}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: "{",
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { type: "invalid_request_error", param: null, code: null },
    });
  });
});

describe("OpenAI Responses through the openai SDK", () => {
  it("answers a non-streamed response with output_text and usage, reasoning included for o-models", async () => {
    const key = uniqueKey("sk-proj-");
    fake.addKey(key);
    const response = await clientWithKey(key).responses.create({
      model: "o4-mini",
      instructions: sessionPrompt(),
      input: "hello responses",
    });

    expect(response.object).toBe("response");
    expect(response.status).toBe("completed");
    expect(response.output_text).toBe("Echo: hello responses");
    expect(response.output).toMatchObject([
      {
        type: "message",
        status: "completed",
        role: "assistant",
        content: [{ type: "output_text", text: "Echo: hello responses", annotations: [] }],
      },
    ]);
    // 4 words → 22 input; 3 reply words → 8 visible + 16 reasoning.
    expect(response.usage).toEqual({
      input_tokens: 22,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 24,
      output_tokens_details: { reasoning_tokens: 16 },
      total_tokens: 46,
    });
    expect(callsWith(key)).toMatchObject([{ api: "responses", model: "o4-mini", status: 200 }]);
  });

  it("streams the events Codex expects, in order, with sequence numbers and several text deltas", async () => {
    const key = uniqueKey("sk-proj-");
    fake.addKey(key);
    const stream = await clientWithKey(key).responses.create({
      model: "gpt-4.1",
      instructions: sessionPrompt(),
      input: [{ role: "user", content: [{ type: "input_text", text: "stream the response" }] }],
      stream: true,
    });
    const events = [];
    for await (const event of stream) events.push(event);

    const types = events.map((event) => event.type);
    const deltas = events.flatMap((event) =>
      event.type === "response.output_text.delta" ? [event.delta] : [],
    );
    expect(types).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      ...deltas.map(() => "response.output_text.delta"),
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join("")).toBe("Echo: stream the response");
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    const completed = events.at(-1);
    if (completed?.type !== "response.completed")
      throw new Error("the stream did not end with response.completed");
    expect(completed.response.output).toMatchObject([
      { type: "message", content: [{ type: "output_text", text: "Echo: stream the response" }] },
    ]);
    expect(completed.response.usage).toMatchObject({
      input_tokens: 25,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 10,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 35,
    });
  });

  it("gives the streaming helper's finalResponse() the whole text", async () => {
    const key = uniqueKey("sk-proj-");
    fake.addKey(key);
    const stream = clientWithKey(key).responses.stream({ model: "gpt-5.4", input: "helper check" });
    const response = await stream.finalResponse();
    expect(response.output_text).toBe("Echo: helper check");
    expect(response.usage?.output_tokens_details.reasoning_tokens).toBe(16);
  });

  it("refuses an unknown key on the Responses API with AuthenticationError", async () => {
    const key = uniqueKey("sk-proj-unknown-");
    const error = await rejectionOf(
      clientWithKey(key).responses.create({ model: "gpt-4.1", input: "hi" }),
    );
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe("invalid_api_key");
  });

  it("fails a streamed Responses call with failNext as RateLimitError", async () => {
    const key = uniqueKey("sk-proj-");
    fake.addKey(key);
    fake.failNext(1);
    const error = await rejectionOf(
      clientWithKey(key).responses.create({ model: "gpt-4.1", input: "hi", stream: true }),
    );
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(callsWith(key)).toMatchObject([{ api: "responses", stream: true, status: 429 }]);
  });
});
