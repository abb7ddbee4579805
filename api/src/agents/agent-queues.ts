import {
  AGENT_CONTROL_QUEUE,
  AppError,
  agentControlJobOptions,
  bullConnection,
  isConnectionError,
  MESSAGE_QUEUE,
  messageJobOptions,
  queuePrefix,
  type AgentControlJob,
  type MessageJob,
  type OutageLog,
} from "@agentry/core";
import { Queue } from "bullmq";

/** What the api hands the worker: message runs and housekeeping. Ids only, never a secret. */
export interface AgentQueues {
  /** Enqueues a message's run; UNAVAILABLE at once when Redis cannot be reached. */
  enqueueMessage(job: MessageJob): Promise<void>;
  enqueueControl(job: AgentControlJob): Promise<void>;
  close(): Promise<void>;
}

/** Longest an enqueue may take before the sender is told the queue is unavailable. */
const ENQUEUE_TIMEOUT_MS = 5_000;

export const queueUnavailable = (): AppError =>
  new AppError(
    "UNAVAILABLE",
    "The message queue is unavailable right now; nothing was sent. Try again in a moment",
  );

async function withinTimeout(work: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      work,
      new Promise((_, reject) => {
        timer = setTimeout(() => {
          reject(queueUnavailable());
        }, ENQUEUE_TIMEOUT_MS);
      }),
    ]);
  } catch (error) {
    throw isConnectionError(error) ? queueUnavailable() : error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * BullMQ producers (with connections of their own), under the namespace's prefix. Their
 * connections keep no offline queue: while Redis is down an enqueue fails at once (and the
 * sender hears so) instead of waiting, unseen, for Redis to come back.
 */
export function createAgentQueues(
  redisUrl: string,
  namespace = "",
  outages?: OutageLog,
): AgentQueues {
  const prefix = queuePrefix(namespace);
  const connection = { ...bullConnection(redisUrl), enableOfflineQueue: false };
  const messages = new Queue(MESSAGE_QUEUE, { connection, prefix });
  const control = new Queue(AGENT_CONTROL_QUEUE, { connection, prefix });
  for (const [name, queue] of [
    ["message queue", messages],
    ["control queue", control],
  ] as const) {
    // Without a listener BullMQ prints every reconnection failure to stderr.
    queue.on("error", (error: Error) => outages?.failed(name, error));
  }
  return {
    async enqueueMessage(job) {
      await withinTimeout(messages.add("message", job, messageJobOptions(job.messageId)));
    },
    async enqueueControl(job) {
      await withinTimeout(control.add(job.type, job, agentControlJobOptions));
    },
    async close() {
      await Promise.all([messages.close(), control.close()]);
    },
  };
}
