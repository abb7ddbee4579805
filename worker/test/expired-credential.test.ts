import { randomBytes, randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentEventLog, credentialIdentityOf, parseKeyRing, sealedColumns } from "@agentry/core";
import { createVault } from "@agentry/core/secrets";
import { createTestDatabase, type TestDatabase } from "@agentry/prisma/testing";
import { runClaimedMessage } from "../src/messages/message.processor.js";
import type { MessageRuntime } from "../src/messages/message-runtime.js";

// An expired subscription that cannot be refreshed (issue 8): the message fails
// AUTHENTICATION_FAILED before any run, naming the credential and the fix; the credential is
// marked refused; nothing retries. The runtime records every call: none may reach it.

let db: TestDatabase;
const redis = new Redis(process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379");
const namespace = `expired-credential-${randomUUID()}:`;
const vault = createVault(parseKeyRing(randomBytes(32).toString("hex")));
const calls: string[] = [];
// Not annotated at the literal: the runtime interface may grow members this test never reaches.
const recording = {
  name: "recording",
  ensure: () => {
    calls.push("ensure");
    return Promise.reject(new Error("no run may start"));
  },
  run: () => {
    calls.push("run");
    throw new Error("no run may start");
  },
  readJournal: () => Promise.resolve(null),
  stop: () => Promise.resolve(),
  inspect: () => Promise.resolve({ state: "missing" as const }),
};
const runtime: MessageRuntime = recording;

beforeAll(async () => {
  db = await createTestDatabase("worker_expired_credential");
});
afterAll(async () => {
  await db.drop();
  const keys = await redis.keys(`${namespace}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describe("a message whose only credential expired and cannot be refreshed", () => {
  it("fails AUTHENTICATION_FAILED before any run, names it and the fix, marks it refused, no retry", async () => {
    const user = await db.prisma.user.create({
      data: { email: `u-${randomUUID()}@example.test`, passwordHash: "x" },
    });
    const session = await db.prisma.session.create({ data: { ownerId: user.id, name: "s" } });
    const agent = await db.prisma.agent.create({
      data: {
        sessionId: session.id,
        kind: "CLAUDE_CODE",
        provider: "ANTHROPIC",
        model: "claude-haiku-4-5",
      },
    });
    const id = randomUUID();
    const secret = `sk-ant-oat01-${randomBytes(30).toString("base64url")}`;
    const identity = credentialIdentityOf({
      id,
      userId: user.id,
      sessionId: null,
      provider: "ANTHROPIC",
      kind: "SUBSCRIPTION",
    });
    await db.prisma.credential.create({
      data: {
        id,
        userId: user.id,
        provider: "ANTHROPIC",
        kind: "SUBSCRIPTION",
        ...sealedColumns(vault.seal(identity, secret)),
        hint: secret.slice(-4),
        expiresAt: new Date(Date.now() - 60_000),
        refreshable: false,
      },
    });
    const message = await db.prisma.message.create({
      data: { agentId: agent.id, authorId: user.id, role: "USER", text: "hi", status: "RUNNING" },
    });

    const outcome = await runClaimedMessage(
      {
        prisma: db.prisma,
        runtime,
        events: new AgentEventLog(redis, namespace),
        publisher: redis,
        topicNamespace: namespace,
        resolve: { prisma: db.prisma, systemKeys: {}, allowSystemKeys: false, vault },
        baseUrls: {},
        runTimeLimitMs: 60_000,
        logger: pino({ level: "silent" }),
      },
      message.id,
      1,
      true,
    );

    expect(outcome).toEqual({ kind: "done" });
    expect(calls).toEqual([]);
    const failed = await db.prisma.message.findUniqueOrThrow({ where: { id: message.id } });
    expect(failed.status).toBe("FAILED");
    expect(failed.errorCode).toBe("AUTHENTICATION_FAILED");
    expect(failed.errorMessage).toContain(`(…${secret.slice(-4)})`);
    expect(failed.errorMessage).toMatch(/Your account's Anthropic .*claude setup-token/);
    expect(failed.errorMessage).not.toContain(secret.slice(0, -4));
    const row = await db.prisma.credential.findUniqueOrThrow({ where: { id } });
    expect(row.refusedAt).not.toBeNull();
    expect(row.version).toBe(1);
  });
});
