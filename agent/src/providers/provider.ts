import type { AgentRunInput } from "@agentry/core/protocol";
import type { Turn } from "../conversation.js";

/** Token counts of one provider call, in disjoint classes (see README: usage mapping). */
export interface TokenUsage {
  /** Input tokens neither read from nor written to a cache. */
  inputTokens: number;
  /** All generated tokens, reasoning included. */
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** The part of `outputTokens` spent on reasoning (a breakdown, not an extra class). */
  reasoningTokens: number;
}

export const ZERO_USAGE: TokenUsage = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
});

export interface ProviderCallRequest {
  /** The model asked for; the reply may name a more precise version. */
  model: string;
  credential: AgentRunInput["credential"];
  /** In the SDK's own convention; undefined = the provider's public endpoint. */
  baseUrl: string | undefined;
  /** The whole conversation, ending with the new user turn. */
  turns: readonly Turn[];
  /** Deadline of the whole call, streaming included. */
  timeoutMs: number;
  /** Aborts the call when its deadline passes. */
  signal: AbortSignal;
  /** Called for every text fragment as it streams in. */
  onText: (delta: string) => void;
}

export interface ProviderCallResult {
  text: string;
  /** As the provider reported it, else the requested one. */
  model: string;
  usage: TokenUsage;
  stopReason: string | undefined;
}

/** One streamed provider call. Failures are thrown as `ProviderCallError`. */
export type ProviderCall = (request: ProviderCallRequest) => Promise<ProviderCallResult>;
