import { z } from "zod";

// The wire between the worker and an agent process (in a container or not).
// Input: one JSON object per message run on the agent's standard input (then stdin closes; a
// resident agent instead reads one `ResidentRunFrame` a line, see the channel below).
// Output: newline-delimited JSON events on standard output; anything on stderr is diagnostics
// (never parsed, never containing a secret).

export const providerSchema = z.enum(["ANTHROPIC", "OPENAI", "GEMINI", "GITHUB_COPILOT"]);
export const agentKindSchema = z.enum([
  "CHAT",
  "CLAUDE_CODE",
  "CODEX",
  "GEMINI_CLI",
  "COPILOT",
  "OPENCODE",
]);

/** Longest a run may take when the input does not say (CLI agents; the chat agent's calls have their own deadline). */
export const DEFAULT_RUN_TIME_LIMIT_MS = 15 * 60 * 1000;

/** What the worker writes to the agent's stdin for one message. */
export const agentRunInputSchema = z.object({
  messageId: z.uuid(),
  /** Which agent program runs the message: the built-in chat agent or one of the CLIs. */
  kind: agentKindSchema.default("CHAT"),
  /** Which attempt of this message (BullMQ attempts start at 1). */
  attempt: z.number().int().positive(),
  text: z.string(),
  provider: providerSchema,
  model: z.string().min(1),
  /** The credential for this one run; never logged, never echoed. */
  credential: z.object({ kind: z.enum(["API_KEY", "SUBSCRIPTION"]), secret: z.string().min(1) }),
  /** Provider base URLs (fake provider in tests); omitted = the provider's own. */
  baseUrls: z
    .object({
      ANTHROPIC: z.string().optional(),
      OPENAI: z.string().optional(),
      GEMINI: z.string().optional(),
      /** GitHub's API address for the Copilot CLI (it finds its model endpoint there). */
      GITHUB_COPILOT: z.string().optional(),
    })
    .partial()
    .default({}),
  /** Stop after the current provider call when this is reached (budget); null = no cap. */
  maxCalls: z.number().int().positive().nullable().default(null),
  /** The whole run's time limit (a CLI that outlives it is killed: AGENT_FAILED naming it). */
  timeLimitMs: z.number().int().positive().default(DEFAULT_RUN_TIME_LIMIT_MS),
});
export type AgentRunInput = z.infer<typeof agentRunInputSchema>;

export const usageRecordSchema = z.object({
  type: z.literal("usage"),
  /** 0-based index of the provider call within this run. */
  callIndex: z.number().int().nonnegative(),
  provider: providerSchema,
  model: z.string(),
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cacheReadTokens: z.number().int().nonnegative(),
  cacheWriteTokens: z.number().int().nonnegative(),
  reasoningTokens: z.number().int().nonnegative(),
  /** The cost the agent's CLI reported for this call itself (Claude, OpenCode, Copilot), kept beside ours. */
  reportedCostUsd: z.number().nonnegative().optional(),
});
export type UsageRecord = z.infer<typeof usageRecordSchema>;

export const agentEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text"), delta: z.string() }),
  z.object({ type: z.literal("tool"), name: z.string(), detail: z.string().optional() }),
  usageRecordSchema,
  z.object({ type: z.literal("done"), stopReason: z.string().optional() }),
  /**
   * The CLI refreshed its subscription during the run and rewrote its credential file (with a
   * rotated refresh token, the old one no longer works): the new secret, in the same form the
   * stored credential has, for the worker to re-encrypt. Never journaled, logged or published.
   */
  z.object({ type: z.literal("credential"), secret: z.string().min(1) }),
  z.object({
    type: z.literal("error"),
    /** INVALID_API_KEY (401/403), RATE_LIMITED (429), AUTHENTICATION_FAILED, AGENT_FAILED. */
    code: z.enum(["INVALID_API_KEY", "AUTHENTICATION_FAILED", "RATE_LIMITED", "AGENT_FAILED"]),
    /** The provider's HTTP status, when the error came from the provider. */
    status: z.number().int().optional(),
    /** Human-readable; must not contain the credential. */
    message: z.string(),
  }),
]);
export type AgentEvent = z.infer<typeof agentEventSchema>;

/** Parses one stdout line; returns null for a line that is not a valid event. */
export function parseAgentEvent(line: string): AgentEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  const parsed = agentEventSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

export * from "./channel.js";
