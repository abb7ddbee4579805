import {
  estimateCost,
  type KeySource,
  type SessionUsagePayload,
  type UsageRecord,
} from "@agentry/core";
import { randomUUID } from "node:crypto";
import { directRows, directStatement, Prisma, type PrismaClient } from "@agentry/prisma";

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

/**
 * What RECORD_USAGE returns, as pg hands it (int8 and numeric as strings): the session's totals
 * and the author's month.
 */
interface RecordedRow {
  readonly sessionId: string;
  readonly inputTokens: string;
  readonly outputTokens: string;
  readonly cacheReadTokens: string;
  readonly cacheWriteTokens: string;
  readonly reasoningTokens: string;
  readonly apiCalls: number;
  readonly unpricedCalls: number;
  readonly costUsd: string;
  readonly updatedAt: Date;
  /** 1 when the event was inserted, 0 when it was there already. */
  readonly inserted: number;
  /** The author's month's cost after this call; null without an author (or one deleted). */
  readonly authorMonthCostUsd: string | null;
}

/**
 * One provider call ($1 the event's id, $2–$17 its fields, $18 its time) added to its session's
 * hour $19, its author $22's month $20 and the session's totals; $21 is 1 for an unpriced call.
 * Every sum adds the event insert's count: 0 when the call was recorded already.
 */
const RECORD_USAGE = directStatement(
  "record_usage",
  `WITH event AS (
     INSERT INTO "UsageEvent" (id, "sessionId", "agentId", "messageId", attempt, "callIndex",
       provider, model, "keySource", "inputTokens", "outputTokens", "cacheReadTokens",
       "cacheWriteTokens", "reasoningTokens", "costUsd", "reportedCostUsd", "costDisagrees",
       "createdAt")
     VALUES ($1::uuid, $2::uuid, $3::uuid, $4::uuid, $5::int, $6::int, $7::"Provider", $8::text,
       $9::"KeySource", $10::bigint, $11::bigint, $12::bigint, $13::bigint, $14::bigint,
       $15::numeric(18, 9), $16::numeric(18, 9), $17::boolean,
       ($18::timestamptz AT TIME ZONE 'UTC'))
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
     SELECT $2::uuid, ($19::timestamptz AT TIME ZONE 'UTC'), "inputTokens", "outputTokens",
       "cacheReadTokens", "cacheWriteTokens", "reasoningTokens", 1, $21::int, "costUsd"
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
     SELECT u.id, ($20::timestamptz AT TIME ZONE 'UTC'), added.calls, added.calls * $21::int,
       added."costUsd"
     FROM added, "User" u WHERE u.id = $22::uuid
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
     SELECT $2::uuid, "inputTokens", "outputTokens", "cacheReadTokens", "cacheWriteTokens",
       "reasoningTokens", calls, calls * $21::int, "costUsd", ($18::timestamptz AT TIME ZONE 'UTC')
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
   SELECT totals."sessionId"::text, totals."inputTokens"::text, totals."outputTokens"::text,
     totals."cacheReadTokens"::text, totals."cacheWriteTokens"::text,
     totals."reasoningTokens"::text, totals."apiCalls", totals."unpricedCalls",
     totals."costUsd"::text, totals."updatedAt" AT TIME ZONE 'UTC' AS "updatedAt",
     (SELECT calls FROM added) AS inserted,
     (SELECT "costUsd"::text FROM month) AS "authorMonthCostUsd"
   FROM totals`,
);

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
  const [row] = await directRows<RecordedRow>(prisma, RECORD_USAGE, [
    randomUUID(),
    context.sessionId,
    context.agentId,
    context.messageId,
    context.attempt,
    usage.callIndex,
    usage.provider,
    usage.model,
    context.keySource,
    usage.inputTokens,
    usage.outputTokens,
    usage.cacheReadTokens,
    usage.cacheWriteTokens,
    usage.reasoningTokens,
    cost,
    reported,
    costDisagrees,
    when,
    hour,
    month,
    unpriced,
    authorId,
  ]);
  if (row === undefined) throw new Error("recording a provider call returned no totals");
  return {
    inserted: row.inserted === 1,
    costUsd,
    costDisagrees,
    totals: toUsagePayload({
      sessionId: row.sessionId,
      inputTokens: BigInt(row.inputTokens),
      outputTokens: BigInt(row.outputTokens),
      cacheReadTokens: BigInt(row.cacheReadTokens),
      cacheWriteTokens: BigInt(row.cacheWriteTokens),
      reasoningTokens: BigInt(row.reasoningTokens),
      apiCalls: row.apiCalls,
      unpricedCalls: row.unpricedCalls,
      costUsd: new Prisma.Decimal(row.costUsd),
      updatedAt: row.updatedAt,
    }),
    authorMonthCostUsd: authorId === null ? null : Number(row.authorMonthCostUsd ?? 0),
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
