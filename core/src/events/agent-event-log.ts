import type { Redis } from "ioredis";
import { Topic, topicChannel, type AgentEventPayload } from "../topics.js";

/** What a publisher supplies; the log assigns `seq`. */
export type AgentEventInput = AgentEventPayload extends infer E
  ? E extends AgentEventPayload
    ? Omit<E, "seq">
    : never
  : never;

const HISTORY_LENGTH = 2000;

// INCR the agent's sequence, append the event to its history stream under that sequence as the
// entry id, and publish it — atomically, so sequence order is delivery order and a subscriber
// that replays history then listens live sees no gap and no reordering.
const APPEND_AND_PUBLISH = `
local seq = redis.call('INCR', KEYS[1])
local body = '{"seq":' .. seq .. ',' .. string.sub(ARGV[1], 2)
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], seq .. '-0', 'e', body)
redis.call('PUBLISH', ARGV[2], body)
return seq
`;

/** Keys of an agent's event sequence and history (namespaced like the pub/sub channels). */
export function agentEventKeys(agentId: string, namespace = "") {
  return {
    seq: `${namespace}agentry:agent-seq:${agentId}`,
    history: `${namespace}agentry:agent-events:${agentId}`,
    channel: topicChannel(Topic.AgentEvents, agentId, namespace),
  };
}

/**
 * An agent's event stream in Redis: each event gets the next sequence number, is kept in a
 * bounded history (the last ~2000 events) and published on the agent's channel. Subscribers
 * resume after a reconnect by replaying history after the last sequence they saw.
 */
export class AgentEventLog {
  constructor(
    private readonly redis: Redis,
    private readonly namespace = "",
  ) {}

  async append(event: AgentEventInput): Promise<AgentEventPayload> {
    const keys = agentEventKeys(event.agentId, this.namespace);
    const json = JSON.stringify(event);
    const seq = (await this.redis.eval(
      APPEND_AND_PUBLISH,
      2,
      keys.seq,
      keys.history,
      json,
      keys.channel,
      HISTORY_LENGTH,
    )) as number;
    return { seq, ...event };
  }

  /** Events with a sequence number greater than `afterSeq`, oldest first, as JSON strings. */
  async replay(agentId: string, afterSeq: number): Promise<string[]> {
    const keys = agentEventKeys(agentId, this.namespace);
    const entries = await this.redis.xrange(keys.history, `${afterSeq + 1}-0`, "+");
    return entries.flatMap(([, fields]) =>
      fields[0] === "e" && fields[1] !== undefined ? [fields[1]] : [],
    );
  }

  /** Drops an agent's history and sequence (when the agent is deleted). */
  async forget(agentId: string): Promise<void> {
    const keys = agentEventKeys(agentId, this.namespace);
    await this.redis.del(keys.seq, keys.history);
  }
}
