import { randomBytes } from "node:crypto";
import type { FakeProviderName, FakeUsage } from "./types.js";

// The fake's deterministic rules: tests may rely on them, so they are documented in the README.

/** Whitespace-separated words in a text. */
export const countWords = (text: string): number =>
  text.split(/\s+/).filter((word) => word.length > 0).length;

/** The default answer: the last user message, echoed. */
export const echoReply = (prompt: string): string => {
  const trimmed = prompt.trim();
  return trimmed === "" ? "Echo:" : `Echo: ${trimmed}`;
};

/**
 * Splits a reply into one chunk per word, whitespace kept in front of each word, so streaming
 * always sends several deltas and their concatenation is exactly the text.
 */
export const splitIntoChunks = (text: string): string[] => {
  const chunks: string[] = text.match(/\s*\S+/g) ?? [];
  const covered = chunks.join("").length;
  if (covered < text.length) {
    const rest = text.slice(covered);
    const last = chunks.pop();
    chunks.push(`${last ?? ""}${rest}`);
  }
  return chunks;
};

/**
 * Whether the fake reports reasoning for this model (OpenAI, Gemini). Anthropic reports
 * thinking tokens when the request turns thinking on, whatever the model.
 */
export const reportsReasoning = (provider: FakeProviderName, model: string): boolean => {
  const name = model.replace(/^models\//, "").toLowerCase();
  switch (provider) {
    case "OPENAI":
      return /^(o\d|gpt-5)/.test(name);
    case "GEMINI":
      return /^gemini-(2\.5|[3-9]|pro-|flash-)/.test(name) && !name.includes("lite");
    case "ANTHROPIC":
      return false;
  }
};

export interface UsageInput {
  provider: FakeProviderName;
  model: string;
  /** Words in every text of the request: system prompt, instructions and all messages. */
  promptWords: number;
  reply: string;
  /** Anthropic: the request marks something with `cache_control`. */
  cacheControl: boolean;
  /** Anthropic: the request turns thinking on (`thinking.type` "enabled" or "adaptive"). */
  thinking: boolean;
  /** OpenAI, Gemini: this server saw the same prefix (for this model) before. */
  prefixSeen: boolean;
}

/**
 * Usage from the request and the reply:
 * - prompt = 10 + 3 × promptWords tokens in all;
 * - Anthropic with `cache_control`: a quarter of the prompt is written to the cache and a half
 *   read from it (both non-zero on every such call), the rest is `inputTokens`;
 * - OpenAI and Gemini: half the prompt is read from the cache when the prefix was seen before;
 * - output = 2 + 2 × (words in the reply), plus reasoning = 4 + 4 × (words in the reply) for
 *   reasoning models (OpenAI `o*`, `gpt-5*`; Gemini 2.5 and later and the `-latest` aliases,
 *   except `lite`) and Anthropic requests with thinking on.
 */
export const computeUsage = (input: UsageInput): FakeUsage => {
  const prompt = 10 + 3 * input.promptWords;
  const replyWords = countWords(input.reply);
  const reasons = reportsReasoning(input.provider, input.model) || input.thinking;
  const reasoningTokens = reasons ? 4 + 4 * replyWords : 0;
  let cacheReadTokens = 0;
  let cacheWriteTokens = 0;
  if (input.provider === "ANTHROPIC") {
    if (input.cacheControl) {
      cacheReadTokens = Math.floor(prompt / 2);
      cacheWriteTokens = Math.floor(prompt / 4);
    }
  } else if (input.prefixSeen) {
    cacheReadTokens = Math.floor(prompt / 2);
  }
  return {
    inputTokens: prompt - cacheReadTokens - cacheWriteTokens,
    outputTokens: 2 + 2 * replyWords + reasoningTokens,
    cacheReadTokens,
    cacheWriteTokens,
    reasoningTokens,
  };
};

/** Masks all but the last 4 characters (all of a key shorter than 8), as providers do in errors. */
export const maskKey = (key: string): string =>
  key.length < 8 ? "*".repeat(key.length) : `${"*".repeat(key.length - 4)}${key.slice(-4)}`;

const ID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** A random id in the providers' style, e.g. `msg_01…`, `chatcmpl-…`. */
export const randomId = (prefix: string, length = 24): string => {
  const bytes = randomBytes(length);
  let id = "";
  for (const byte of bytes) id += ID_ALPHABET[byte % ID_ALPHABET.length] ?? "0";
  return `${prefix}${id}`;
};
