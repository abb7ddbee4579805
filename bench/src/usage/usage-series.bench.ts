import { startTestApi } from "@agentry/api/testing";
import { Prisma, type PrismaClient } from "@agentry/prisma";
import { applyMigrations } from "@agentry/prisma/testing";
import { recordUsage } from "@agentry/worker";
import { createSession } from "../lib/gql.js";
import type { Cleanups } from "../lib/cleanup.js";
import { formatMs, type SectionReport } from "../lib/report.js";
import { ratio, summarize, type Summary } from "../lib/stats.js";

// usageSeries of a session holding many usage events, through the real api over HTTP, against
// the query it replaced (a scan of the range's events on every request), run on the same
// database in the same run. The events are seeded in one INSERT … SELECT generate_series, the
// hourly rollup is then built by its own migration's backfill (timed), and the two paths must
// return the same buckets before anything is timed.

export interface UsageSeriesSettings {
  /** Events of the measured session. */
  readonly events: number;
  /** Events of another session in the same table (other tenants' rows the scans must skip). */
  readonly otherEvents: number;
  /** Days the events are spread over, ending now. */
  readonly spanDays: number;
  readonly iterations: number;
  readonly baselineIterations: number;
  readonly warmup: number;
  /** Also time the old query once with the plan Postgres picks for it (slow: seconds). */
  readonly plannerSample: boolean;
}

const MIGRATION = "20261130154314_session_usage_hours";
const DAY_MS = 86_400_000;

interface SeriesCase {
  readonly label: string;
  readonly bucket: "HOUR" | "DAY";
  readonly from: Date;
  readonly to: Date;
}

const SERIES = `query ($id: ID!, $b: UsageBucketSize!, $from: DateTime!, $to: DateTime!) {
  session(id: $id) { usageSeries(bucket: $b, from: $from, to: $to) {
    start inputTokens outputTokens cacheReadTokens cacheWriteTokens reasoningTokens apiCalls estimatedCostUsd unpricedCalls
  } }
}`;

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

/**
 * The series query before the rollup (commit db4a2a5's UsageService.series), verbatim. With
 * `indexPlan`, the plan the issue measured: one index range scan of the events per bucket. Left
 * to itself, with fresh statistics saying the session holds most of the table, the planner
 * materializes all of the session's events and compares each with each bucket (far slower).
 */
async function scanSeries(
  prisma: PrismaClient,
  sessionId: string,
  c: SeriesCase,
  plan: "index" | "planner's own",
): Promise<BucketRow[]> {
  if (plan === "index") {
    return prisma.$transaction(
      async (tx) => {
        await tx.$executeRawUnsafe(`SET LOCAL enable_material = off`);
        return scanQuery(tx, sessionId, c);
      },
      { timeout: 600_000 },
    );
  }
  return scanQuery(prisma, sessionId, c);
}

function scanQuery(
  prisma: Pick<PrismaClient, "$queryRaw">,
  sessionId: string,
  c: SeriesCase,
): Promise<BucketRow[]> {
  const unit = c.bucket === "HOUR" ? "hour" : "day";
  const step = c.bucket === "HOUR" ? "1 hour" : "1 day";
  return prisma.$queryRaw<BucketRow[]>(Prisma.sql`
    WITH bounds AS (
      SELECT (${c.from.toISOString()}::timestamptz AT TIME ZONE 'UTC') AS lo,
             (${c.to.toISOString()}::timestamptz AT TIME ZONE 'UTC') AS hi
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
}

/** `count` events of one session (and message), spread evenly over [end − span, end). */
async function seedEvents(
  prisma: PrismaClient,
  ids: { sessionId: string; agentId: string; messageId: string },
  count: number,
  end: Date,
  spanMs: number,
): Promise<void> {
  // One statement; every 10th call unpriced, token counts and costs varying with the index.
  await prisma.$executeRaw`
    INSERT INTO "UsageEvent" ("id", "sessionId", "agentId", "messageId", "attempt", "callIndex",
      "provider", "model", "keySource", "inputTokens", "outputTokens", "cacheReadTokens",
      "cacheWriteTokens", "reasoningTokens", "costUsd", "createdAt")
    SELECT gen_random_uuid(), ${ids.sessionId}::uuid, ${ids.agentId}::uuid, ${ids.messageId}::uuid,
      1, i, 'ANTHROPIC', 'claude-haiku-4-5', 'SESSION', 1000 + i % 5000, 100 + i % 700,
      i % 3000, i % 200, i % 50,
      CASE WHEN i % 10 = 0 THEN NULL ELSE (i % 997) * 0.000001234 END,
      (${end.toISOString()}::timestamptz AT TIME ZONE 'UTC')
        - (i::float8 * ${spanMs / count}::float8) * interval '1 millisecond'
    FROM generate_series(1, ${count}::int) AS i`;
}

async function sample(
  iterations: number,
  warmup: number,
  run: () => Promise<unknown>,
): Promise<Summary> {
  for (let index = 0; index < warmup; index += 1) await run();
  const samples: number[] = [];
  for (let index = 0; index < iterations; index += 1) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return summarize(samples);
}

export async function benchUsageSeries(
  cleanups: Cleanups,
  settings: UsageSeriesSettings,
): Promise<SectionReport> {
  const api = await startTestApi({ env: { LOG_LEVEL: "warn" } });
  const closeApi = cleanups.defer("usage-series api", () => api.close());
  try {
    const owner = await api.signUp();
    const sessionOf = async (name: string) => {
      const sessionId = await createSession(api, owner.token, undefined, name);
      const agent = await api.prisma.agent.create({
        data: { sessionId, kind: "CHAT", provider: "ANTHROPIC", model: "claude-haiku-4-5" },
      });
      const message = await api.prisma.message.create({
        data: { agentId: agent.id, authorId: owner.user.id, role: "USER", text: "hi" },
      });
      return { sessionId, agentId: agent.id, messageId: message.id };
    };
    const measured = await sessionOf("measured");
    const other = await sessionOf("another");

    // The events as they were before the rollup existed; then its migration, as a deploy runs it.
    await api.prisma.$executeRawUnsafe(`DROP TABLE "SessionUsageHour"`);
    // A whole number of hours back from an end inside an hour: every range has ragged edges.
    const end = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 + 1_234_567);
    const spanMs = settings.spanDays * DAY_MS;
    const seedStarted = performance.now();
    await seedEvents(api.prisma, measured, settings.events, end, spanMs);
    await seedEvents(api.prisma, other, settings.otherEvents, end, spanMs);
    await api.prisma.$executeRawUnsafe(`ANALYZE "UsageEvent"`);
    const seedS = (performance.now() - seedStarted) / 1000;
    const backfillStarted = performance.now();
    // This one migration: from it, before any that sorts after it.
    await applyMigrations(api.databaseUrl, { from: MIGRATION, before: `${MIGRATION}~` });
    const backfillS = (performance.now() - backfillStarted) / 1000;
    await api.prisma.$executeRawUnsafe(`ANALYZE "SessionUsageHour"`);
    const hourRows = await api.prisma.sessionUsageHour.count();

    // Ranges as a dashboard asks for them: ending now (mid-hour), not on a boundary.
    const now = new Date(end.getTime() - 1_000);
    const cases: SeriesCase[] = [
      {
        label: "DAY over 30 days",
        bucket: "DAY",
        from: new Date(now.getTime() - 30 * DAY_MS),
        to: now,
      },
      {
        label: "HOUR over 7 days",
        bucket: "HOUR",
        from: new Date(now.getTime() - 7 * DAY_MS),
        to: now,
      },
    ];
    const viaApi = (c: SeriesCase) =>
      api.ok<{ session: { usageSeries: Record<string, number | string>[] } }>(
        SERIES,
        {
          id: measured.sessionId,
          b: c.bucket,
          from: c.from.toISOString(),
          to: c.to.toISOString(),
        },
        owner.token,
      );

    // Both paths must give the same series before either is timed.
    for (const c of cases) {
      const [old, got] = await Promise.all([
        scanSeries(api.prisma, measured.sessionId, c, "index"),
        viaApi(c),
      ]);
      const expected = old.map((row) => ({
        start: row.start.toISOString(),
        inputTokens: Number(row.inputTokens),
        outputTokens: Number(row.outputTokens),
        cacheReadTokens: Number(row.cacheReadTokens),
        cacheWriteTokens: Number(row.cacheWriteTokens),
        reasoningTokens: Number(row.reasoningTokens),
        apiCalls: row.apiCalls,
        estimatedCostUsd: row.costUsd,
        unpricedCalls: row.unpricedCalls,
      }));
      if (JSON.stringify(expected) !== JSON.stringify(got.session.usageSeries))
        throw new Error(`${c.label}: the rollup's series differs from the events' series`);
    }

    const rows: { label: string; summary: Summary }[] = [];
    const ratios = [];
    for (const c of cases) {
      const scan = await sample(settings.baselineIterations, 1, () =>
        scanSeries(api.prisma, measured.sessionId, c, "index"),
      );
      const served = await sample(settings.iterations, settings.warmup, () => viaApi(c));
      rows.push(
        { label: `usageSeries ${c.label} (HTTP → api → rollup)`, summary: served },
        {
          label: `baseline: ${c.label}, scan of the events, per-bucket index plan (SQL only)`,
          summary: scan,
        },
      );
      ratios.push(
        { label: `${c.label} p50, rollup over scan`, value: ratio(served.p50, scan.p50) },
        { label: `${c.label} p95, rollup over scan`, value: ratio(served.p95, scan.p95) },
      );
    }
    // The old query as the planner itself runs it on this data: once, the shorter case only.
    const [shorter] = cases;
    if (shorter !== undefined && settings.plannerSample) {
      rows.push({
        label: `reference: ${shorter.label}, scan of the events, the planner's own plan`,
        summary: await sample(1, 0, () =>
          scanSeries(api.prisma, measured.sessionId, shorter, "planner's own"),
        ),
      });
    }
    // The same request without the series: the session's own lookup, which the series rides on.
    rows.push({
      label: "reference: session(id) { id } over HTTP (same api)",
      summary: await sample(settings.iterations, settings.warmup, () =>
        api.ok(
          `query ($id: ID!) { session(id: $id) { id } }`,
          { id: measured.sessionId },
          owner.token,
        ),
      ),
    });
    // What recording one call costs now (the event, the hour, the session's totals, one
    // transaction), with the session's million events in place.
    let callIndex = settings.events + 1;
    rows.push({
      label: "reference: recordUsage (event, hour, month and totals: one statement)",
      summary: await sample(Math.min(settings.iterations, 200), 5, () =>
        recordUsage(
          api.prisma,
          { ...measured, attempt: 1, keySource: "SESSION" },
          {
            type: "usage",
            callIndex: (callIndex += 1),
            provider: "ANTHROPIC",
            model: "claude-haiku-4-5",
            inputTokens: 1000,
            outputTokens: 100,
            cacheReadTokens: 0,
            cacheWriteTokens: 0,
            reasoningTokens: 0,
          },
        ),
      ),
    });

    return {
      id: "usageSeries",
      title: `Usage series of a session with ${settings.events.toLocaleString("en-US")} usage events (real api, real Postgres)`,
      columns: ["what", "n", "mean ms", "p50 ms", "p95 ms", "p99 ms", "max ms"],
      rows: rows.map(({ label, summary }) => [
        label,
        String(summary.count),
        formatMs(summary.mean),
        formatMs(summary.p50),
        formatMs(summary.p95),
        formatMs(summary.p99),
        formatMs(summary.max),
      ]),
      ratios,
      notes: [
        `seeded ${settings.events.toLocaleString("en-US")} events over ${settings.spanDays} days (+ ${settings.otherEvents.toLocaleString("en-US")} of another session) in ${seedS.toFixed(1)} s`,
        `the migration's backfill rolled them into ${hourRows.toLocaleString("en-US")} hour rows in ${backfillS.toFixed(1)} s`,
        "both paths returned identical buckets for every case before timing",
      ],
      data: { settings, seedS, backfillS, hourRows, rows },
    };
  } finally {
    await closeApi();
  }
}
