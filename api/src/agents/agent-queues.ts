import {
  AGENT_CONTROL_QUEUE,
  agentControlJobOptions,
  bullConnection,
  MESSAGE_QUEUE,
  messageJobOptions,
  queuePrefix,
  type AgentControlJob,
  type MessageJob,
} from "@agentry/core";
import { Queue } from "bullmq";

/** What the api hands the worker: message runs and housekeeping. Ids only, never a secret. */
export interface AgentQueues {
  enqueueMessage(job: MessageJob): Promise<void>;
  enqueueControl(job: AgentControlJob): Promise<void>;
  close(): Promise<void>;
}

/** BullMQ producers (with connections of their own), under the namespace's prefix. */
export function createAgentQueues(redisUrl: string, namespace = ""): AgentQueues {
  const prefix = queuePrefix(namespace);
  const connection = bullConnection(redisUrl);
  const messages = new Queue(MESSAGE_QUEUE, { connection, prefix });
  const control = new Queue(AGENT_CONTROL_QUEUE, { connection, prefix });
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
