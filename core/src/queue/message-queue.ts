import { z } from "zod";

/** The BullMQ queue that carries user messages to the worker. */
export const MESSAGE_QUEUE = "agent-messages";

/**
 * A message job's payload: ids only. The job id is the message id, so enqueueing twice is a
 * no-op. Secrets never ride in job data: the worker resolves the credential when it runs.
 */
export const messageJobSchema = z.object({
  messageId: z.uuid(),
  agentId: z.uuid(),
});
export type MessageJob = z.infer<typeof messageJobSchema>;

/** Attempts cover provider rate limits (429), retried with exponential backoff. */
export const MESSAGE_JOB_ATTEMPTS = 4;

/** Job options every producer uses, so the queue's behaviour lives in one place. */
export function messageJobOptions(messageId: string) {
  return {
    jobId: messageId,
    attempts: MESSAGE_JOB_ATTEMPTS,
    backoff: { type: "exponential", delay: 1000 },
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  } as const;
}
