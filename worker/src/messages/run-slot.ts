import { directRows, directStatement, directTransaction, type PrismaClient } from "@agentry/prisma";

export type ClaimResult =
  /** This message now holds the agent's run slot and is RUNNING under `attempt`. */
  | { readonly kind: "claimed"; readonly attempt: number }
  /** It held the slot and was RUNNING: a worker died mid-run. */
  | { readonly kind: "interrupted"; readonly attempt: number }
  /** Another message runs first (an earlier one, or one mid-run): try again later. */
  | { readonly kind: "wait" }
  /** Already DONE, FAILED or CANCELLED, or gone: nothing to do (a duplicate delivery). */
  | { readonly kind: "finished" };

interface ClaimRow {
  /** The message's agent and status. */
  readonly messageAgentId: string;
  readonly status: string;
  readonly attempts: number;
  /** The status of the message holding the slot (another one); null if none or gone. */
  readonly holderStatus: string | null;
  /** The agent's oldest unfinished user message. */
  readonly oldestId: string | null;
}

const LOCK_AGENT = directStatement(
  "lock_agent",
  `SELECT "runningMessageId"::text FROM "Agent" WHERE id = $1::uuid FOR UPDATE`,
);

/**
 * Message $1 of agent $2 as the claim decides on it: its agent, status and attempts, the status of
 * $3 (the message holding the slot) when that is another one, and the agent's oldest unfinished
 * user message.
 */
const READ_CLAIM = directStatement(
  "read_claim",
  `SELECT m."agentId"::text AS "messageAgentId", m.status::text, m.attempts,
     (SELECT h.status::text FROM "Message" h WHERE h.id = $3::uuid AND h.id <> $1::uuid)
       AS "holderStatus",
     (SELECT o.id::text FROM "Message" o
       WHERE o."agentId" = $2::uuid AND o.role = 'USER' AND o.status IN ('QUEUED', 'RUNNING')
       ORDER BY o."createdAt", o.id LIMIT 1) AS "oldestId"
   FROM "Message" m WHERE m.id = $1::uuid`,
);

/** Agent $1's slot to message $2, which runs (attempts + $3, started at $4 unless it was). */
const TAKE_SLOT = directStatement(
  "take_slot",
  `WITH slot AS (
     UPDATE "Agent" SET "runningMessageId" = $2::uuid,
       "updatedAt" = ($4::timestamptz AT TIME ZONE 'UTC')
     WHERE id = $1::uuid
   )
   UPDATE "Message" SET status = 'RUNNING', attempts = attempts + $3::int,
     "startedAt" = COALESCE("startedAt", ($4::timestamptz AT TIME ZONE 'UTC'))
   WHERE id = $2::uuid
   RETURNING attempts`,
);

/**
 * Claims the agent's run slot for a message, in order: a message runs only when it is its
 * agent's oldest unfinished user message and no other message holds the slot. The agent row
 * is locked for the decision, so two workers cannot both claim. Every message passes here, so
 * it is three statements: the lock, one read of all the decision needs, one write.
 */
export async function claimRunSlot(
  prisma: PrismaClient,
  agentId: string,
  messageId: string,
): Promise<ClaimResult> {
  return directTransaction(prisma, async (run) => {
    // The lock first, in a statement of its own: the reads below then see what the worker that
    // held it last committed (a read in the locking statement would use its older snapshot).
    const locked = await run<{ runningMessageId: string | null }>(LOCK_AGENT, [agentId]);
    if (locked.length === 0) return { kind: "finished" } as const;
    const [claim] = await run<ClaimRow>(READ_CLAIM, [
      messageId,
      agentId,
      locked[0]?.runningMessageId ?? null,
    ]);
    if (claim === undefined || claim.messageAgentId !== agentId) {
      return { kind: "finished" } as const;
    }
    // Ended, or cancelled while it waited (cancelMessage): it never runs.
    if (claim.status !== "QUEUED" && claim.status !== "RUNNING")
      return { kind: "finished" } as const;
    // A worker that died between settling a message and freeing the slot left it held by a
    // finished (or deleted) message; nothing would ever free it, so it counts as free. A QUEUED
    // holder is a rate-limited run waiting for its retry: it keeps the slot.
    if (claim.holderStatus === "QUEUED" || claim.holderStatus === "RUNNING") {
      return { kind: "wait" } as const;
    }
    if (claim.oldestId !== messageId) return { kind: "wait" } as const;

    const wasRunning = claim.status === "RUNNING";
    const [updated] = await run<{ attempts: number }>(TAKE_SLOT, [
      agentId,
      messageId,
      wasRunning ? 0 : 1,
      new Date().toISOString(),
    ]);
    const attempt = updated?.attempts ?? claim.attempts;
    return { kind: wasRunning ? "interrupted" : "claimed", attempt } as const;
  });
}

/**
 * Frees agent $1's slot if message $2 holds it (at $3), and reads the agent's next queued user
 * message: the read does not depend on the write (it is of the agent's messages).
 */
const RELEASE_RUN_SLOT = directStatement(
  "release_run_slot",
  `WITH freed AS (
     UPDATE "Agent" SET "runningMessageId" = NULL,
       "updatedAt" = ($3::timestamptz AT TIME ZONE 'UTC')
     WHERE id = $1::uuid AND "runningMessageId" = $2::uuid
   )
   SELECT id::text FROM "Message"
   WHERE "agentId" = $1::uuid AND role = 'USER' AND status = 'QUEUED'
   ORDER BY "createdAt", id LIMIT 1`,
);

/** Frees the slot (if this message holds it) and returns the agent's next queued message. */
export async function releaseRunSlot(
  prisma: PrismaClient,
  agentId: string,
  messageId: string,
): Promise<string | null> {
  const [next] = await directRows<{ id: string }>(prisma, RELEASE_RUN_SLOT, [
    agentId,
    messageId,
    new Date().toISOString(),
  ]);
  return next?.id ?? null;
}
