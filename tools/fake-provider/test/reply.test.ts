import { describe, expect, it } from "vitest";
import {
  computeUsage,
  echoReply,
  maskKey,
  reportsReasoning,
  splitIntoChunks,
} from "../src/index.js";

describe("deterministic replies", () => {
  it("splits a reply into one chunk per word that concatenate back to the exact text", () => {
    for (const text of [
      "Echo: a b c",
      "  leading and trailing  ",
      "one",
      "tabs\tand\nnewlines",
      "",
    ]) {
      const chunks = splitIntoChunks(text);
      expect(chunks.join("")).toBe(text);
      expect(chunks.every((chunk) => chunk.trim() !== "" || chunks.length === 1)).toBe(true);
    }
    expect(splitIntoChunks("Echo: hello there")).toEqual(["Echo:", " hello", " there"]);
  });

  it("echoes the trimmed prompt", () => {
    expect(echoReply("  hi there ")).toBe("Echo: hi there");
    expect(echoReply("   ")).toBe("Echo:");
  });

  it("computes Anthropic cache tokens only when the request uses cache_control", () => {
    const base = {
      provider: "ANTHROPIC" as const,
      model: "claude-sonnet-5",
      promptWords: 10,
      reply: "a b",
      prefixSeen: true,
      thinking: false,
    };
    expect(computeUsage({ ...base, cacheControl: false })).toEqual({
      inputTokens: 40,
      outputTokens: 6,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    });
    expect(computeUsage({ ...base, cacheControl: true })).toEqual({
      inputTokens: 10,
      outputTokens: 6,
      cacheReadTokens: 20,
      cacheWriteTokens: 10,
      reasoningTokens: 0,
    });
  });

  it("reports Anthropic thinking tokens, within the output tokens, when the request turns thinking on", () => {
    expect(
      computeUsage({
        provider: "ANTHROPIC",
        model: "claude-sonnet-5",
        promptWords: 1,
        reply: "a b c",
        cacheControl: false,
        prefixSeen: false,
        thinking: true,
      }),
    ).toMatchObject({ outputTokens: 8 + 16, reasoningTokens: 16 });
  });

  it("reads half the prompt from the cache for OpenAI and Gemini once the prefix was seen", () => {
    const base = {
      provider: "OPENAI" as const,
      model: "gpt-4.1",
      promptWords: 3,
      reply: "a",
      cacheControl: true,
      thinking: false,
    };
    expect(computeUsage({ ...base, prefixSeen: false })).toMatchObject({
      inputTokens: 19,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    });
    expect(computeUsage({ ...base, prefixSeen: true })).toMatchObject({
      inputTokens: 10,
      cacheReadTokens: 9,
      cacheWriteTokens: 0,
    });
  });

  it("reports reasoning for OpenAI o-series and gpt-5 models and thinking Gemini models only", () => {
    expect(reportsReasoning("OPENAI", "o4-mini")).toBe(true);
    expect(reportsReasoning("OPENAI", "gpt-5.4-mini")).toBe(true);
    expect(reportsReasoning("OPENAI", "gpt-4.1")).toBe(false);
    expect(reportsReasoning("GEMINI", "gemini-2.5-pro")).toBe(true);
    expect(reportsReasoning("GEMINI", "gemini-flash-latest")).toBe(true);
    expect(reportsReasoning("GEMINI", "gemini-2.5-flash-lite")).toBe(false);
    expect(reportsReasoning("GEMINI", "gemini-2.0-flash")).toBe(false);
    expect(reportsReasoning("ANTHROPIC", "claude-opus-5")).toBe(false);
  });

  it("masks all but the last 4 characters of a key, and all of a short one", () => {
    expect(maskKey("sk-proj-abcdefgh1234")).toBe("****************1234");
    expect(maskKey("short")).toBe("*****");
  });
});
