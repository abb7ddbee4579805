import { randomBytes, randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentEventLog, parseKeyRing, type AgentEvent } from "@agentry/core";
import { createVault } from "@agentry/core/secrets";
import { createTestDatabase, type TestDatabase } from "@agentry/prisma/testing";
import type { MessageRuntime } from "../src/messages/message-runtime.js";
import { runClaimedMessage, type MessageProcessorDeps } from "../src/messages/message.processor.js";

// What an admin's decisions about an account do to its messages in the worker: a disabled
// sender's message does not run.

let db: TestDatabase;
const redis = new Redis(process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379");
const namespace = `account-limits-${randomUUID()}:`;
const events = new AgentEventLog(redis, namespace);

beforeAll(async () => {
  db = await createTestDatabase("worker_account_limits");
});
afterAll(async () => {
  await db.drop();
  const keys = await redis.keys(`${namespace}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

/** An agent that answers with one provider call; counts its runs. */
function countingRuntime(): MessageRuntime & { runs: number } {
  const runtime = {
    name: "process",
    runs: 0,
    ensure: () => Promise.resolve(undefined),
    inspect: () => Promise.resolve({ state: "running" as const }),
    readJournal: () => Promise.resolve(null),
    stop: () => Promise.resolve(),
    async *run(): AsyncIterable<AgentEvent> {
      runtime.runs++;
      await Promise.resolve();
      yield { type: "text", delta: "done" };
      yield { type: "done" };
    },
  };
  return runtime;
}

async function claimedMessage(user: { disabledAt?: Date }) {
  const author = await db.prisma.user.create({
    data: { email: `u-${randomUUID()}@example.test`, passwordHash: "x", ...user },
  });
  const session = await db.prisma.session.create({ data: { ownerId: author.id, name: "s" } });
  const agent = await db.prisma.agent.create({
    data: { sessionId: session.id, kind: "CHAT", provider: "ANTHROPIC", model: "claude-haiku-4-5" },
  });
  const message = await db.prisma.message.create({
    data: {
      agentId: agent.id,
      authorId: author.id,
      role: "USER",
      text: "hello",
      status: "RUNNING",
      startedAt: new Date(),
    },
  });
  return { authorId: author.id, sessionId: session.id, messageId: message.id };
}

function depsWith(runtime: MessageRuntime): MessageProcessorDeps {
  return {
    prisma: db.prisma,
    runtime,
    events,
    publisher: redis,
    topicNamespace: namespace,
    resolve: {
      prisma: db.prisma,
      vault: createVault(parseKeyRing(randomBytes(32).toString("hex"))),
      systemKeys: { ANTHROPIC: `sk-ant-api03-${randomBytes(24).toString("base64url")}` },
      allowSystemKeys: true,
    },
    baseUrls: {},
    runTimeLimitMs: 60_000,
    logger: pino({ level: "silent" }),
  };
}

describe("a disabled sender", () => {
  it("their message fails FORBIDDEN without running; an enabled sender's runs", async () => {
    const runtime = countingRuntime();
    const disabled = await claimedMessage({ disabledAt: new Date() });
    expect(await runClaimedMessage(depsWith(runtime), disabled.messageId, 1, true)).toEqual({
      kind: "done",
    });
    expect(runtime.runs).toBe(0);
    expect(
      await db.prisma.message.findUniqueOrThrow({ where: { id: disabled.messageId } }),
    ).toMatchObject({
      status: "FAILED",
      errorCode: "FORBIDDEN",
      errorMessage: "The sender's account is disabled; this message was not run",
    });

    const enabled = await claimedMessage({});
    await runClaimedMessage(depsWith(runtime), enabled.messageId, 1, true);
    expect(runtime.runs).toBe(1);
    expect(
      (await db.prisma.message.findUniqueOrThrow({ where: { id: enabled.messageId } })).status,
    ).toBe("DONE");
  });
});
