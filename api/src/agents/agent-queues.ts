import {
  AGENT_CONTROL_QUEUE,
  AppError,
  agentControlJobOptions,
  bullConnection,
  isConnectionError,
  MESSAGE_QUEUE,
  messageJobOptions,
  queuePrefix,
  requestMessageCancel,
  type AgentControlJob,
  type MessageJob,
  type OutageLog,
} from "@agentry/core";
import { Queue } from "bullmq";
import { Redis } from "ioredis";

/** What the api hands the worker: message runs and housekeeping. Ids only, never a secret. */
export interface AgentQueues {
  /** Enqueues a message's run; UNAVAILABLE at once when Redis cannot be reached. */
  enqueueMessage(job: MessageJob): Promise<void>;
  enqueueControl(job: AgentControlJob): Promise<void>;
  /** Asks the worker running the message to stop it (cancelMessage); UNAVAILABLE as enqueues. */
  requestCancel(messageId: string): Promise<void>;
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
 * BullMQ producers on a connection of their own, under the namespace's prefix. It keeps no
 * offline queue: while Redis is down an enqueue fails at once (and the sender hears so) instead
 * of waiting, unseen, for Redis to come back. The connection is this module's, not BullMQ's, so
 * that closing works whatever state an outage left it in (BullMQ's own close sends QUIT, which
 * fails on a connection between reconnection attempts, and its disconnect waits forever there).
 */
export function createAgentQueues(
  redisUrl: string,
  namespace = "",
  outages?: OutageLog,
): AgentQueues {
  const prefix = queuePrefix(namespace);
  const connection = new Redis({ ...bullConnection(redisUrl), enableOfflineQueue: false });
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
    async requestCancel(messageId) {
      await withinTimeout(requestMessageCancel(connection, namespace, messageId));
    },
    async close() {
      await Promise.all([messages.close(), control.close()]);
      if (connection.status === "ready") await connection.quit().catch(() => undefined);
      // Between reconnection attempts (or gone again): stop trying.
      if (connection.status !== "end") connection.disconnect();
    },
  };
}
