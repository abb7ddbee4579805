import {
  AGENT_CONTROL_QUEUE,
  agentControlJobOptions,
  MESSAGE_QUEUE,
  messageJobOptions,
  queuePrefix,
  type AgentControlJob,
  type MessageJob,
} from "@agentry/core";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";

/** What the api hands the worker: message runs and housekeeping. Ids only, never a secret. */
export interface AgentQueues {
  enqueueMessage(job: MessageJob): Promise<void>;
  enqueueControl(job: AgentControlJob): Promise<void>;
  close(): Promise<void>;
}

/** BullMQ producers on the api's Redis connection, under the namespace's prefix. */
export function createAgentQueues(redis: Redis, namespace = ""): AgentQueues {
  const prefix = queuePrefix(namespace);
  const messages = new Queue(MESSAGE_QUEUE, { connection: redis, prefix });
  const control = new Queue(AGENT_CONTROL_QUEUE, { connection: redis, prefix });
  return {
    async enqueueMessage(job) {
      await messages.add("message", job, messageJobOptions(job.messageId));
    },
    async enqueueControl(job) {
      await control.add(job.type, job, agentControlJobOptions);
    },
    async close() {
      await Promise.all([messages.close(), control.close()]);
    },
  };
}
