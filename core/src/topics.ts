import { z } from "zod";
import { regexes } from "zod/v4/core";
import { ERROR_CODES } from "./errors/app-error.js";

// The pub/sub contract between the worker (publishes) and the api (delivers to graphql-ws
// subscribers). Transport: Redis PUBLISH on the channel `topicChannel(topic, id)` with the
// payload as JSON — the wire format of @graphql-yoga/redis-event-target, which the api
// subscribes through. Payloads are plain JSON: ISO date strings, token counts as JSON
// numbers (or digit strings beyond 2^53 - 1), never a secret.

/** The topics, each scoped to one id (a session id or an agent id). */
export const Topic = {
  /** A session's usage totals, published after every recorded provider call. Id: session id. */
  SessionUsage: "sessionUsage",
  /** An agent's event stream: text deltas, tool activity, usage, status, errors. Id: agent id. */
  AgentEvents: "agentEvents",
} as const;
export type Topic = (typeof Topic)[keyof typeof Topic];

const tokenCount = z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,30}$/)]);
const isoDate = z.iso.datetime({ offset: true });
const provider = z.enum(["ANTHROPIC", "OPENAI", "GEMINI", "GITHUB_COPILOT"]);
const keySource = z.enum(["SESSION", "ACCOUNT", "SYSTEM"]);

/** The statuses an agent goes through (mirrors the Prisma enum AgentStatus). */
export const agentStatusSchema = z.enum(["STARTING", "IDLE", "BUSY", "STOPPED", "FAILED"]);

/** `sessionUsage:<sessionId>`: the session's totals after a change (the SessionUsage row). */
export const sessionUsagePayloadSchema = z.object({
  sessionId: z.uuid(),
  inputTokens: tokenCount,
  outputTokens: tokenCount,
  cacheReadTokens: tokenCount,
  cacheWriteTokens: tokenCount,
  reasoningTokens: tokenCount,
  apiCalls: z.number().int().nonnegative(),
  unpricedCalls: z.number().int().nonnegative(),
  /** The estimated cost in USD of the priced calls. */
  costUsd: z.number().nonnegative(),
  updatedAt: isoDate,
});
export type SessionUsagePayload = z.infer<typeof sessionUsagePayloadSchema>;

/** One provider call's usage, as recorded (the UsageEvent row). */
export const callUsageSchema = z.object({
  callIndex: z.number().int().nonnegative(),
  provider,
  model: z.string(),
  keySource,
  inputTokens: tokenCount,
  outputTokens: tokenCount,
  cacheReadTokens: tokenCount,
  cacheWriteTokens: tokenCount,
  reasoningTokens: tokenCount,
  /** Null when the model has no known price. */
  costUsd: z.number().nonnegative().nullable(),
});
export type CallUsage = z.infer<typeof callUsageSchema>;

const agentEventBase = {
  /**
   * Per-agent sequence number, strictly increasing across the agent's life: a subscriber
   * orders events by it and notices a gap (events lost while it was disconnected).
   */
  seq: z.number().int().nonnegative(),
  agentId: z.uuid(),
  /** The user message whose run produced the event; null for events outside a run. */
  messageId: z.uuid().nullable(),
  at: isoDate,
};

/** `agentEvents:<agentId>`: one event of an agent's stream, discriminated by `type`. */
export const agentEventPayloadSchema = z.discriminatedUnion("type", [
  z.object({ ...agentEventBase, type: z.literal("TEXT"), text: z.string() }),
  z.object({
    ...agentEventBase,
    type: z.literal("TOOL"),
    tool: z.object({ name: z.string(), detail: z.string().optional() }),
  }),
  z.object({ ...agentEventBase, type: z.literal("USAGE"), usage: callUsageSchema }),
  z.object({
    ...agentEventBase,
    type: z.literal("STATUS"),
    status: agentStatusSchema,
    /** Why, for people (Agent.statusReason), e.g. "Cloning https://…"; absent when nothing to say. */
    reason: z.string().optional(),
  }),
  z.object({
    ...agentEventBase,
    type: z.literal("ERROR"),
    errorCode: z.enum(ERROR_CODES),
    /** Human-readable; never contains a credential. */
    message: z.string(),
  }),
  z.object({ ...agentEventBase, type: z.literal("DONE"), stopReason: z.string().optional() }),
  /** The run was stopped (cancelMessage): the message is CANCELLED, its calls so far counted. */
  z.object({ ...agentEventBase, type: z.literal("CANCELLED") }),
]);
export type AgentEventPayload = z.infer<typeof agentEventPayloadSchema>;
export type AgentEventType = AgentEventPayload["type"];

// The patterns z.uuid() and z.iso.datetime({ offset: true }) check with (zod's own).
const UUID = regexes.uuid();
const ISO_DATE_WITH_OFFSET = regexes.datetime({ offset: true });

const isUuid = (value: unknown): value is string => typeof value === "string" && UUID.test(value);

/**
 * A TEXT event — most of an agent's stream: its reply, delta by delta — checked by hand, by the
 * rules (and with the patterns) of agentEventPayloadSchema's TEXT member, and copied as the
 * schema would (unknown keys left out). The schema's parse is most of the cost of an event on
 * the api's live path, where every event is checked. Undefined for any other type and for
 * anything malformed: the caller parses those with the schema. (A test holds the two together.)
 */
export function parseTextEvent(value: unknown): AgentEventPayload | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { seq, agentId, messageId, at, type, text } = value as Record<string, unknown>;
  if (
    type !== "TEXT" ||
    typeof seq !== "number" ||
    !Number.isSafeInteger(seq) ||
    seq < 0 ||
    !isUuid(agentId) ||
    (messageId !== null && !isUuid(messageId)) ||
    typeof at !== "string" ||
    !ISO_DATE_WITH_OFFSET.test(at) ||
    typeof text !== "string"
  ) {
    return undefined;
  }
  return { seq, agentId, messageId, at, type, text };
}

/** The payload type of each topic. */
export interface TopicPayloads {
  [Topic.SessionUsage]: SessionUsagePayload;
  [Topic.AgentEvents]: AgentEventPayload;
}

/** The schema of each topic's payload: subscribers parse what they receive with it. */
export const topicPayloadSchemas = {
  [Topic.SessionUsage]: sessionUsagePayloadSchema,
  [Topic.AgentEvents]: agentEventPayloadSchema,
} as const satisfies { [K in Topic]: z.ZodType<TopicPayloads[K]> };

/**
 * The Redis channel of a topic for one id: `<namespace><topic>:<id>`. The namespace (empty in
 * production) lets test runs share one Redis without hearing each other.
 *
 * @example
 * await redis.publish(topicChannel(Topic.SessionUsage, sessionId), JSON.stringify(payload));
 */
export function topicChannel(topic: Topic, id: string, namespace = ""): string {
  return `${namespace}${topic}:${id}`;
}
