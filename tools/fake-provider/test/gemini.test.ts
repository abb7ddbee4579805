import { randomUUID } from "node:crypto";
import { ApiError, GoogleGenAI } from "@google/genai";
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

const clientWithKey = (apiKey: string): GoogleGenAI =>
  new GoogleGenAI({ apiKey, httpOptions: { baseUrl: fake.baseUrls.gemini } });

/** A two-word system instruction no other test uses, so cache prefixes never collide. */
const sessionPrompt = (): string => `Session ${randomUUID()}`;

const callsWith = (key: string) =>
  fake.calls({ provider: "GEMINI" }).filter((call) => call.key === key);

describe("Gemini generateContent through @google/genai", () => {
  it("answers generateContent with the echoed text, usageMetadata and the recorded key", async () => {
    const key = uniqueKey("AIza");
    fake.addKey(key);
    const response = await clientWithKey(key).models.generateContent({
      model: "gemini-2.0-flash",
      contents: "hello gemini world",
      config: { systemInstruction: sessionPrompt() },
    });

    expect(response.text).toBe("Echo: hello gemini world");
    expect(response.candidates?.[0]).toMatchObject({
      finishReason: "STOP",
      content: { role: "model" },
    });
    expect(response.modelVersion).toBe("gemini-2.0-flash");
    // 5 words → 25 prompt tokens; 4 reply words → 10; gemini-2.0 does not think. Zero counts are left out.
    expect(response.usageMetadata).toMatchObject({
      promptTokenCount: 25,
      candidatesTokenCount: 10,
      totalTokenCount: 35,
    });
    expect(response.usageMetadata?.cachedContentTokenCount).toBeUndefined();
    expect(response.usageMetadata?.thoughtsTokenCount).toBeUndefined();
    expect(callsWith(key)).toMatchObject([
      {
        api: "generateContent",
        model: "gemini-2.0-flash",
        auth: "x-goog-api-key",
        stream: false,
        status: 200,
        prompt: "hello gemini world",
        completed: true,
      },
    ]);
  });

  it("streams several chunks over SSE; the last carries STOP and the whole usage, cache on a repeated prefix", async () => {
    const key = uniqueKey("AIza");
    fake.addKey(key);
    const client = clientWithKey(key);
    const systemInstruction = sessionPrompt();
    const streamOnce = async () => {
      const stream = await client.models.generateContentStream({
        model: "gemini-2.5-flash",
        contents: "stream gemini please",
        config: { systemInstruction },
      });
      const chunks = [];
      for await (const chunk of stream) chunks.push(chunk);
      return chunks;
    };

    const chunks = await streamOnce();
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.map((chunk) => chunk.text ?? "").join("")).toBe("Echo: stream gemini please");
    const last = chunks.at(-1)!;
    expect(last.candidates?.[0]?.finishReason).toBe("STOP");
    // gemini-2.5 thinks: 4 + 4×4 thought tokens beside 10 candidate tokens.
    expect(last.usageMetadata).toMatchObject({
      promptTokenCount: 25,
      candidatesTokenCount: 10,
      thoughtsTokenCount: 20,
      totalTokenCount: 55,
    });

    const again = await streamOnce();
    expect(again.at(-1)!.usageMetadata).toMatchObject({
      promptTokenCount: 25,
      cachedContentTokenCount: 12,
    });
    expect(callsWith(key)).toMatchObject([
      { stream: true, usage: { cacheReadTokens: 0, reasoningTokens: 20 } },
      { stream: true, usage: { cacheReadTokens: 12, inputTokens: 13 } },
    ]);
  });

  it("answers an unknown key like real Gemini: ApiError 400 INVALID_ARGUMENT with reason API_KEY_INVALID", async () => {
    const key = uniqueKey("AIza-unknown-");
    const error = await rejectionOf(
      clientWithKey(key).models.generateContent({ model: "gemini-2.5-flash", contents: "hi" }),
    );

    expect(error).toBeInstanceOf(ApiError);
    const apiError = error as ApiError;
    expect(apiError.status).toBe(400);
    const body = JSON.parse(apiError.message) as {
      error: { code: number; status: string; message: string; details: { reason?: string }[] };
    };
    expect(body.error).toMatchObject({
      code: 400,
      status: "INVALID_ARGUMENT",
      message: "API key not valid. Please pass a valid API key.",
    });
    expect(body.error.details.map((detail) => detail.reason)).toContain("API_KEY_INVALID");
    expect(apiError.message).not.toContain(key);
    expect(callsWith(key)).toMatchObject([{ status: 400, usage: null }]);
  });

  it("fails a streamed call with failNext as ApiError 429 RESOURCE_EXHAUSTED", async () => {
    const key = uniqueKey("AIza");
    fake.addKey(key);
    fake.failNext(1, 429);
    const error = await rejectionOf(
      (async () => {
        const stream = await clientWithKey(key).models.generateContentStream({
          model: "gemini-2.5-flash",
          contents: "limited",
        });
        const chunks = [];
        for await (const chunk of stream) chunks.push(chunk);
        return chunks;
      })(),
    );

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(429);
    expect((error as ApiError).message).toContain("RESOURCE_EXHAUSTED");
    // A daily quota, named the way Gemini names it: Gemini CLI stops at once instead of retrying.
    expect((error as ApiError).message).toContain("GenerateRequestsPerDayPerProjectPerModel");
    expect(callsWith(key)).toMatchObject([{ stream: true, status: 429 }]);
  });

  it("answers a scripted toolCall with a functionCall part, streamed or not", async () => {
    const key = uniqueKey("AIza");
    fake.addKey(key);
    const toolCall = { name: "write_file", arguments: { file_path: "a.txt", content: "hi" } };
    fake.script({ provider: "GEMINI", toolCall }, { provider: "GEMINI", toolCall });
    const client = clientWithKey(key);

    const whole = await client.models.generateContent({
      model: "gemini-2.5-flash",
      contents: "go",
    });
    const chunks = [];
    const stream = await client.models.generateContentStream({
      model: "gemini-2.5-flash",
      contents: "go",
    });
    for await (const chunk of stream) chunks.push(chunk);

    const expected = [{ name: "write_file", args: toolCall.arguments }];
    expect(whole.functionCalls).toEqual(expected);
    expect(chunks.flatMap((chunk) => chunk.functionCalls ?? [])).toEqual(expected);
    expect(chunks.at(-1)?.usageMetadata?.promptTokenCount).toBeGreaterThan(0);
  });

  it("takes the key from ?key= too, and refuses a call without any key with 403 PERMISSION_DENIED", async () => {
    const key = uniqueKey("AIza");
    fake.addKey(key);
    const body = JSON.stringify({ contents: [{ role: "user", parts: [{ text: "query key" }] }] });
    const path = `${fake.url}/v1beta/models/gemini-2.0-flash:generateContent`;

    const withQueryKey = await fetch(`${path}?key=${key}`, { method: "POST", body });
    expect(withQueryKey.status).toBe(200);
    expect(callsWith(key)).toMatchObject([{ auth: "query-key", status: 200 }]);

    const withoutKey = await fetch(path, { method: "POST", body });
    expect(withoutKey.status).toBe(403);
    expect(await withoutKey.json()).toMatchObject({
      error: { code: 403, status: "PERMISSION_DENIED" },
    });
  });

  it("streams a JSON array when streamGenerateContent is called without alt=sse", async () => {
    const key = uniqueKey("AIza");
    fake.addKey(key);
    const response = await fetch(
      `${fake.url}/v1beta/models/gemini-2.0-flash:streamGenerateContent`,
      {
        method: "POST",
        headers: { "x-goog-api-key": key },
        body: JSON.stringify({ contents: [{ parts: [{ text: "array please" }] }] }),
      },
    );
    const chunks = (await response.json()) as {
      candidates: { content: { parts: { text: string }[] } }[];
    }[];
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.map((chunk) => chunk.candidates[0]?.content.parts[0]?.text).join("")).toBe(
      "Echo: array please",
    );
  });

  it("answers a JSON-mode request (Gemini CLI's router) with JSON that fits the response schema", async () => {
    const key = uniqueKey("AIza");
    fake.addKey(key);
    const response = await clientWithKey(key).models.generateContent({
      model: "gemini-2.5-flash-lite",
      contents: "which model?",
      config: {
        responseMimeType: "application/json",
        responseJsonSchema: {
          type: "object",
          properties: {
            reasoning: { type: "string" },
            model_choice: { type: "string", enum: ["flash", "pro"] },
          },
          required: ["reasoning", "model_choice"],
        },
      },
    });
    expect(JSON.parse(response.text ?? "")).toEqual({
      reasoning: "Echo: which model?",
      model_choice: "flash",
    });
  });
});
