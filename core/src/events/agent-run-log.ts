import type { Redis } from "ioredis";
import { z } from "zod";

// An agent's recent runs, for the user who is told to "check the agent's logs": how each ended,
// how long it took, how many provider calls it made, and the tail of what the agent program
// printed to stderr. The worker writes an entry after each message settles; the api reads them
// (Agent.logs). Entries are redacted before they are written: no secret is ever stored here.

/** Runs kept per agent (older ones are trimmed as new ones come). */
export const RUN_LOG_LENGTH = 20;

/** Characters of the agent program's output kept per run (its tail). */
export const RUN_LOG_OUTPUT_CHARS = 8192;

export const runLogOutcomes = ["DONE", "FAILED", "CANCELLED", "RETRIED"] as const;
export type RunLogOutcome = (typeof runLogOutcomes)[number];

const isoDate = z.iso.datetime({ offset: true });

export const agentRunLogEntrySchema = z.object({
  messageId: z.string(),
  startedAt: isoDate,
  endedAt: isoDate,
  outcome: z.enum(runLogOutcomes),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  calls: z.number().int().nonnegative(),
  /** Already redacted. */
  output: z.string(),
});
export type AgentRunLogEntry = z.infer<typeof agentRunLogEntrySchema>;

/** The Redis list of an agent's run log (newest first), namespaced like its event history. */
export const agentRunLogKey = (agentId: string, namespace = ""): string =>
  `${namespace}agentry:agent-run-log:${agentId}`;

/** An agent's run log in Redis: a list capped at {@link RUN_LOG_LENGTH}, newest first. */
export class AgentRunLog {
  constructor(
    private readonly redis: Redis,
    private readonly namespace = "",
  ) {}

  /** Adds one run (its output already redacted) and trims the oldest, in one round trip. */
  async record(agentId: string, entry: AgentRunLogEntry): Promise<void> {
    const key = agentRunLogKey(agentId, this.namespace);
    await this.redis
      .multi()
      .lpush(key, JSON.stringify(entry))
      .ltrim(key, 0, RUN_LOG_LENGTH - 1)
      .exec();
  }

  /** The last `last` runs, newest first; entries that do not parse are skipped. */
  async recent(agentId: string, last = RUN_LOG_LENGTH): Promise<AgentRunLogEntry[]> {
    const key = agentRunLogKey(agentId, this.namespace);
    const raw = await this.redis.lrange(key, 0, Math.max(0, last - 1));
    return raw.flatMap((json) => {
      try {
        const parsed = agentRunLogEntrySchema.safeParse(JSON.parse(json));
        return parsed.success ? [parsed.data] : [];
      } catch {
        return [];
      }
    });
  }
}
