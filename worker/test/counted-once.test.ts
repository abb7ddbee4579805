import { randomBytes, randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentEventLog, parseKeyRing, type AgentEvent, type UsageRecord } from "@agentry/core";
import { createVault } from "@agentry/core/secrets";
import { createTestDatabase, type TestDatabase } from "@agentry/prisma/testing";
import { recoverInterruptedRun } from "../src/messages/interrupted-run.js";
import type { MessageProcessorDeps } from "../src/messages/message.processor.js";
import type { MessageRuntime } from "../src/messages/message-runtime.js";
import { recordUsage } from "../src/usage/usage.recorder.js";

// "Counted once", tested directly: BullMQ delivers at least once, so the same provider call can
// reach the recorder twice (a worker that recorded it and died before acknowledging, or a
// takeover replaying the dead worker's journal). The session's rollup must grow once.

let db: TestDatabase;
const redis = new Redis(process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379");
const namespace = `counted-once-${randomUUID()}:`;

beforeAll(async () => {
  db = await createTestDatabase("worker_counted_once");
});
afterAll(async () => {
  await db.drop();
  await redis.quit();
});

const call = (callIndex: number): UsageRecord => ({
  type: "usage",
  callIndex,
  provider: "ANTHROPIC",
  model: "claude-haiku-4-5",
  inputTokens: 1000 + callIndex,
  outputTokens: 200,
  cacheReadTokens: 300,
  cacheWriteTokens: 40,
  reasoningTokens: 5,
});

async function runningMessage() {
  const user = await db.prisma.user.create({
    data: { email: `u-${randomUUID()}@example.test`, passwordHash: "x" },
  });
  const session = await db.prisma.session.create({ data: { ownerId: user.id, name: "s" } });
  const agent = await db.prisma.agent.create({
    data: { sessionId: session.id, kind: "CHAT", provider: "ANTHROPIC", model: "claude-haiku-4-5" },
  });
  const message = await db.prisma.message.create({
    data: {
      agentId: agent.id,
      authorId: user.id,
      role: "USER",
      text: "hello",
      status: "RUNNING",
      keySource: "SESSION",
    },
  });
  return { sessionId: session.id, agentId: agent.id, messageId: message.id };
}

const rollup = (sessionId: string) =>
  db.prisma.sessionUsage.findUniqueOrThrow({ where: { sessionId } });

describe("a provider call reported twice", () => {
  it("adds to the session's tokens, calls and cost once", async () => {
    const { sessionId, agentId, messageId } = await runningMessage();
    const context = { sessionId, agentId, messageId, attempt: 1, keySource: "SESSION" as const };

    const first = await recordUsage(db.prisma, context, call(0));
    const again = await recordUsage(db.prisma, context, call(0));

    expect([first.inserted, again.inserted]).toEqual([true, false]);
    const totals = await rollup(sessionId);
    expect(totals.apiCalls).toBe(1);
    expect(totals.inputTokens).toBe(1000n);
    expect(totals.outputTokens).toBe(200n);
    expect(totals.cacheReadTokens).toBe(300n);
    expect(totals.cacheWriteTokens).toBe(40n);
    expect(totals.reasoningTokens).toBe(5n);
    expect(totals.costUsd.toNumber()).toBeCloseTo(first.costUsd ?? Number.NaN, 9);
    expect(await db.prisma.usageEvent.count({ where: { messageId } })).toBe(1);
  });

  it("adds to its hour in the hourly rollup once, even when reported again in a later hour", async () => {
    const { sessionId, agentId, messageId } = await runningMessage();
    const context = { sessionId, agentId, messageId, attempt: 1, keySource: "SESSION" as const };
    const at = new Date("2026-07-01T10:59:59.999Z");

    await recordUsage(db.prisma, context, call(0), at);
    await recordUsage(db.prisma, context, call(0), at);
    await recordUsage(db.prisma, context, call(0), new Date("2026-07-01T11:00:00.000Z"));

    const hours = await db.prisma.sessionUsageHour.findMany({ where: { sessionId } });
    expect(hours).toHaveLength(1);
    expect(hours[0]).toMatchObject({
      hour: new Date("2026-07-01T10:00:00.000Z"),
      apiCalls: 1,
      inputTokens: 1000n,
      outputTokens: 200n,
      unpricedCalls: 0,
    });
    expect(hours[0]?.costUsd.toString()).toBe((await rollup(sessionId)).costUsd.toString());
  });

  it("counts the same call of a re-run (a new attempt) again: it was a new, billed call", async () => {
    const { sessionId, agentId, messageId } = await runningMessage();
    const base = { sessionId, agentId, messageId, keySource: "SESSION" as const };
    await recordUsage(db.prisma, { ...base, attempt: 1 }, call(0));
    await recordUsage(db.prisma, { ...base, attempt: 2 }, call(0));
    expect((await rollup(sessionId)).apiCalls).toBe(2);
  });
});

describe("a takeover replaying a journal whose usage is already recorded", () => {
  it("grows the rollup only by the calls not yet counted, and settles the message", async () => {
    const { sessionId, agentId, messageId } = await runningMessage();
    const context = { sessionId, agentId, messageId, attempt: 1, keySource: "SESSION" as const };
    // The dead worker counted call 0 before it died; the journal has calls 0 and 1.
    const counted = await recordUsage(db.prisma, context, call(0));
    const journal: AgentEvent[] = [
      { type: "text", delta: "hel" },
      call(0),
      { type: "text", delta: "lo" },
      call(1),
      { type: "done" },
    ];
    // Only the journal is read in a takeover: a runtime whose environment holds this journal.
    const runtime: MessageRuntime = {
      name: "process",
      ensure: () => Promise.resolve(undefined),
      inspect: () => Promise.resolve({ state: "running" }),
      run: () => {
        throw new Error("a takeover never runs the message again");
      },
      readJournal: (agent, message, attempt) =>
        Promise.resolve(
          agent === agentId && message === messageId && attempt === 1
            ? journal.map((event) => JSON.stringify(event)).join("\n")
            : null,
        ),
      stop: () => Promise.resolve(),
    };
    const deps: MessageProcessorDeps = {
      prisma: db.prisma,
      runtime,
      events: new AgentEventLog(redis, namespace),
      publisher: redis,
      topicNamespace: namespace,
      resolve: {
        prisma: db.prisma,
        vault: createVault(parseKeyRing(randomBytes(32).toString("hex"))),
        systemKeys: {},
        allowSystemKeys: false,
      },
      baseUrls: {},
      runTimeLimitMs: 60_000,
      logger: pino({ level: "silent" }),
    };

    await recoverInterruptedRun(deps, messageId, 1, { settleMs: 1000 });
    // A second takeover (the recovering worker died too) changes nothing.
    await recoverInterruptedRun(deps, messageId, 1, { settleMs: 1000 });

    const totals = await rollup(sessionId);
    expect(totals.apiCalls).toBe(2);
    expect(totals.inputTokens).toBe(1000n + 1001n);
    const second = await db.prisma.usageEvent.findFirstOrThrow({
      where: { messageId, callIndex: 1 },
    });
    expect(totals.costUsd.toNumber()).toBeCloseTo(
      (counted.costUsd ?? 0) + (second.costUsd?.toNumber() ?? 0),
      9,
    );
    const message = await db.prisma.message.findUniqueOrThrow({ where: { id: messageId } });
    expect(message.status).toBe("DONE");
  });
});
