import { messageJobOptions } from "@agentry/core";
import type { PrismaClient } from "@agentry/prisma";
import type { Queue } from "bullmq";
import type { Logger } from "pino";
import type { AgentRuntime } from "../runtime/index.js";

export interface ReconcileReport {
  readonly requeued: number;
  readonly removedEnvironments: number;
}

/**
 * Brings Redis and the engine in line with the database when a worker starts: every unfinished
 * message has a live job (one whose enqueue failed, or whose job Redis lost, is enqueued again;
 * one whose job gave up is retried), and environments of agents that no longer exist are removed.
 */
export async function reconcile(deps: {
  prisma: PrismaClient;
  queue: Queue;
  runtime: AgentRuntime;
  logger: Logger;
}): Promise<ReconcileReport> {
  const requeued = await requeueUnfinished(deps);

  const environments = await deps.runtime.list();
  const known = new Set(
    (
      await deps.prisma.agent.findMany({
        where: { id: { in: environments.map((e) => e.agentId) } },
        select: { id: true },
      })
    ).map((agent) => agent.id),
  );
  let removedEnvironments = 0;
  for (const environment of environments) {
    if (known.has(environment.agentId)) continue;
    await deps.runtime.remove(environment.agentId);
    removedEnvironments += 1;
  }
  if (requeued > 0 || removedEnvironments > 0) {
    deps.logger.info({ requeued, removedEnvironments }, "reconciled with the database");
  }
  return { requeued, removedEnvironments };
}

/**
 * Gives every unfinished message a live job: one whose enqueue failed, or whose job Redis lost
 * (a Redis that restarted empty loses the whole queue), is enqueued again; one whose job gave
 * up is retried. `skip` names messages whose job this process is working on right now (their
 * job may be gone from Redis, but enqueueing them again would run them twice). Returns how
 * many it enqueued or retried.
 */
export async function requeueUnfinished(deps: {
  prisma: PrismaClient;
  queue: Queue;
  skip?: (messageId: string) => boolean;
}): Promise<number> {
  const unfinished = await deps.prisma.message.findMany({
    where: { role: "USER", status: { in: ["QUEUED", "RUNNING"] } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true, agentId: true },
  });
  let requeued = 0;
  for (const message of unfinished) {
    if (deps.skip?.(message.id) === true) continue;
    const job = await deps.queue.getJob(message.id);
    const state = job === undefined ? "missing" : await job.getState();
    if (state === "missing" || state === "unknown" || state === "completed") {
      await job?.remove().catch(() => undefined);
      await deps.queue.add(
        "message",
        { messageId: message.id, agentId: message.agentId },
        messageJobOptions(message.id),
      );
      requeued += 1;
    } else if (state === "failed") {
      await job?.retry("failed");
      requeued += 1;
    }
  }
  return requeued;
}
