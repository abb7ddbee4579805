import {
  SIGN_IN_POLL_QUEUE,
  signInPollJobId,
  signInPollJobOptions,
  signInPollJobSchema,
  type SignInPollJob,
} from "@agentry/core";
import { Queue, UnrecoverableError, type Job, type RedisOptions } from "bullmq";
import type { Redis } from "ioredis";
import type { WorkerEnv } from "../config.js";
import type { DeviceSignIn } from "./device-sign-in.js";
import type { SignInEndpoints } from "./oauth-http.js";

// The device sign-ins' polls as BullMQ jobs: one delayed job per poll, each scheduling the next
// (device-sign-in.ts), so a flow waiting for its user holds no worker slot, and any worker
// process may take the next poll.

/** Adds a poll (a delayed job); the same poll scheduled twice is one job. */
export type SignInPollScheduler = (job: SignInPollJob, delayMs: number) => Promise<void>;

/** Where the sign-in flows talk to the authorization servers, from the worker's config. */
export const signInEndpoints = (env: WorkerEnv): SignInEndpoints => ({
  openaiIssuer: env.OPENAI_OAUTH_ISSUER,
  openaiTokenUrl: env.OPENAI_OAUTH_TOKEN_URL,
  anthropicTokenUrl: env.ANTHROPIC_OAUTH_TOKEN_URL,
  timeoutMs: env.VERIFY_TIMEOUT_MS,
});

/** The producer of polls, on a connection the worker owns (like its message queue). */
export function createSignInPollQueue(
  connection: Redis | RedisOptions,
  prefix: string,
): { readonly schedule: SignInPollScheduler; close(): Promise<void>; readonly queue: Queue } {
  const queue = new Queue(SIGN_IN_POLL_QUEUE, { connection, prefix });
  return {
    queue,
    schedule: async (job, delayMs) => {
      await queue.add("poll", job, {
        ...signInPollJobOptions,
        jobId: signInPollJobId(job),
        delay: Math.max(0, Math.round(delayMs)),
      });
    },
    close: () => queue.close(),
  };
}

/** The poll job: its data parsed at the boundary, then one poll of the flow. */
export function createSignInPollProcessor(device: Pick<DeviceSignIn, "poll">) {
  return async function processSignInPoll(job: Job): Promise<void> {
    const parsed = signInPollJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError("invalid sign-in poll payload");
    await device.poll(parsed.data);
  };
}
