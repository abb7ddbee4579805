import { z } from "zod";

/**
 * The BullMQ queue of device sign-in polls: one delayed job per poll of the token endpoint, each
 * scheduling the next at the flow's interval, so a pending flow holds no worker slot while it
 * waits for the user. Data: the flow's id and the poll's number (the job id), never a secret.
 */
export const SIGN_IN_POLL_QUEUE = "sign-in-polls";

export const signInPollJobSchema = z.object({ flowId: z.uuid(), poll: z.number().int().min(1) });
export type SignInPollJob = z.infer<typeof signInPollJobSchema>;

/** A poll's job id: one job per (flow, poll), so a poll scheduled twice runs once. */
export const signInPollJobId = (job: SignInPollJob): string => `${job.flowId}.${job.poll}`;

/** A failed poll is not retried by BullMQ: the next poll (or the flow's expiry) settles it. */
export const signInPollJobOptions = {
  attempts: 1,
  removeOnComplete: true,
  removeOnFail: { age: 3600 },
} as const;
