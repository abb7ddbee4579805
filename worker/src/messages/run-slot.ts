import type { PrismaClient } from "@agentry/prisma";

export type ClaimResult =
  /** This message now holds the agent's run slot and is RUNNING under `attempt`. */
  | { readonly kind: "claimed"; readonly attempt: number }
  /** It held the slot and was RUNNING: a worker died mid-run. */
  | { readonly kind: "interrupted"; readonly attempt: number }
  /** Another message runs first (an earlier one, or one mid-run): try again later. */
  | { readonly kind: "wait" }
  /** Already DONE, FAILED or CANCELLED, or gone: nothing to do (a duplicate delivery). */
  | { readonly kind: "finished" };

/**
 * Claims the agent's run slot for a message, in order: a message runs only when it is its
 * agent's oldest unfinished user message and no other message holds the slot. The agent row
 * is locked for the decision, so two workers cannot both claim.
 */
export async function claimRunSlot(
  prisma: PrismaClient,
  agentId: string,
  messageId: string,
): Promise<ClaimResult> {
  return prisma.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ runningMessageId: string | null }[]>`
      SELECT "runningMessageId" FROM "Agent" WHERE id = ${agentId}::uuid FOR UPDATE`;
    const agent = locked[0];
    const message = await tx.message.findUnique({ where: { id: messageId } });
    if (agent === undefined || message === null || message.agentId !== agentId) {
      return { kind: "finished" } as const;
    }
    // Ended, or cancelled while it waited (cancelMessage): it never runs.
    if (message.status !== "QUEUED" && message.status !== "RUNNING")
      return { kind: "finished" } as const;
    if (agent.runningMessageId !== null && agent.runningMessageId !== messageId) {
      // A worker that died between settling a message and freeing the slot left it held by a
      // finished (or deleted) message; nothing would ever free it, so it counts as free. A
      // QUEUED holder is a rate-limited run waiting for its retry: it keeps the slot.
      const holder = await tx.message.findUnique({
        where: { id: agent.runningMessageId },
        select: { status: true },
      });
      if (holder !== null && (holder.status === "QUEUED" || holder.status === "RUNNING")) {
        return { kind: "wait" } as const;
      }
    }
    const oldest = await tx.message.findFirst({
      where: { agentId, role: "USER", status: { in: ["QUEUED", "RUNNING"] } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: { id: true },
    });
    if (oldest?.id !== messageId) return { kind: "wait" } as const;

    const wasRunning = message.status === "RUNNING";
    const updated = await tx.message.update({
      where: { id: messageId },
      data: {
        status: "RUNNING",
        ...(wasRunning ? {} : { attempts: { increment: 1 } }),
        startedAt: message.startedAt ?? new Date(),
      },
      select: { attempts: true },
    });
    await tx.agent.update({ where: { id: agentId }, data: { runningMessageId: messageId } });
    return { kind: wasRunning ? "interrupted" : "claimed", attempt: updated.attempts } as const;
  });
}

/** Frees the slot (if this message holds it) and returns the agent's next queued message. */
export async function releaseRunSlot(
  prisma: PrismaClient,
  agentId: string,
  messageId: string,
): Promise<string | null> {
  await prisma.agent.updateMany({
    where: { id: agentId, runningMessageId: messageId },
    data: { runningMessageId: null },
  });
  const next = await prisma.message.findFirst({
    where: { agentId, role: "USER", status: "QUEUED" },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true },
  });
  return next?.id ?? null;
}
