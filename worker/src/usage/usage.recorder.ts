import {
  estimateCost,
  type KeySource,
  type SessionUsagePayload,
  type UsageRecord,
} from "@agentry/core";
import { Prisma, type PrismaClient } from "@agentry/prisma";

export interface UsageContext {
  readonly sessionId: string;
  readonly agentId: string;
  readonly messageId: string;
  /** The message's run attempt: a re-run makes new calls, which count. */
  readonly attempt: number;
  readonly keySource: KeySource;
  /**
   * Who sent the message: the call is added to their month (UserUsageMonth, which their
   * monthly budget counts). Undefined or null: to no one's.
   */
  readonly authorId?: string | null;
}

export interface RecordedUsage {
  /** False when this (message, attempt, call) was already recorded: nothing was added. */
  readonly inserted: boolean;
  readonly costUsd: number | null;
  /** Our estimate and the cost the CLI reported differ by more than {@link COST_TOLERANCE}. */
  readonly costDisagrees: boolean;
  readonly totals: SessionUsagePayload;
  /** What the author's calls cost this UTC month, this one included; null without an author. */
  readonly authorMonthCostUsd: number | null;
}

/**
 * Records one provider call and adds it to the session's rollup in the same transaction.
 * Idempotent per (message, attempt, call index): a call reported twice — a worker that
 * recorded it and died before acknowledging — is counted once.
 */
/** How far our estimate may stray from a CLI's own before the call is flagged (5%). */
export const COST_TOLERANCE = 0.05;

/**
 * Whether our estimate and the CLI's reported cost disagree by more than 5% of the larger.
 * Unknown on either side is no disagreement (an unpriced model is counted as such).
 */
export function costsDisagree(ours: number | null, reported: number | undefined): boolean {
  if (ours === null || reported === undefined) return false;
  const larger = Math.max(ours, reported);
  return larger > 0 && Math.abs(ours - reported) > COST_TOLERANCE * larger;
}

export async function recordUsage(
  prisma: PrismaClient,
  context: UsageContext,
  usage: UsageRecord,
  /** When the call is recorded: the event's createdAt and its hour in the hourly rollup. */
  at: Date = new Date(),
): Promise<RecordedUsage> {
  const { costUsd } = estimateCost(usage.provider, usage.model, usage);
  const costDisagrees = costsDisagree(costUsd, usage.reportedCostUsd);
  const tokens = {
    inputTokens: BigInt(usage.inputTokens),
    outputTokens: BigInt(usage.outputTokens),
    cacheReadTokens: BigInt(usage.cacheReadTokens),
    cacheWriteTokens: BigInt(usage.cacheWriteTokens),
    reasoningTokens: BigInt(usage.reasoningTokens),
  };
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.usageEvent.createMany({
      data: [
        {
          sessionId: context.sessionId,
          agentId: context.agentId,
          messageId: context.messageId,
          attempt: context.attempt,
          callIndex: usage.callIndex,
          provider: usage.provider,
          model: usage.model,
          keySource: context.keySource,
          ...tokens,
          costUsd: costUsd === null ? null : new Prisma.Decimal(costUsd),
          reportedCostUsd:
            usage.reportedCostUsd === undefined ? null : new Prisma.Decimal(usage.reportedCostUsd),
          costDisagrees,
          createdAt: at,
        },
      ],
      skipDuplicates: true,
    });
    const inserted = count === 1;
    if (inserted) await addToUsageHour(tx, context.sessionId, at, tokens, costUsd);
    const authorMonthCostUsd =
      context.authorId === undefined || context.authorId === null
        ? null
        : await addToUserMonth(tx, context.authorId, at, inserted, costUsd);
    const increments = {
      inputTokens: { increment: inserted ? tokens.inputTokens : 0n },
      outputTokens: { increment: inserted ? tokens.outputTokens : 0n },
      cacheReadTokens: { increment: inserted ? tokens.cacheReadTokens : 0n },
      cacheWriteTokens: { increment: inserted ? tokens.cacheWriteTokens : 0n },
      reasoningTokens: { increment: inserted ? tokens.reasoningTokens : 0n },
      apiCalls: { increment: inserted ? 1 : 0 },
      unpricedCalls: { increment: inserted && costUsd === null ? 1 : 0 },
      costUsd: { increment: new Prisma.Decimal(inserted && costUsd !== null ? costUsd : 0) },
    };
    // A native INSERT … ON CONFLICT DO UPDATE: concurrent agents of one session add safely.
    const row = await tx.sessionUsage.upsert({
      where: { sessionId: context.sessionId },
      create: {
        sessionId: context.sessionId,
        ...(inserted ? tokens : {}),
        apiCalls: inserted ? 1 : 0,
        unpricedCalls: inserted && costUsd === null ? 1 : 0,
        costUsd: new Prisma.Decimal(inserted && costUsd !== null ? costUsd : 0),
      },
      update: increments,
    });
    return {
      inserted,
      costUsd,
      costDisagrees,
      totals: toUsagePayload(row),
      authorMonthCostUsd,
    };
  });
}

const HOUR_MS = 3_600_000;

/**
 * Adds one recorded call to its session's UTC hour (usageSeries reads whole hours there). Only
 * for a call whose event was just inserted, in that transaction: counted once, like the totals.
 */
async function addToUsageHour(
  tx: Prisma.TransactionClient,
  sessionId: string,
  at: Date,
  tokens: Record<
    "inputTokens" | "outputTokens" | "cacheReadTokens" | "cacheWriteTokens" | "reasoningTokens",
    bigint
  >,
  costUsd: number | null,
): Promise<void> {
  // The hour as a UTC `timestamp`, spelled out so the database's TimeZone cannot shift it. The
  // cost is rounded as the event's own column rounds it, so hours sum to what the events sum to.
  const hour = new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS).toISOString();
  await tx.$executeRaw`
    INSERT INTO "SessionUsageHour" AS h ("sessionId", "hour", "inputTokens", "outputTokens",
      "cacheReadTokens", "cacheWriteTokens", "reasoningTokens", "apiCalls", "unpricedCalls", "costUsd")
    VALUES (${sessionId}::uuid, (${hour}::timestamptz AT TIME ZONE 'UTC'), ${tokens.inputTokens},
      ${tokens.outputTokens}, ${tokens.cacheReadTokens}, ${tokens.cacheWriteTokens},
      ${tokens.reasoningTokens}, 1, ${costUsd === null ? 1 : 0},
      ${costUsd === null ? "0" : new Prisma.Decimal(costUsd).toFixed()}::numeric(18, 9))
    ON CONFLICT ("sessionId", "hour") DO UPDATE SET
      "inputTokens" = h."inputTokens" + EXCLUDED."inputTokens",
      "outputTokens" = h."outputTokens" + EXCLUDED."outputTokens",
      "cacheReadTokens" = h."cacheReadTokens" + EXCLUDED."cacheReadTokens",
      "cacheWriteTokens" = h."cacheWriteTokens" + EXCLUDED."cacheWriteTokens",
      "reasoningTokens" = h."reasoningTokens" + EXCLUDED."reasoningTokens",
      "apiCalls" = h."apiCalls" + 1,
      "unpricedCalls" = h."unpricedCalls" + EXCLUDED."unpricedCalls",
      "costUsd" = h."costUsd" + EXCLUDED."costUsd"`;
}

/** The first instant of `at`'s UTC calendar month: a user's monthly budget counts from it. */
export function monthOf(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

/**
 * Adds one recorded call (when it was just inserted) to its author's UTC month, and returns
 * what the author's calls cost that month. Like the session's totals, a concurrent run of the
 * same author adds safely (INSERT … ON CONFLICT DO UPDATE).
 */
async function addToUserMonth(
  tx: Prisma.TransactionClient,
  userId: string,
  at: Date,
  inserted: boolean,
  costUsd: number | null,
): Promise<number> {
  const month = monthOf(at).toISOString();
  const added = inserted && costUsd !== null ? new Prisma.Decimal(costUsd).toFixed() : "0";
  const rows = await tx.$queryRaw<{ costUsd: Prisma.Decimal }[]>`
    INSERT INTO "UserUsageMonth" AS m ("userId", "month", "apiCalls", "unpricedCalls", "costUsd")
    SELECT ${userId}::uuid, (${month}::timestamptz AT TIME ZONE 'UTC'), ${inserted ? 1 : 0},
      ${inserted && costUsd === null ? 1 : 0}, ${added}::numeric(18, 9)
    WHERE EXISTS (SELECT 1 FROM "User" WHERE id = ${userId}::uuid)
    ON CONFLICT ("userId", "month") DO UPDATE SET
      "apiCalls" = m."apiCalls" + EXCLUDED."apiCalls",
      "unpricedCalls" = m."unpricedCalls" + EXCLUDED."unpricedCalls",
      "costUsd" = m."costUsd" + EXCLUDED."costUsd"
    RETURNING "costUsd"`;
  return rows[0]?.costUsd.toNumber() ?? 0;
}

type SessionUsageRow = Prisma.SessionUsageGetPayload<object>;

const tokenJson = (value: bigint): number | string =>
  value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();

/** The rollup row as the `sessionUsage` topic's plain-JSON payload. */
export function toUsagePayload(row: SessionUsageRow): SessionUsagePayload {
  return {
    sessionId: row.sessionId,
    inputTokens: tokenJson(row.inputTokens),
    outputTokens: tokenJson(row.outputTokens),
    cacheReadTokens: tokenJson(row.cacheReadTokens),
    cacheWriteTokens: tokenJson(row.cacheWriteTokens),
    reasoningTokens: tokenJson(row.reasoningTokens),
    apiCalls: row.apiCalls,
    unpricedCalls: row.unpricedCalls,
    costUsd: row.costUsd.toNumber(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
