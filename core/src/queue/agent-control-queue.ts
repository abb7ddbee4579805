import { z } from "zod";

/** The BullMQ queue for agent housekeeping: removing the containers of deleted sessions and agents. */
export const AGENT_CONTROL_QUEUE = "agent-control";

export const agentControlJobSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("removeSession"), sessionId: z.uuid() }),
  /** A removed agent (removeAgent): its environment, workspace and event history. */
  z.object({ type: z.literal("removeAgent"), agentId: z.uuid() }),
]);
export type AgentControlJob = z.infer<typeof agentControlJobSchema>;

/** Control jobs retry (the engine may be briefly away); the worker's reconciliation is the backstop. */
export const agentControlJobOptions = {
  attempts: 5,
  backoff: { type: "exponential", delay: 2000 },
  removeOnComplete: { count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

/**
 * The BullMQ key prefix for a Redis namespace ("" in production; unique per test run), so
 * queues are namespaced like the pub/sub channels.
 */
export function queuePrefix(namespace = ""): string {
  return `${namespace}agentry`;
}
