import { randomBytes, randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentEventLog, parseKeyRing, type AgentEvent, type AgentRunInput } from "@agentry/core";
import { createVault } from "@agentry/core/secrets";
import { createTestDatabase, type TestDatabase } from "@agentry/prisma/testing";
import type { MessageRuntime } from "../src/messages/message-runtime.js";
import { runClaimedMessage, type MessageProcessorDeps } from "../src/messages/message.processor.js";
import { monthOf } from "../src/usage/usage.recorder.js";

// What an admin's decisions about an account do to its messages in the worker: a disabled
// sender's message does not run; a monthly budget stops messages as a session's budget does,
// counting every session the user sends in.

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

/** One call of claude-haiku-4-5: 1,000 tokens in and 100 out, $0.0015. */
const usage = (callIndex: number): AgentEvent => ({
  type: "usage",
  callIndex,
  provider: "ANTHROPIC",
  model: "claude-haiku-4-5",
  inputTokens: 1000,
  outputTokens: 100,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
});

/** An agent that makes up to five calls, stopping when told to (as a killed run ends). */
function spendingRuntime(): MessageRuntime & { runs: number } {
  const runtime = {
    name: "process",
    runs: 0,
    ensure: () => Promise.resolve(undefined),
    inspect: () => Promise.resolve({ state: "running" as const }),
    readJournal: () => Promise.resolve(null),
    stop: () => Promise.resolve(),
    async *run(
      _agentId: string,
      _input: AgentRunInput,
      options: { signal: AbortSignal },
    ): AsyncIterable<AgentEvent> {
      runtime.runs++;
      for (let call = 0; call < 5; call++) {
        await Promise.resolve();
        if (options.signal.aborted) {
          yield { type: "error", code: "AGENT_FAILED", message: "The run was aborted" };
          return;
        }
        yield usage(call);
      }
      yield { type: "done" };
    },
  };
  return runtime;
}

async function claimedMessage(user: { disabledAt?: Date; monthlyBudgetUsd?: number; id?: string }) {
  const author =
    user.id === undefined
      ? await db.prisma.user.create({
          data: {
            email: `u-${randomUUID()}@example.test`,
            passwordHash: "x",
            ...(user.disabledAt === undefined ? {} : { disabledAt: user.disabledAt }),
            ...(user.monthlyBudgetUsd === undefined
              ? {}
              : { monthlyBudgetUsd: user.monthlyBudgetUsd }),
          },
        })
      : { id: user.id };
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

describe("a monthly budget", () => {
  it("stops a run after the call that crosses it (counted), then refuses the user's next message in any session; a month is UTC", async () => {
    const runtime = spendingRuntime();
    // $0.0015 a call: the second call reaches $0.003, past $0.002.
    const first = await claimedMessage({ monthlyBudgetUsd: 0.002 });
    await runClaimedMessage(depsWith(runtime), first.messageId, 1, true);
    expect(
      await db.prisma.message.findUniqueOrThrow({ where: { id: first.messageId } }),
    ).toMatchObject({
      status: "FAILED",
      errorCode: "BUDGET_EXCEEDED",
      errorMessage:
        "You reached your monthly budget of $0.00 during the run; an admin can raise it",
    });
    expect(await db.prisma.usageEvent.count({ where: { messageId: first.messageId } })).toBe(2);
    const month = await db.prisma.userUsageMonth.findUniqueOrThrow({
      where: { userId_month: { userId: first.authorId, month: monthOf(new Date()) } },
    });
    expect({ apiCalls: month.apiCalls, costUsd: month.costUsd.toNumber() }).toEqual({
      apiCalls: 2,
      costUsd: 0.003,
    });

    // Another session of the same sender: refused before any call.
    const second = await claimedMessage({ id: first.authorId });
    await runClaimedMessage(depsWith(runtime), second.messageId, 1, true);
    expect(runtime.runs).toBe(1);
    const refused = await db.prisma.message.findUniqueOrThrow({ where: { id: second.messageId } });
    expect(refused.errorCode).toBe("BUDGET_EXCEEDED");
    expect(refused.errorMessage).toMatch(
      /^You reached your monthly budget of \$0\.00 \(spent \$0\.00 this month, UTC\)/,
    );

    // Raised: the next message runs, and its calls add to the month.
    await db.prisma.user.update({ where: { id: first.authorId }, data: { monthlyBudgetUsd: 1 } });
    const third = await claimedMessage({ id: first.authorId });
    await runClaimedMessage(depsWith(runtime), third.messageId, 1, true);
    expect(
      (await db.prisma.message.findUniqueOrThrow({ where: { id: third.messageId } })).status,
    ).toBe("DONE");
    const after = await db.prisma.userUsageMonth.findUniqueOrThrow({
      where: { userId_month: { userId: first.authorId, month: monthOf(new Date()) } },
    });
    expect(after.apiCalls).toBe(7);

    expect(monthOf(new Date("2026-03-31T23:59:59.999Z")).toISOString()).toBe(
      "2026-03-01T00:00:00.000Z",
    );
    expect(monthOf(new Date("2026-04-01T00:00:00.000Z")).toISOString()).toBe(
      "2026-04-01T00:00:00.000Z",
    );
  });
});
