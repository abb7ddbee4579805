import {
  AppError,
  bullConnection,
  CREDENTIAL_CHECK_QUEUE,
  credentialCheckJobOptions,
  credentialCheckOutcomeSchema,
  isConnectionError,
  queuePrefix,
  type CredentialCheckEnvelope,
  type CredentialCheckKind,
  type OutageLog,
} from "@agentry/core";
import { Queue, QueueEvents, type Job } from "bullmq";
import { Redis } from "ioredis";
import type { Logger } from "pino";

// Asking the worker for a credential check and awaiting its answer (the api cannot open secrets;
// see core/src/queue/credential-check-queue.ts for the contract and how to add a kind of check).
// Usage, from a service: `const result = await checks.request(VERIFY_CREDENTIAL, { … })`.
// The result is parsed with the kind's schema; the AppError the worker's handler ended with is
// rethrown as is; no answer within the time (no worker running, Redis away) is UNAVAILABLE.

export interface CredentialChecks {
  /**
   * Enqueues a check and waits for its result, at most `timeoutMs` (default: the process's
   * verification timeout plus a margin for the queue).
   */
  request<Data, Result>(
    kind: CredentialCheckKind<Data, Result>,
    data: Data,
    timeoutMs?: number,
  ): Promise<Result>;
  close(): Promise<void>;
}

/** Time for the queue itself (a worker picking the job up, the answer coming back). */
export const CHECK_QUEUE_MARGIN_MS = 5_000;

/** Longest a close waits for BullMQ's connections to end. */
const CLOSE_WAIT_MS = 2_000;

export const checkUnavailable = (): AppError =>
  new AppError(
    "UNAVAILABLE",
    "The credential check could not be run right now (no worker answered); try again in a moment",
  );

export interface CredentialChecksOptions {
  readonly redisUrl: string;
  readonly namespace?: string;
  /** The provider call's own limit (VERIFY_TIMEOUT_MS); the default wait adds the margin. */
  readonly verifyTimeoutMs: number;
  readonly logger: Logger;
  readonly outages?: OutageLog;
}

/**
 * The producer and one QueueEvents listener per api process. The producer's connection keeps no
 * offline queue (an enqueue while Redis is down fails at once, as agent-queues does); QueueEvents
 * blocks on a connection BullMQ owns. Both start now, so the listener reads the event stream
 * long before the first check is awaited.
 */
export function createCredentialChecks(options: CredentialChecksOptions): CredentialChecks {
  const prefix = queuePrefix(options.namespace ?? "");
  const connection = new Redis({
    ...bullConnection(options.redisUrl),
    enableOfflineQueue: false,
  });
  const queue = new Queue(CREDENTIAL_CHECK_QUEUE, { connection, prefix });
  const events = new QueueEvents(CREDENTIAL_CHECK_QUEUE, {
    connection: bullConnection(options.redisUrl),
    prefix,
  });
  connection.on("error", (error: Error) => options.outages?.failed("credential checks", error));
  queue.on("error", (error: Error) => options.outages?.failed("credential check queue", error));
  events.on("error", (error: Error) => options.outages?.failed("credential check events", error));
  const defaultTimeoutMs = options.verifyTimeoutMs + CHECK_QUEUE_MARGIN_MS;

  async function request<Data, Result>(
    kind: CredentialCheckKind<Data, Result>,
    data: Data,
    timeoutMs = defaultTimeoutMs,
  ): Promise<Result> {
    const envelope: CredentialCheckEnvelope = {
      data: kind.data.parse(data),
      deadline: Date.now() + timeoutMs,
    };
    let job: Job;
    let timer: NodeJS.Timeout | undefined;
    try {
      // While Redis is away, BullMQ waits for it to connect: the caller's time bounds that too.
      job = await Promise.race([
        queue.add(kind.name, envelope, credentialCheckJobOptions),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            reject(checkUnavailable());
          }, timeoutMs);
        }),
      ]);
    } catch (error) {
      if (isConnectionError(error) || connection.status !== "ready") throw checkUnavailable();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    let returned: unknown;
    try {
      returned = await job.waitUntilFinished(events, Math.max(1, envelope.deadline - Date.now()));
    } catch (error) {
      returned = await settledLate(queue, job, error, options.logger, kind.name);
    }
    const outcome = credentialCheckOutcomeSchema.parse(returned);
    if (!outcome.ok) {
      throw new AppError(outcome.error.code, outcome.error.message, outcome.error.details);
    }
    return kind.result.parse(outcome.result);
  }

  return {
    request,
    async close() {
      // QueueEvents' close waits for its connection to be up (it never is while Redis is away):
      // bounded, after which its reconnection attempts are left to the process's exit.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([queue.close(), events.close()]),
        new Promise((resolve) => {
          timer = setTimeout(resolve, CLOSE_WAIT_MS);
          timer.unref();
        }),
      ]);
      clearTimeout(timer);
      if (connection.status === "ready") await connection.quit().catch(() => undefined);
      if (connection.status !== "end") connection.disconnect();
    },
  };
}

/**
 * The wait ended without a result: the job failed (a handler's unexpected error: INTERNAL, with
 * the reason in the log), or nobody answered in time. A job that finished just as the wait gave
 * up still counts; one still waiting is removed so no worker runs it after the caller has gone
 * (one already running cannot be: the worker drops it past its deadline anyway).
 */
async function settledLate(
  queue: Queue,
  job: Job,
  error: unknown,
  logger: Logger,
  kind: string,
): Promise<unknown> {
  const state = await job.getState().catch(() => "unknown");
  if (state === "completed") {
    const fresh = await queue.getJob(job.id ?? "").catch(() => undefined);
    if (fresh !== undefined) return fresh.returnvalue as unknown;
  }
  if (state === "failed") {
    logger.error(
      { kind, jobId: job.id, err: { message: error instanceof Error ? error.message : "" } },
      "credential check failed in the worker",
    );
    throw new AppError("INTERNAL", "Internal server error");
  }
  if (state === "waiting" || state === "delayed" || state === "prioritized") {
    await job.remove().catch(() => undefined);
  }
  logger.warn({ kind, jobId: job.id, state }, "credential check not answered in time");
  throw checkUnavailable();
}
