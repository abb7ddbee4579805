import { AppError, type SessionUsagePayload } from "@agentry/core";
import { Prisma, type PrismaClient } from "@agentry/prisma";
import { distinct } from "../graphql/batching.js";
import type { UsageBucketSize } from "../graphql/enums.js";

/** Totals as the api shows them (UsageStats). */
export interface UsageStats {
  readonly inputTokens: bigint;
  readonly outputTokens: bigint;
  readonly cacheReadTokens: bigint;
  readonly cacheWriteTokens: bigint;
  readonly reasoningTokens: bigint;
  readonly totalTokens: bigint;
  readonly apiCalls: number;
  readonly estimatedCostUsd: number;
  readonly unpricedCalls: number;
}

export interface UsageBucket extends UsageStats {
  readonly start: Date;
}

/** Most buckets one series may have (e.g. 41 days of hours, 2.7 years of days). */
export const MAX_BUCKETS = 1000;

const HOUR_MS = 3_600_000;
const BUCKET_MS: Readonly<Record<UsageBucketSize, number>> = { HOUR: HOUR_MS, DAY: 24 * HOUR_MS };

/** How many buckets of `size` a series over [from, to) has (its cost counts them). */
export const bucketCount = (size: UsageBucketSize, from: Date, to: Date): number =>
  Math.ceil((to.getTime() - from.getTime()) / BUCKET_MS[size]) + 1;

interface Counts {
  inputTokens: bigint;
  outputTokens: bigint;
  cacheReadTokens: bigint;
  cacheWriteTokens: bigint;
  reasoningTokens: bigint;
  apiCalls: number;
  unpricedCalls: number;
  costUsd: number;
}

export function toUsageStats(counts: Counts): UsageStats {
  return {
    inputTokens: counts.inputTokens,
    outputTokens: counts.outputTokens,
    cacheReadTokens: counts.cacheReadTokens,
    cacheWriteTokens: counts.cacheWriteTokens,
    reasoningTokens: counts.reasoningTokens,
    totalTokens:
      counts.inputTokens + counts.outputTokens + counts.cacheReadTokens + counts.cacheWriteTokens,
    apiCalls: counts.apiCalls,
    estimatedCostUsd: counts.costUsd,
    unpricedCalls: counts.unpricedCalls,
  };
}

/** A sessionUsage topic payload (JSON numbers or digit strings) as UsageStats. */
export function usageFromPayload(payload: SessionUsagePayload): UsageStats {
  return toUsageStats({
    inputTokens: BigInt(payload.inputTokens),
    outputTokens: BigInt(payload.outputTokens),
    cacheReadTokens: BigInt(payload.cacheReadTokens),
    cacheWriteTokens: BigInt(payload.cacheWriteTokens),
    reasoningTokens: BigInt(payload.reasoningTokens),
    apiCalls: payload.apiCalls,
    unpricedCalls: payload.unpricedCalls,
    costUsd: payload.costUsd,
  });
}

const ZERO: Counts = {
  inputTokens: 0n,
  outputTokens: 0n,
  cacheReadTokens: 0n,
  cacheWriteTokens: 0n,
  reasoningTokens: 0n,
  apiCalls: 0,
  unpricedCalls: 0,
  costUsd: 0,
};

interface BucketRow {
  start: Date;
  inputTokens: bigint;
  outputTokens: bigint;
  cacheReadTokens: bigint;
  cacheWriteTokens: bigint;
  reasoningTokens: bigint;
  apiCalls: number;
  unpricedCalls: number;
  costUsd: number;
}

/** Reads usage: the per-session rollup, and series from the hourly rollup (events at the edges). */
export class UsageService {
  constructor(private readonly prisma: PrismaClient) {}

  /** The session's totals (zeros before its first call). */
  async stats(sessionId: string): Promise<UsageStats> {
    const row = await this.prisma.sessionUsage.findUnique({ where: { sessionId } });
    return toUsageStats(row === null ? ZERO : { ...row, costUsd: row.costUsd.toNumber() });
  }

  /** Each session's totals, in one query for all the sessions. */
  async statsFor(sessionIds: readonly string[]): Promise<Map<string, UsageStats>> {
    const rows = await this.prisma.sessionUsage.findMany({
      where: { sessionId: { in: distinct(sessionIds) } },
    });
    const bySession = new Map(rows.map((row) => [row.sessionId, row]));
    return new Map(
      sessionIds.map((id) => {
        const row = bySession.get(id);
        return [
          id,
          toUsageStats(row === undefined ? ZERO : { ...row, costUsd: row.costUsd.toNumber() }),
        ];
      }),
    );
  }

  /**
   * Usage per UTC hour or day over [from, to): one bucket per step from the bucket holding
   * `from` up to `to`, empty buckets included (zeros) so a chart needs no gap filling.
   */
  async series(
    sessionId: string,
    size: UsageBucketSize,
    from: Date,
    to: Date,
  ): Promise<UsageBucket[]> {
    if (from >= to)
      throw new AppError("BAD_USER_INPUT", "from must be before to", { field: "from" });
    const buckets = bucketCount(size, from, to);
    if (buckets > MAX_BUCKETS) {
      throw new AppError(
        "BAD_USER_INPUT",
        `The range holds too many buckets (${buckets}); at most ${MAX_BUCKETS}: narrow it or use larger buckets`,
        { field: "to" },
      );
    }
    const unit = size === "HOUR" ? "hour" : "day";
    const step = size === "HOUR" ? "1 hour" : "1 day";
    // Whole hours inside [from, to) are read from the hourly rollup (at most 1000 × 24 rows),
    // the parts of an hour at either edge from the events (at most two hours' worth), so the
    // cost does not grow with the session's history. The bounds are computed here and sent as
    // values, so the planner sees how narrow the edges are (bounds it must derive in SQL it
    // estimates at a tenth of the session's events: a costly plan, JIT-compiled on every call).
    const wholeFrom = Math.ceil(from.getTime() / HOUR_MS) * HOUR_MS;
    const wholeTo = Math.max(Math.floor(to.getTime() / HOUR_MS) * HOUR_MS, wholeFrom);
    const edges = [
      [from.getTime(), Math.min(wholeFrom, to.getTime())],
      [wholeTo, to.getTime()],
    ].filter(([lo = 0, hi = 0]) => lo < hi);
    // Timestamps are stored as UTC `timestamp(3)`; every conversion is spelled out so the
    // database's TimeZone setting cannot shift a bucket.
    const utc = (ms: number) =>
      Prisma.sql`(${new Date(ms).toISOString()}::timestamptz AT TIME ZONE 'UTC')`;
    const edgeEvents = edges.map(
      ([lo = 0, hi = 0]) => Prisma.sql`
        UNION ALL
        SELECT e."createdAt", e."inputTokens", e."outputTokens", e."cacheReadTokens",
               e."cacheWriteTokens", e."reasoningTokens", 1, (e."costUsd" IS NULL)::int,
               COALESCE(e."costUsd", 0)
        FROM "UsageEvent" e
        WHERE e."sessionId" = ${sessionId}::uuid
          AND e."createdAt" >= ${utc(lo)} AND e."createdAt" < ${utc(hi)}`,
    );
    const rows = await this.prisma.$queryRaw<BucketRow[]>(Prisma.sql`
      WITH buckets AS (
        SELECT generate_series(date_trunc(${unit}, ${utc(from.getTime())}),
                               ${utc(to.getTime())} - interval '1 millisecond',
                               ${step}::interval) AS start
      ), parts AS (
        SELECT h."hour" AS at, h."inputTokens", h."outputTokens", h."cacheReadTokens",
               h."cacheWriteTokens", h."reasoningTokens", h."apiCalls", h."unpricedCalls", h."costUsd"
        FROM "SessionUsageHour" h
        WHERE h."sessionId" = ${sessionId}::uuid
          AND h."hour" >= ${utc(wholeFrom)} AND h."hour" < ${utc(wholeTo)}
        ${edgeEvents.length === 0 ? Prisma.empty : Prisma.join(edgeEvents, " ")}
      ), sums AS (
        SELECT date_trunc(${unit}, p.at) AS start,
               SUM(p."inputTokens") AS "inputTokens", SUM(p."outputTokens") AS "outputTokens",
               SUM(p."cacheReadTokens") AS "cacheReadTokens",
               SUM(p."cacheWriteTokens") AS "cacheWriteTokens",
               SUM(p."reasoningTokens") AS "reasoningTokens", SUM(p."apiCalls") AS "apiCalls",
               SUM(p."unpricedCalls") AS "unpricedCalls", SUM(p."costUsd") AS "costUsd"
        FROM parts p
        GROUP BY 1
      )
      SELECT (b.start AT TIME ZONE 'UTC') AS "start",
             COALESCE(s."inputTokens", 0)::bigint AS "inputTokens",
             COALESCE(s."outputTokens", 0)::bigint AS "outputTokens",
             COALESCE(s."cacheReadTokens", 0)::bigint AS "cacheReadTokens",
             COALESCE(s."cacheWriteTokens", 0)::bigint AS "cacheWriteTokens",
             COALESCE(s."reasoningTokens", 0)::bigint AS "reasoningTokens",
             COALESCE(s."apiCalls", 0)::int AS "apiCalls",
             COALESCE(s."unpricedCalls", 0)::int AS "unpricedCalls",
             COALESCE(s."costUsd", 0)::float8 AS "costUsd"
      FROM buckets b
      LEFT JOIN sums s ON s.start = b.start
      ORDER BY b.start`);
    return rows.map((row) => ({ start: row.start, ...toUsageStats(row) }));
  }
}
