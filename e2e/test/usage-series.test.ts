import { randomUUID } from "node:crypto";
import { startTestApi, type TestApi, type TestUser } from "@agentry/api/testing";
import type { UsageRecord } from "@agentry/core";
import { Prisma } from "@agentry/prisma";
import { recordUsage, type UsageContext } from "@agentry/worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession } from "./support/flows.js";

// usageSeries reads whole hours from the hourly rollup the worker's recorder keeps, and only
// the edges of a range from the events. Here the series, through the public API, must equal the
// one computed from the raw events themselves, for calls recorded by the real recorder at
// random times and ranges cut at random milliseconds.

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const BASE = Date.parse("2026-06-01T00:00:00Z");
const SPAN_MS = 4 * DAY;

/** A seeded generator, so a failure can be replayed (the seed is in the test's name). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

async function sessionWithMessage(owner: TestUser) {
  const sessionId = await createSession(api, owner.token, undefined, "series");
  const agent = await api.prisma.agent.create({
    data: { sessionId, kind: "CHAT", provider: "ANTHROPIC", model: "claude-haiku-4-5" },
  });
  const message = await api.prisma.message.create({
    data: { agentId: agent.id, authorId: owner.user.id, role: "USER", text: "hi", status: "DONE" },
  });
  const context: UsageContext = {
    sessionId,
    agentId: agent.id,
    messageId: message.id,
    attempt: 1,
    keySource: "SESSION",
  };
  return { sessionId, context };
}

function randomCall(next: () => number, callIndex: number): UsageRecord {
  const tokens = () => Math.floor(next() * 5000);
  return {
    type: "usage",
    callIndex,
    provider: "ANTHROPIC",
    // A model without a price now and then: counted as unpriced, no cost.
    model: next() < 0.2 ? `unpriced-model-${randomUUID().slice(0, 6)}` : "claude-haiku-4-5",
    inputTokens: tokens(),
    outputTokens: tokens(),
    cacheReadTokens: tokens(),
    cacheWriteTokens: tokens(),
    reasoningTokens: tokens(),
  };
}

interface Bucket {
  start: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  totalTokens: number;
  apiCalls: number;
  estimatedCostUsd: number;
  unpricedCalls: number;
}
const FIELDS =
  "start inputTokens outputTokens cacheReadTokens cacheWriteTokens reasoningTokens totalTokens apiCalls estimatedCostUsd unpricedCalls";
const SERIES = `query ($id: ID!, $b: UsageBucketSize!, $from: DateTime!, $to: DateTime!) {
  session(id: $id) { usageSeries(bucket: $b, from: $from, to: $to) { ${FIELDS} } }
}`;

type EventRow = Awaited<ReturnType<typeof readEvents>>[number];
const readEvents = (sessionId: string) =>
  api.prisma.usageEvent.findMany({ where: { sessionId }, orderBy: { createdAt: "asc" } });

/** The series as the documentation defines it, from the events alone. */
function seriesFromEvents(events: readonly EventRow[], size: "HOUR" | "DAY", from: Date, to: Date) {
  const step = size === "HOUR" ? HOUR : DAY;
  const buckets: Bucket[] = [];
  for (let start = Math.floor(from.getTime() / step) * step; start < to.getTime(); start += step) {
    const lo = Math.max(start, from.getTime());
    const hi = Math.min(start + step, to.getTime());
    const inside = events.filter((e) => e.createdAt.getTime() >= lo && e.createdAt.getTime() < hi);
    const sum = (pick: (e: EventRow) => bigint) =>
      Number(inside.reduce((total, e) => total + pick(e), 0n));
    const cost = inside.reduce(
      (total, e) => (e.costUsd === null ? total : total.plus(e.costUsd)),
      new Prisma.Decimal(0),
    );
    const bucket = {
      start: new Date(start).toISOString(),
      inputTokens: sum((e) => e.inputTokens),
      outputTokens: sum((e) => e.outputTokens),
      cacheReadTokens: sum((e) => e.cacheReadTokens),
      cacheWriteTokens: sum((e) => e.cacheWriteTokens),
      reasoningTokens: sum((e) => e.reasoningTokens),
      apiCalls: inside.length,
      estimatedCostUsd: cost.toNumber(),
      unpricedCalls: inside.filter((e) => e.costUsd === null).length,
    };
    buckets.push({
      ...bucket,
      totalTokens:
        bucket.inputTokens + bucket.outputTokens + bucket.cacheReadTokens + bucket.cacheWriteTokens,
    });
  }
  return buckets;
}

async function series(
  token: string,
  sessionId: string,
  size: "HOUR" | "DAY",
  from: Date,
  to: Date,
) {
  const data = await api.ok<{ session: { usageSeries: Bucket[] } | null }>(
    SERIES,
    { id: sessionId, b: size, from: from.toISOString(), to: to.toISOString() },
    token,
  );
  return data.session === null ? null : data.session.usageSeries;
}

describe("usageSeries from the hourly rollup", () => {
  const seed = 20261130;
  it(`equals the series computed from the raw events, at random times and ranges (seed ${seed})`, async () => {
    const next = random(seed);
    const owner = await api.signUp();
    const { sessionId, context } = await sessionWithMessage(owner);
    // Another session's calls in the same hours must not show.
    const other = await sessionWithMessage(await api.signUp());

    const at = () => new Date(BASE + Math.floor(next() * SPAN_MS));
    for (let index = 0; index < 240; index += 1) {
      await recordUsage(api.prisma, context, randomCall(next, index), at());
      if (index % 4 === 0)
        await recordUsage(api.prisma, other.context, randomCall(next, index), at());
    }
    // Calls right at hour and day boundaries, and a millisecond either side of one.
    const edges = [BASE + DAY, BASE + DAY - 1, BASE + 30 * HOUR, BASE + 30 * HOUR + 1];
    for (const [offset, time] of edges.entries()) {
      await recordUsage(api.prisma, context, randomCall(next, 1000 + offset), new Date(time));
    }
    const events = await readEvents(sessionId);
    expect(events).toHaveLength(240 + edges.length);

    const ranges: ["HOUR" | "DAY", Date, Date][] = [
      ["HOUR", new Date(BASE), new Date(BASE + SPAN_MS)],
      ["DAY", new Date(BASE), new Date(BASE + SPAN_MS)],
      ["DAY", new Date(BASE - 3 * DAY), new Date(BASE + SPAN_MS + 2 * DAY)],
      ["HOUR", new Date(BASE + DAY - 1), new Date(BASE + DAY + 1)],
      ["HOUR", new Date(BASE + 30 * HOUR + 1), new Date(BASE + 30 * HOUR + 2)],
      ["DAY", new Date(BASE + 30 * HOUR + 1), new Date(BASE + 3 * DAY + 7)],
    ];
    for (let index = 0; index < 40; index += 1) {
      const from = BASE - HOUR + Math.floor(next() * (SPAN_MS + 2 * HOUR));
      // Short ranges (inside one hour), a few hours, and days.
      const length = [HOUR / 2, 5 * HOUR, 3 * DAY][index % 3] ?? HOUR;
      const to = from + 1 + Math.floor(next() * length);
      ranges.push([index % 2 === 0 ? "HOUR" : "DAY", new Date(from), new Date(to)]);
    }
    for (const [size, from, to] of ranges) {
      const got = await series(owner.token, sessionId, size, from, to);
      expect(got, `${size} ${from.toISOString()} → ${to.toISOString()}`).toEqual(
        seriesFromEvents(events, size, from, to),
      );
    }
    // The whole span adds up to the session's own totals (the other rollup).
    const all = await series(
      owner.token,
      sessionId,
      "DAY",
      new Date(BASE),
      new Date(BASE + SPAN_MS),
    );
    const totals = await api.prisma.sessionUsage.findUniqueOrThrow({ where: { sessionId } });
    expect(all?.reduce((sum, bucket) => sum + bucket.apiCalls, 0)).toBe(totals.apiCalls);
  });

  it("does not add a call recorded twice (a duplicate insert) to its hour", async () => {
    const owner = await api.signUp();
    const { sessionId, context } = await sessionWithMessage(owner);
    const call = randomCall(random(7), 0);
    const first = await recordUsage(api.prisma, context, call, new Date(BASE + 10 * HOUR + 5));
    // The same (message, attempt, call) again, later, even in another hour: nothing is added.
    const again = await recordUsage(api.prisma, context, call, new Date(BASE + 10 * HOUR + 6));
    const later = await recordUsage(api.prisma, context, call, new Date(BASE + 13 * HOUR));
    expect([first.inserted, again.inserted, later.inserted]).toEqual([true, false, false]);

    const hours = await api.prisma.sessionUsageHour.findMany({ where: { sessionId } });
    expect(hours.map((hour) => [hour.hour.toISOString(), hour.apiCalls])).toEqual([
      [new Date(BASE + 10 * HOUR).toISOString(), 1],
    ]);
    expect(hours[0]?.inputTokens).toBe(BigInt(call.inputTokens));
    const got = await series(owner.token, sessionId, "HOUR", new Date(BASE), new Date(BASE + DAY));
    expect(got?.filter((bucket) => bucket.apiCalls > 0)).toEqual([
      expect.objectContaining({
        start: new Date(BASE + 10 * HOUR).toISOString(),
        apiCalls: 1,
        inputTokens: call.inputTokens,
      }),
    ]);
  });

  it("still shows another user nothing of the session: null, not its buckets", async () => {
    const owner = await api.signUp();
    const { sessionId, context } = await sessionWithMessage(owner);
    await recordUsage(api.prisma, context, randomCall(random(9), 0), new Date(BASE + HOUR));
    const stranger = await api.signUp();
    expect(
      await series(stranger.token, sessionId, "DAY", new Date(BASE), new Date(BASE + DAY)),
    ).toBeNull();
    const own = await series(owner.token, sessionId, "DAY", new Date(BASE), new Date(BASE + DAY));
    expect(own?.[0]?.apiCalls).toBe(1);
  });
});
