import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { Topic, topicChannel, type AgentEventPayload } from "../topics.js";
import { agentRunLogKey } from "./agent-run-log.js";

/** What a publisher supplies; the log assigns `seq`. */
export type AgentEventInput = AgentEventPayload extends infer E
  ? E extends AgentEventPayload
    ? Omit<E, "seq">
    : never
  : never;

const HISTORY_LENGTH = 2000;

/** How many sequence numbers one reservation covers (one database write per this many events). */
export const SEQ_BLOCK = 1000;

// INCR the agent's sequence, append the event to its history stream under that sequence as the
// entry id, and publish it — atomically, so sequence order is delivery order and a subscriber
// that replays history then listens live sees no gap and no reordering. With a ceiling (ARGV[4]
// = "1"), a number past the reserved ceiling is not handed out: the script answers
// {"reserve", current} and the caller reserves more first.
const APPEND_AND_PUBLISH = `
if ARGV[4] == '1' then
  local current = tonumber(redis.call('GET', KEYS[1]) or '0')
  local ceiling = tonumber(redis.call('GET', KEYS[3]) or '-1')
  if current + 1 > ceiling then return {'reserve', current} end
end
local seq = redis.call('INCR', KEYS[1])
local body = '{"seq":' .. seq .. ',' .. string.sub(ARGV[1], 2)
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], seq .. '-0', 'e', body)
redis.call('PUBLISH', ARGV[2], body)
return seq
`;

// Run by its SHA1 (EVALSHA): the script's text goes to Redis once, not with every event. Redis
// answers NOSCRIPT when it does not hold the script (the first call, or after a restart): the
// call is made again with EVAL, which loads it. (An EVALSHA refused changes nothing.)
const APPEND_AND_PUBLISH_SHA = createHash("sha1").update(APPEND_AND_PUBLISH).digest("hex");

const isNoScript = (error: unknown): boolean =>
  error instanceof Error && error.message.startsWith("NOSCRIPT");

// After a reservation: the counter starts at least at the block's start (every number handed
// out before is at or below it), and the ceiling rises to the block's end. Never lowers either.
const RAISE = `
if tonumber(redis.call('GET', KEYS[1]) or '0') < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1])
end
if tonumber(redis.call('GET', KEYS[2]) or '-1') < tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], ARGV[2])
end
return 1
`;

/**
 * Where an agent's sequence numbers are reserved durably (the database): Redis may lose its data
 * (a restart without persistence), the reservations may not, so a fresh counter starts above
 * every number handed out before and clients' `afterSeq` stays meaningful.
 */
export interface SeqReservations {
  /**
   * Raises the agent's durable ceiling to at least `atLeast`, then by `block`; returns the new
   * ceiling. Every number handed out so far is at or below `ceiling - block`.
   */
  reserve(agentId: string, atLeast: number, block: number): Promise<number>;
}

/** Keys of an agent's event sequence and history (namespaced like the pub/sub channels). */
export function agentEventKeys(agentId: string, namespace = "") {
  return {
    seq: `${namespace}agentry:agent-seq:${agentId}`,
    ceiling: `${namespace}agentry:agent-seq-ceiling:${agentId}`,
    history: `${namespace}agentry:agent-events:${agentId}`,
    runLog: agentRunLogKey(agentId, namespace),
    channel: topicChannel(Topic.AgentEvents, agentId, namespace),
  };
}

/**
 * An agent's event stream in Redis: each event gets the next sequence number, is kept in a
 * bounded history (the last ~2000 events) and published on the agent's channel. Subscribers
 * resume after a reconnect by replaying history after the last sequence they saw.
 *
 * With `reservations` (the worker's), numbers are handed out only below a ceiling reserved in
 * the database, so they keep increasing even across a Redis that lost its data. Without (tests
 * that only publish), the counter is Redis' alone.
 */
export class AgentEventLog {
  constructor(
    private readonly redis: Redis,
    private readonly namespace = "",
    private readonly reservations?: SeqReservations,
  ) {}

  async append(event: AgentEventInput): Promise<AgentEventPayload> {
    const keys = agentEventKeys(event.agentId, this.namespace);
    const json = JSON.stringify(event);
    const args = [
      keys.seq,
      keys.history,
      keys.ceiling,
      json,
      keys.channel,
      HISTORY_LENGTH,
      this.reservations === undefined ? "0" : "1",
    ] as const;
    for (;;) {
      const result = (await this.redis
        .evalsha(APPEND_AND_PUBLISH_SHA, 3, ...args)
        .catch((error: unknown) => {
          if (!isNoScript(error)) throw error;
          return this.redis.eval(APPEND_AND_PUBLISH, 3, ...args);
        })) as number | [string, number];
      if (typeof result === "number") return { seq: result, ...event };
      const [, current] = result;
      const ceiling = await this.reservations?.reserve(event.agentId, current, SEQ_BLOCK);
      if (ceiling === undefined) throw new Error("agent event log: a reservation without a store");
      await this.redis.eval(RAISE, 2, keys.seq, keys.ceiling, ceiling - SEQ_BLOCK, ceiling);
    }
  }

  /** Events with a sequence number greater than `afterSeq`, oldest first, as JSON strings. */
  async replay(agentId: string, afterSeq: number): Promise<string[]> {
    const keys = agentEventKeys(agentId, this.namespace);
    const entries = await this.redis.xrange(keys.history, `${afterSeq + 1}-0`, "+");
    return entries.flatMap(([, fields]) =>
      fields[0] === "e" && fields[1] !== undefined ? [fields[1]] : [],
    );
  }

  /** Drops an agent's history, sequence and run log (AgentRunLog) when the agent is deleted. */
  async forget(agentId: string): Promise<void> {
    const keys = agentEventKeys(agentId, this.namespace);
    await this.redis.del(keys.seq, keys.ceiling, keys.history, keys.runLog);
  }
}
