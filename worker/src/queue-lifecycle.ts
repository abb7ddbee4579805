import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "@agentry/core";
import type { Worker } from "bullmq";
import type { Redis } from "ioredis";

// How the worker's BullMQ workers live through Redis outages and stop, in and out of them.

/** Counts the jobs being processed: wraps each processor, and a stop waits for them. */
export function jobTracker() {
  const active = new Set<Promise<unknown>>();
  return {
    active: () => active.size,
    track:
      <A extends unknown[], R>(process: (...args: A) => Promise<R>) =>
      (...args: A): Promise<R> => {
        const running = process(...args);
        active.add(running);
        const done = () => active.delete(running);
        void running.then(done, done);
        return running;
      },
  };
}

/**
 * Stops BullMQ workers: they take nothing new, what runs may finish until `timeoutMs` (past it,
 * it is handed back: the locks lapse and another worker settles those runs from their journals),
 * then their connections go.
 *
 * Not BullMQ's own graceful close: its wait for running jobs never ends while Redis is down (it
 * waits for a blocking connection to end, which a connection between reconnection attempts never
 * does: taskforcesh/bullmq#4656), and a forced close after it is a no-op. So the wait is for this
 * process's processors (`active`), and BullMQ's bookkeeping after them gets it only while Redis
 * answers. Returns how many jobs were still running when it gave up on them.
 */
export async function stopWorkers(options: {
  readonly workers: readonly Worker[];
  readonly active: () => number;
  readonly redis: Redis;
  readonly timeoutMs: number;
}): Promise<number> {
  const paused = Promise.all(options.workers.map((worker) => worker.pause()));
  const pausedDone = paused.then(
    () => true,
    () => true,
  );
  const deadline = Date.now() + options.timeoutMs;
  let handedBack = 0;
  for (;;) {
    if (Date.now() >= deadline) {
      handedBack = options.active();
      break;
    }
    // Nothing of ours runs and Redis is away: nothing more BullMQ could record now.
    if (options.active() === 0 && options.redis.status !== "ready") break;
    const tick = sleep(Math.min(100, Math.max(0, deadline - Date.now()))).then(() => false);
    if (await Promise.race([pausedDone, tick])) break;
  }
  // Forced: whatever BullMQ still has in flight is dropped, not waited for.
  await Promise.all(options.workers.map((worker) => worker.close(true)));
  return handedBack;
}

/**
 * QUIT when Redis answers (what was sent is answered first), else drop the connection: a QUIT
 * queued while Redis is down would wait for it to come back.
 */
export async function closeRedisClient(client: Redis): Promise<void> {
  if (client.status === "ready") {
    const quit = client.quit().then(
      () => true,
      () => true,
    );
    if (await Promise.race([quit, sleep(2_000).then(() => false)])) return;
  }
  client.disconnect();
}

/** BullMQ's errors for a job whose record or lock is no longer in Redis. */
const LOST_JOB =
  /^(?:Missing key for job|Missing lock for job|could not renew lock for job) ([^\s.]+)/;

/**
 * Watches a BullMQ worker's errors for jobs whose record or lock is gone from Redis (lost with
 * its data, or the lock lapsed and another worker took the job over): the database still says
 * how the message stands, and `onLost` enqueues again what is left unfinished. BullMQ says so on
 * every lock renewal and every step of such a job: it is logged once per job. Returns whether
 * the error was one of these.
 */
export function lostJobs(logger: Logger, onLost: () => void) {
  const seen = new Set<string>();
  return (queue: string, error: Error): boolean => {
    const jobId = LOST_JOB.exec(error.message)?.[1];
    if (jobId === undefined) return false;
    if (!seen.has(jobId)) {
      seen.add(jobId);
      // The most recent thousand are enough to keep one job's repeats quiet.
      if (seen.size > 1_000) seen.delete(seen.values().next().value ?? "");
      logger.warn(
        { queue, jobId, err: { message: error.message } },
        "a job's record or lock is gone from Redis; its message is settled from the database",
      );
    }
    onLost();
    return true;
  };
}

/**
 * Runs `task` one at a time: a call while it runs asks for one more run after it (several such
 * calls make one run).
 */
export function serialized(task: () => Promise<void>): () => void {
  let running: Promise<void> | undefined;
  let again = false;
  const start = (): void => {
    running = task().finally(() => {
      running = undefined;
      if (again) {
        again = false;
        start();
      }
    });
  };
  return () => {
    if (running === undefined) start();
    else again = true;
  };
}
