import { MESSAGE_QUEUE, messageJobSchema } from "@agentry/core";
import { DelayedError, UnrecoverableError, type Job } from "bullmq";
import { recoverInterruptedRun } from "./interrupted-run.js";
import { runClaimedMessage, type MessageProcessorDeps } from "./message.processor.js";
import { claimRunSlot, releaseRunSlot } from "./run-slot.js";

export { MESSAGE_QUEUE };

/** How long a message whose agent is busy waits before it checks its turn again. */
export const WAIT_FOR_TURN_MS = 500;

export interface MessageJobDeps extends MessageProcessorDeps {
  /** Brings a waiting message's job forward (it was delayed while its agent was busy). */
  readonly wake: (messageId: string) => Promise<void>;
  readonly recoverySettleMs?: number;
  /**
   * The messages this process is running (or recovering) right now, kept up to date by the
   * processor: after Redis lost its queue, these must not be enqueued again, or a second job
   * would take the run over while it goes on here (see requeueUnfinished).
   */
  readonly runningHere?: Set<string>;
}

/**
 * The message job: parse at the boundary, take the agent's run slot in order, run (or recover
 * an interrupted run), free the slot and wake the agent's next message. A message whose agent
 * is busy goes back to the delayed set; it re-checks on its own, so a wake-up that races with
 * it is never lost, only early.
 */
export function createMessageJobProcessor(deps: MessageJobDeps) {
  return async function processMessageJob(job: Job, token?: string): Promise<void> {
    const parsed = messageJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError("invalid message job payload");
    const { messageId, agentId } = parsed.data;
    // A second job for a message this process runs (enqueued again after Redis lost the
    // first): the run here settles it.
    if (deps.runningHere?.has(messageId) === true) return;
    await processMessage(deps, job, token, messageId, agentId);
  };
}

async function processMessage(
  deps: MessageJobDeps,
  job: Job,
  token: string | undefined,
  messageId: string,
  agentId: string,
): Promise<void> {
  const claim = await claimRunSlot(deps.prisma, agentId, messageId);
  switch (claim.kind) {
    case "finished":
      return;
    case "wait":
      await job.moveToDelayed(Date.now() + WAIT_FOR_TURN_MS, token);
      throw new DelayedError();
    case "interrupted":
      await runningHere(deps, messageId, () =>
        recoverInterruptedRun(deps, messageId, claim.attempt, {
          settleMs: deps.recoverySettleMs ?? 30_000,
        }),
      );
      break;
    case "claimed": {
      if (claim.attempt === 1) deps.metrics?.runStarted(job.timestamp);
      const canRetry = job.attemptsMade + 1 < (job.opts.attempts ?? 1);
      const outcome = await runningHere(deps, messageId, () =>
        runClaimedMessage(deps, messageId, claim.attempt, canRetry),
      );
      // Keep the slot: the retry runs before this agent's later messages.
      if (outcome.kind === "retry") throw new Error(outcome.error.message);
      if (outcome.kind === "interrupted") {
        await runningHere(deps, messageId, () =>
          recoverInterruptedRun(deps, messageId, claim.attempt, {
            settleMs: deps.recoverySettleMs ?? 30_000,
            interruption: outcome.reason,
          }),
        );
      }
      break;
    }
  }
  const next = await releaseRunSlot(deps.prisma, agentId, messageId);
  if (next !== null) await deps.wake(next);
}

async function runningHere<T>(
  deps: MessageJobDeps,
  messageId: string,
  run: () => Promise<T>,
): Promise<T> {
  deps.runningHere?.add(messageId);
  try {
    return await run();
  } finally {
    deps.runningHere?.delete(messageId);
  }
}
