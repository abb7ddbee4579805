import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "../src/index.js";
import { applyMigrations, createTestDatabase, type TestDatabase } from "../src/testing.js";

// The migration that adds the hourly usage rollup fills it from the events recorded before it:
// every (session, UTC hour) of those events, summed, and nothing else.

const MIGRATION = "20261130154314_session_usage_hours";
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase("prisma_backfill", { before: MIGRATION });
});
afterAll(async () => {
  await db.drop();
});

// The rows are written through today's client, which knows columns later migrations add: each
// create returns only its id.
const id = { id: true } as const;

async function sessionWithMessage(name: string) {
  const user = await db.prisma.user.create({
    data: { email: `${name}@example.test`, passwordHash: "x" },
    select: id,
  });
  const session = await db.prisma.session.create({
    data: { ownerId: user.id, name },
    select: id,
  });
  // Written in SQL: the client would insert Agent.eventSeqCeiling's default, a later column.
  const agent = { id: randomUUID() };
  await db.prisma.$executeRaw`
    INSERT INTO "Agent" (id, "sessionId", kind, provider, model, "updatedAt")
    VALUES (${agent.id}::uuid, ${session.id}::uuid, 'CHAT', 'ANTHROPIC', 'm', now())`;
  const message = await db.prisma.message.create({
    data: { agentId: agent.id, authorId: user.id, role: "USER", text: "hi", status: "DONE" },
    select: id,
  });
  return { sessionId: session.id, agentId: agent.id, messageId: message.id };
}

describe("the session_usage_hours migration", () => {
  it("rolls the events already recorded up into their sessions' UTC hours", async () => {
    const a = await sessionWithMessage("a");
    const b = await sessionWithMessage("b");
    const events = [
      { ids: a, at: "2026-03-01T10:00:00.000Z", input: 1n, cost: "0.100000001" },
      { ids: a, at: "2026-03-01T10:59:59.999Z", input: 2n, cost: null },
      { ids: a, at: "2026-03-01T11:00:00.000Z", input: 4n, cost: "0.25" },
      { ids: a, at: "2026-03-02T23:30:00.000Z", input: 8n, cost: "1" },
      { ids: b, at: "2026-03-01T10:30:00.000Z", input: 16n, cost: null },
    ];
    for (const [callIndex, event] of events.entries()) {
      await db.prisma.usageEvent.create({
        data: {
          ...event.ids,
          attempt: 1,
          callIndex,
          provider: "ANTHROPIC",
          model: "m",
          keySource: "SESSION",
          inputTokens: event.input,
          outputTokens: event.input * 10n,
          cacheReadTokens: 1n,
          cacheWriteTokens: 2n,
          reasoningTokens: 3n,
          costUsd: event.cost === null ? null : new Prisma.Decimal(event.cost),
          createdAt: new Date(event.at),
        },
      });
    }

    await applyMigrations(db.url, { from: MIGRATION });

    const hours = await db.prisma.sessionUsageHour.findMany({
      orderBy: [{ hour: "asc" }, { inputTokens: "asc" }],
    });
    expect(
      hours.map((h) => ({
        session: h.sessionId === a.sessionId ? "a" : "b",
        hour: h.hour.toISOString(),
        input: h.inputTokens,
        output: h.outputTokens,
        cacheRead: h.cacheReadTokens,
        cacheWrite: h.cacheWriteTokens,
        reasoning: h.reasoningTokens,
        calls: h.apiCalls,
        unpriced: h.unpricedCalls,
        cost: h.costUsd.toString(),
      })),
    ).toEqual([
      {
        session: "a",
        hour: "2026-03-01T10:00:00.000Z",
        input: 3n,
        output: 30n,
        cacheRead: 2n,
        cacheWrite: 4n,
        reasoning: 6n,
        calls: 2,
        unpriced: 1,
        cost: "0.100000001",
      },
      {
        session: "b",
        hour: "2026-03-01T10:00:00.000Z",
        input: 16n,
        output: 160n,
        cacheRead: 1n,
        cacheWrite: 2n,
        reasoning: 3n,
        calls: 1,
        unpriced: 1,
        cost: "0",
      },
      {
        session: "a",
        hour: "2026-03-01T11:00:00.000Z",
        input: 4n,
        output: 40n,
        cacheRead: 1n,
        cacheWrite: 2n,
        reasoning: 3n,
        calls: 1,
        unpriced: 0,
        cost: "0.25",
      },
      {
        session: "a",
        hour: "2026-03-02T23:00:00.000Z",
        input: 8n,
        output: 80n,
        cacheRead: 1n,
        cacheWrite: 2n,
        reasoning: 3n,
        calls: 1,
        unpriced: 0,
        cost: "1",
      },
    ]);
  });
});
