import {
  RUN_LOG_OUTPUT_CHARS,
  type AgentRunLog,
  type AgentRunLogEntry,
  type RunLogOutcome,
} from "@agentry/core";
import type { Logger } from "pino";

// One message run as the agent's run log keeps it (Agent.logs): written after the message has
// settled, never in its way, and with every secret the run could have printed taken out first.

const REDACTED = "[redacted]";

/** Strings inside a JSON secret at least this long are taken for tokens and redacted too. */
const MIN_INNER_TOKEN = 16;

/**
 * Token shapes redacted whoever's they are — a second net behind the run's own secret (a CLI
 * that prints a token it got elsewhere, or one refreshed during the run).
 */
const TOKEN_SHAPES: readonly (readonly [RegExp, string])[] = [
  [/\bsk-[A-Za-z0-9_*.-]{6,}/g, REDACTED], // Anthropic (sk-ant-…), OpenAI (sk-…, sk-proj-…)
  [/\bAIza[A-Za-z0-9_-]{10,}/g, REDACTED], // Google API keys
  [/\bgh[pousr]_[A-Za-z0-9]{10,}/g, REDACTED], // GitHub tokens
  [/\bgithub_pat_[A-Za-z0-9_]{10,}/g, REDACTED],
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, REDACTED], // JWTs
  [/\b(Bearer|Basic)\s+[^\s"',;]+/gi, `$1 ${REDACTED}`],
];

/**
 * What must not appear in a run's log: the whole secret and, for a JSON secret (Codex's
 * auth.json, Claude's .credentials.json), every string inside it long enough to be a token.
 * Longest first, so a token is not half-redacted by a shorter one inside it.
 */
export function secretsOf(secret: string): string[] {
  const found = new Set<string>();
  if (secret.length > 0) found.add(secret);
  const trimmed = secret.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      collectStrings(JSON.parse(trimmed), found);
    } catch {
      // not JSON after all: the whole secret is enough
    }
  }
  return [...found].sort((a, b) => b.length - a.length);
}

function collectStrings(value: unknown, into: Set<string>): void {
  if (typeof value === "string") {
    if (value.length >= MIN_INNER_TOKEN) into.add(value);
  } else if (Array.isArray(value)) {
    for (const item of value) collectStrings(item, into);
  } else if (typeof value === "object" && value !== null) {
    for (const item of Object.values(value)) collectStrings(item, into);
  }
}

/** `text` with every one of `secrets` and every token-shaped string replaced by [redacted]. */
export function redactRunOutput(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length > 0) out = out.split(secret).join(REDACTED);
  for (const [shape, replacement] of TOKEN_SHAPES) out = out.replace(shape, replacement);
  return out;
}

/** What the message path gathers about one run as it goes (filled in where it settles). */
export interface RunLogDraft {
  readonly messageId: string;
  /** Set once the message is loaded; a message that no longer exists leaves no entry. */
  agentId: string;
  readonly startedAt: Date;
  /** The run's credential, to redact; empty until it is resolved. */
  secret: string;
  /** The agent program's stderr tail, as printed (redacted when written). */
  output: string;
  calls: number;
  ended?: {
    readonly outcome: RunLogOutcome;
    readonly error: { readonly code: string; readonly message: string } | null;
  };
}

/** The entry a settled draft becomes: redacted, its output capped. */
export function toRunLogEntry(draft: RunLogDraft, endedAt: Date): AgentRunLogEntry | null {
  if (draft.ended === undefined) return null;
  const secrets = secretsOf(draft.secret);
  const error = draft.ended.error;
  return {
    messageId: draft.messageId,
    startedAt: draft.startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    outcome: draft.ended.outcome,
    errorCode: error?.code ?? null,
    errorMessage: error === null ? null : redactRunOutput(error.message, secrets),
    calls: draft.calls,
    // Redacted before capping: a cap first could cut a secret so that it no longer matches.
    output: redactRunOutput(draft.output, secrets).slice(-RUN_LOG_OUTPUT_CHARS),
  };
}

/**
 * Writes a settled run's entry without holding anything up: the message has settled already;
 * a Redis that does not answer costs a warning, never the message.
 */
export function writeRunLog(log: AgentRunLog, logger: Logger, draft: RunLogDraft): void {
  const { agentId } = draft;
  const entry = toRunLogEntry(draft, new Date());
  if (entry === null || agentId === "") return;
  log.record(agentId, entry).catch((error: unknown) => {
    logger.warn(
      {
        agentId,
        messageId: draft.messageId,
        err: { message: error instanceof Error ? error.message : String(error) },
      },
      "could not record the run in the agent's log",
    );
  });
}
