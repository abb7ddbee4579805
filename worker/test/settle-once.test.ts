import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentEventLog, AppError } from "@agentry/core";
import { createTestDatabase, type TestDatabase } from "@agentry/prisma/testing";
import { completeMessage, failMessage } from "../src/messages/message-outcome.js";

// Two workers can end up settling the same run: after Redis lost its queue, a message that ran on
// one worker is enqueued again and taken over (from the journal) by another while the first
// finishes it. The message is settled once: one reply, one DONE, whoever comes second changes
// nothing and tells nobody.

let db: TestDatabase;
const redis = new Redis(process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379");
const namespace = `settle-once-${randomUUID()}:`;
const events = new AgentEventLog(redis, namespace);

beforeAll(async () => {
  db = await createTestDatabase("worker_settle_once");
});
afterAll(async () => {
  await db.drop();
  const keys = await redis.keys(`${namespace}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
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
    data: { agentId: agent.id, authorId: user.id, role: "USER", text: "hi", status: "RUNNING" },
  });
  return { ...message, startedAt: new Date(), agent: { kind: agent.kind } };
}

const told = async (agentId: string): Promise<string[]> =>
  (await events.replay(agentId, 0)).map((json) => (JSON.parse(json) as { type: string }).type);

describe("settling a message", () => {
  it("twice at once gives one reply and one DONE", async () => {
    const message = await runningMessage();
    const deps = { prisma: db.prisma, events };
    const settled = await Promise.all([
      completeMessage(deps, message, "the reply"),
      completeMessage(deps, message, "the reply"),
    ]);
    expect(settled.sort()).toEqual([false, true]);
    const replies = await db.prisma.message.findMany({ where: { replyToId: message.id } });
    expect(replies.map((reply) => reply.text)).toEqual(["the reply"]);
    expect((await told(message.agentId)).filter((type) => type === "DONE")).toEqual(["DONE"]);
  });

  it("as failed after it was done changes nothing", async () => {
    const message = await runningMessage();
    const deps = { prisma: db.prisma, events };
    expect(await completeMessage(deps, message, "the reply")).toBe(true);
    expect(
      await failMessage(deps, message, new AppError("AGENT_FAILED", "Interrupted"), "partial"),
    ).toBe(false);
    const stored = await db.prisma.message.findUniqueOrThrow({ where: { id: message.id } });
    expect({ status: stored.status, errorCode: stored.errorCode }).toEqual({
      status: "DONE",
      errorCode: null,
    });
    expect(await db.prisma.message.count({ where: { replyToId: message.id } })).toBe(1);
    expect(await told(message.agentId)).not.toContain("ERROR");
  });
});
