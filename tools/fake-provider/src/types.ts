/** The provider a call was addressed to (same names as the GraphQL `Provider` enum). */
export type FakeProviderName = "ANTHROPIC" | "OPENAI" | "GEMINI";

/**
 * Who a recorded call was addressed to: one of the providers, or GitHub Copilot, whose model
 * calls (under `/copilot/`) speak OpenAI's and Anthropic's wire formats with a GitHub token.
 */
export type FakeCallProvider = FakeProviderName | "GITHUB_COPILOT";

/** Which of the faked HTTP APIs a call used. */
export type FakeApi = "messages" | "chat" | "responses" | "generateContent";

/** How the call carried its credential. */
export type AuthScheme = "x-api-key" | "bearer" | "x-goog-api-key" | "query-key" | "none";

/**
 * Token usage in one provider-neutral shape. The wire formats derive from it:
 * - `inputTokens`: input tokens that were neither read from nor written to a cache
 *   (Anthropic `input_tokens`; OpenAI's `prompt_tokens` and Gemini's `promptTokenCount`
 *   are `inputTokens + cacheReadTokens`).
 * - `outputTokens`: every output token billed, reasoning included (Anthropic `output_tokens`,
 *   OpenAI `completion_tokens`/`output_tokens`; Gemini splits it into
 *   `candidatesTokenCount = outputTokens - reasoningTokens` and `thoughtsTokenCount`).
 * - `cacheReadTokens`, `cacheWriteTokens` (Anthropic only; OpenAI and Gemini report no writes),
 *   `reasoningTokens` (a part of `outputTokens`).
 */
export interface FakeUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
}

/** One request to a provider endpoint, as the fake saw it. */
export interface RecordedCall {
  /** 1, 2, 3… in arrival order. */
  seq: number;
  provider: FakeCallProvider;
  api: FakeApi;
  /** `null` when the request never named one (e.g. malformed JSON). */
  model: string | null;
  /** The credential the request carried, verbatim; `null` when it carried none. */
  key: string | null;
  auth: AuthScheme;
  stream: boolean;
  /** The HTTP status the fake answered with. */
  status: number;
  /** The usage the fake reported; `null` for an error response. */
  usage: FakeUsage | null;
  /** The text of the last user message (what the reply echoes). */
  prompt: string;
  /** The request's JSON body (the whole conversation sent); `null` when it was refused before parsing. */
  body: unknown;
  /** The reply text; `null` for an error response. */
  text: string | null;
  at: Date;
  /** True once the whole response was written; false while it streams or when the client left. */
  completed: boolean;
}

/** Narrows a scripted step or a hold to some calls only. */
export interface CallFilter {
  provider?: FakeCallProvider;
  api?: FakeApi;
}

/** One scripted answer, used by the next call that matches its filter (FIFO). */
export interface ScriptStep extends CallFilter {
  /** Reply text instead of `Echo: <prompt>`. */
  text?: string;
  /** Overrides of the computed usage. */
  usage?: Partial<FakeUsage>;
  /** Answer with this error status (in the provider's shape) instead of a reply. */
  status?: number;
  /** Pause before each streamed chunk (and before a non-streamed answer). */
  delayMs?: number;
  /**
   * Break the answer where a hold would pause it (a stream after its first delta, a
   * non-streamed answer before it is sent): `cut` drops the connection, `stall` sends nothing
   * more and keeps it open until the client leaves or the server closes.
   */
  interrupt?: "cut" | "stall";
  /** OpenAI Responses and Gemini: answer with this function call (a tool the client runs). */
  toolCall?: ScriptedToolCall;
}

/** A function call to answer with, e.g. `{ name: "exec_command", arguments: { cmd: "ls" } }`. */
export interface ScriptedToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

/** A call paused after its first chunk (or before its answer) until released. */
export interface HeldCall {
  /** Resolves once a matching call has started and is paused. */
  readonly started: Promise<RecordedCall>;
  /** Lets the call continue; also called for every hold when the server closes. */
  release(): void;
}
