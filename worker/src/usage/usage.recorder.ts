import {
  estimateCost,
  type KeySource,
  type SessionUsagePayload,
  type UsageRecord,
} from "@agentry/core";
import { randomUUID } from "node:crypto";
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

const HOUR_MS = 3_600_000;

/** The first instant of `at`'s UTC calendar month: a user's monthly budget counts from it. */
export function monthOf(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

/** What the one statement of recordUsage returns: the session's totals and the author's month. */
interface RecordedRow extends SessionUsageRow {
  /** 1 when the event was inserted, 0 when it was there already. */
  readonly inserted: number;
  /** The author's month's cost after this call; null without an author (or one deleted). */
  readonly authorMonthCostUsd: Prisma.Decimal | null;
}

/**
 * Records one provider call and adds it, in the same statement (so atomically, with no
 * transaction to open), to the session's hour (usageSeries reads whole hours), its author's UTC
 * month (their monthly budget counts it) and the session's totals. Idempotent per (message,
 * attempt, call index): a call reported twice — a worker that recorded it and died before
 * acknowledging — is counted once: the event's insert does nothing, and every sum adds its
 * count, 0. Concurrent agents of one session add safely (INSERT … ON CONFLICT DO UPDATE).
 */
export async function recordUsage(
  prisma: PrismaClient,
  context: UsageContext,
  usage: UsageRecord,
  /** When the call is recorded: the event's createdAt and its hour in the hourly rollup. */
  at: Date = new Date(),
): Promise<RecordedUsage> {
  const { costUsd } = estimateCost(usage.provider, usage.model, usage);
  const costDisagrees = costsDisagree(costUsd, usage.reportedCostUsd);
  // Timestamps as UTC `timestamp`s, spelled out so the database's TimeZone cannot shift them;
  // costs as decimal text, rounded by the columns' numeric(18, 9) (hours and months sum to what
  // the events sum to).
  const when = at.toISOString();
  const hour = new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS).toISOString();
  const month = monthOf(at).toISOString();
  const cost = costUsd === null ? null : new Prisma.Decimal(costUsd).toFixed();
  const reported =
    usage.reportedCostUsd === undefined
      ? null
      : new Prisma.Decimal(usage.reportedCostUsd).toFixed();
  const unpriced = costUsd === null ? 1 : 0;
  const authorId = context.authorId ?? null;
  const rows = await prisma.$queryRaw<RecordedRow[]>`
    WITH event AS (
      INSERT INTO "UsageEvent" (id, "sessionId", "agentId", "messageId", attempt, "callIndex",
        provider, model, "keySource", "inputTokens", "outputTokens", "cacheReadTokens",
        "cacheWriteTokens", "reasoningTokens", "costUsd", "reportedCostUsd", "costDisagrees",
        "createdAt")
      VALUES (${randomUUID()}::uuid, ${context.sessionId}::uuid, ${context.agentId}::uuid,
        ${context.messageId}::uuid, ${context.attempt}::int, ${usage.callIndex}::int,
        ${usage.provider}::"Provider", ${usage.model}, ${context.keySource}::"KeySource",
        ${usage.inputTokens}::bigint, ${usage.outputTokens}::bigint,
        ${usage.cacheReadTokens}::bigint, ${usage.cacheWriteTokens}::bigint,
        ${usage.reasoningTokens}::bigint, ${cost}::numeric(18, 9), ${reported}::numeric(18, 9),
        ${costDisagrees}::boolean, (${when}::timestamptz AT TIME ZONE 'UTC'))
      ON CONFLICT ("messageId", attempt, "callIndex") DO NOTHING
      RETURNING "inputTokens", "outputTokens", "cacheReadTokens", "cacheWriteTokens",
        "reasoningTokens", COALESCE("costUsd", 0) AS "costUsd"
    ),
    added AS (
      SELECT count(*)::int AS calls,
        COALESCE(sum("inputTokens"), 0)::bigint AS "inputTokens",
        COALESCE(sum("outputTokens"), 0)::bigint AS "outputTokens",
        COALESCE(sum("cacheReadTokens"), 0)::bigint AS "cacheReadTokens",
        COALESCE(sum("cacheWriteTokens"), 0)::bigint AS "cacheWriteTokens",
        COALESCE(sum("reasoningTokens"), 0)::bigint AS "reasoningTokens",
        COALESCE(sum("costUsd"), 0)::numeric(18, 9) AS "costUsd"
      FROM event
    ),
    hour AS (
      INSERT INTO "SessionUsageHour" AS h ("sessionId", hour, "inputTokens", "outputTokens",
        "cacheReadTokens", "cacheWriteTokens", "reasoningTokens", "apiCalls", "unpricedCalls",
        "costUsd")
      SELECT ${context.sessionId}::uuid, (${hour}::timestamptz AT TIME ZONE 'UTC'),
        "inputTokens", "outputTokens", "cacheReadTokens", "cacheWriteTokens", "reasoningTokens",
        1, ${unpriced}::int, "costUsd"
      FROM added WHERE calls = 1
      ON CONFLICT ("sessionId", hour) DO UPDATE SET
        "inputTokens" = h."inputTokens" + EXCLUDED."inputTokens",
        "outputTokens" = h."outputTokens" + EXCLUDED."outputTokens",
        "cacheReadTokens" = h."cacheReadTokens" + EXCLUDED."cacheReadTokens",
        "cacheWriteTokens" = h."cacheWriteTokens" + EXCLUDED."cacheWriteTokens",
        "reasoningTokens" = h."reasoningTokens" + EXCLUDED."reasoningTokens",
        "apiCalls" = h."apiCalls" + 1,
        "unpricedCalls" = h."unpricedCalls" + EXCLUDED."unpricedCalls",
        "costUsd" = h."costUsd" + EXCLUDED."costUsd"
    ),
    month AS (
      INSERT INTO "UserUsageMonth" AS m ("userId", month, "apiCalls", "unpricedCalls", "costUsd")
      SELECT u.id, (${month}::timestamptz AT TIME ZONE 'UTC'), added.calls,
        added.calls * ${unpriced}::int, added."costUsd"
      FROM added, "User" u WHERE u.id = ${authorId}::uuid
      ON CONFLICT ("userId", month) DO UPDATE SET
        "apiCalls" = m."apiCalls" + EXCLUDED."apiCalls",
        "unpricedCalls" = m."unpricedCalls" + EXCLUDED."unpricedCalls",
        "costUsd" = m."costUsd" + EXCLUDED."costUsd"
      RETURNING "costUsd"
    ),
    totals AS (
      INSERT INTO "SessionUsage" AS t ("sessionId", "inputTokens", "outputTokens",
        "cacheReadTokens", "cacheWriteTokens", "reasoningTokens", "apiCalls", "unpricedCalls",
        "costUsd", "updatedAt")
      SELECT ${context.sessionId}::uuid, "inputTokens", "outputTokens", "cacheReadTokens",
        "cacheWriteTokens", "reasoningTokens", calls, calls * ${unpriced}::int, "costUsd",
        (${when}::timestamptz AT TIME ZONE 'UTC')
      FROM added
      ON CONFLICT ("sessionId") DO UPDATE SET
        "inputTokens" = t."inputTokens" + EXCLUDED."inputTokens",
        "outputTokens" = t."outputTokens" + EXCLUDED."outputTokens",
        "cacheReadTokens" = t."cacheReadTokens" + EXCLUDED."cacheReadTokens",
        "cacheWriteTokens" = t."cacheWriteTokens" + EXCLUDED."cacheWriteTokens",
        "reasoningTokens" = t."reasoningTokens" + EXCLUDED."reasoningTokens",
        "apiCalls" = t."apiCalls" + EXCLUDED."apiCalls",
        "unpricedCalls" = t."unpricedCalls" + EXCLUDED."unpricedCalls",
        "costUsd" = t."costUsd" + EXCLUDED."costUsd",
        "updatedAt" = EXCLUDED."updatedAt"
      RETURNING *
    )
    SELECT totals."sessionId"::text, totals."inputTokens", totals."outputTokens",
      totals."cacheReadTokens", totals."cacheWriteTokens", totals."reasoningTokens",
      totals."apiCalls", totals."unpricedCalls", totals."costUsd", totals."updatedAt",
      (SELECT calls FROM added) AS inserted,
      (SELECT "costUsd" FROM month) AS "authorMonthCostUsd"
    FROM totals`;
  const row = rows[0];
  if (row === undefined) throw new Error("recording a provider call returned no totals");
  return {
    inserted: row.inserted === 1,
    costUsd,
    costDisagrees,
    totals: toUsagePayload(row),
    authorMonthCostUsd: authorId === null ? null : (row.authorMonthCostUsd?.toNumber() ?? 0),
  };
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
