import { AppError, type SessionUsagePayload } from "@agentry/core";
import { Prisma, type PrismaClient } from "@agentry/prisma";
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

const BUCKET_MS: Readonly<Record<UsageBucketSize, number>> = { HOUR: 3_600_000, DAY: 86_400_000 };

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

/** Reads usage: the per-session rollup, and series aggregated from the per-call events. */
export class UsageService {
  constructor(private readonly prisma: PrismaClient) {}

  /** The session's totals (zeros before its first call). */
  async stats(sessionId: string): Promise<UsageStats> {
    const row = await this.prisma.sessionUsage.findUnique({ where: { sessionId } });
    return toUsageStats(row === null ? ZERO : { ...row, costUsd: row.costUsd.toNumber() });
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
    // Timestamps are stored as UTC `timestamp(3)`; every conversion is spelled out so the
    // database's TimeZone setting cannot shift a bucket.
    const rows = await this.prisma.$queryRaw<BucketRow[]>(Prisma.sql`
      WITH bounds AS (
        SELECT (${from.toISOString()}::timestamptz AT TIME ZONE 'UTC') AS lo,
               (${to.toISOString()}::timestamptz AT TIME ZONE 'UTC') AS hi
      ), buckets AS (
        SELECT generate_series(date_trunc(${unit}, bounds.lo), bounds.hi - interval '1 millisecond', ${step}::interval) AS start
        FROM bounds
      )
      SELECT (b.start AT TIME ZONE 'UTC') AS "start",
             COALESCE(SUM(e."inputTokens"), 0)::bigint AS "inputTokens",
             COALESCE(SUM(e."outputTokens"), 0)::bigint AS "outputTokens",
             COALESCE(SUM(e."cacheReadTokens"), 0)::bigint AS "cacheReadTokens",
             COALESCE(SUM(e."cacheWriteTokens"), 0)::bigint AS "cacheWriteTokens",
             COALESCE(SUM(e."reasoningTokens"), 0)::bigint AS "reasoningTokens",
             COUNT(e."id")::int AS "apiCalls",
             COUNT(e."id") FILTER (WHERE e."costUsd" IS NULL)::int AS "unpricedCalls",
             COALESCE(SUM(e."costUsd"), 0)::float8 AS "costUsd"
      FROM buckets b
      CROSS JOIN bounds
      LEFT JOIN "UsageEvent" e
        ON e."sessionId" = ${sessionId}::uuid
       AND e."createdAt" >= GREATEST(b.start, bounds.lo)
       AND e."createdAt" < LEAST(b.start + ${step}::interval, bounds.hi)
      GROUP BY b.start
      ORDER BY b.start`);
    return rows.map((row) => ({ start: row.start, ...toUsageStats(row) }));
  }
}
