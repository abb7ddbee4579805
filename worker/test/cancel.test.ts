import { randomBytes, randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AgentEventLog,
  parseKeyRing,
  requestMessageCancel,
  type AgentEvent,
  type AgentRunInput,
} from "@agentry/core";
import { createVault } from "@agentry/core/secrets";
import { createTestDatabase, type TestDatabase } from "@agentry/prisma/testing";
import { listenForCancels, type CancelRequests } from "../src/messages/cancel-requests.js";
import { recoverInterruptedRun } from "../src/messages/interrupted-run.js";
import type { MessageRuntime } from "../src/messages/message-runtime.js";
import { runClaimedMessage, type MessageProcessorDeps } from "../src/messages/message.processor.js";

// Stopping a run (cancelMessage's worker half), with a scripted runtime whose agent makes two
// provider calls and then works on until it is stopped: the stop reaches the run through Redis,
// both calls are counted exactly, the text so far is kept, and the message ends CANCELLED.

let db: TestDatabase;
const redis = new Redis(process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379");
const namespace = `cancel-${randomUUID()}:`;
const events = new AgentEventLog(redis, namespace);
let cancels: CancelRequests;

beforeAll(async () => {
  db = await createTestDatabase("worker_cancel");
  cancels = await listenForCancels(redis, namespace, pino({ level: "silent" }));
});
afterAll(async () => {
  await cancels.close();
  await db.drop();
  const keys = await redis.keys(`${namespace}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

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

/** An agent that writes, makes two calls, then waits for its stop (as a killed run ends). */
function scriptedRuntime(started: () => void): MessageRuntime & { runs: number } {
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
      yield { type: "text", delta: "Working on " };
      yield usage(0);
      yield { type: "text", delta: "it…" };
      yield usage(1);
      started();
      await new Promise<void>((resolve) => {
        if (options.signal.aborted) resolve();
        options.signal.addEventListener("abort", () => {
          resolve();
        });
      });
      yield { type: "error", code: "AGENT_FAILED", message: "The run was aborted" };
    },
  };
  return runtime;
}

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
      text: "a long job",
      status: "RUNNING",
      startedAt: new Date(),
    },
  });
  return { sessionId: session.id, agentId: agent.id, messageId: message.id };
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
    cancels,
  };
}

const told = async (agentId: string) =>
  (await events.replay(agentId, 0)).map((json) => JSON.parse(json) as { type: string });

describe("a stop request", () => {
  it("stops the run: both calls counted, the text so far kept, CANCELLED after IDLE", async () => {
    const { sessionId, agentId, messageId } = await runningMessage();
    let started!: () => void;
    const midRun = new Promise<void>((resolve) => {
      started = resolve;
    });
    const runtime = scriptedRuntime(started);
    const run = runClaimedMessage(depsWith(runtime), messageId, 1, true);
    await midRun;
    await requestMessageCancel(redis, namespace, messageId);
    expect(await run).toEqual({ kind: "done" });

    const message = await db.prisma.message.findUniqueOrThrow({ where: { id: messageId } });
    expect(message).toMatchObject({ status: "CANCELLED", errorCode: null, errorMessage: null });
    expect(message.finishedAt).not.toBeNull();
    const reply = await db.prisma.message.findFirstOrThrow({ where: { replyToId: messageId } });
    expect(reply).toMatchObject({ role: "ASSISTANT", status: "CANCELLED", text: "Working on it…" });
    const totals = await db.prisma.sessionUsage.findUniqueOrThrow({ where: { sessionId } });
    expect(totals.apiCalls).toBe(2);
    expect(totals.inputTokens).toBe(2000n);
    expect(await db.prisma.usageEvent.count({ where: { messageId } })).toBe(2);
    expect((await db.prisma.agent.findUniqueOrThrow({ where: { id: agentId } })).status).toBe(
      "IDLE",
    );
    const types = (await told(agentId)).map((event) => event.type);
    expect(types.slice(-2)).toEqual(["STATUS", "CANCELLED"]);
    expect(types).not.toContain("ERROR");
  });

  it("made before the run starts: nothing runs, nothing is spent", async () => {
    const { sessionId, messageId } = await runningMessage();
    const runtime = scriptedRuntime(() => undefined);
    await requestMessageCancel(redis, namespace, messageId);
    expect(await runClaimedMessage(depsWith(runtime), messageId, 1, true)).toEqual({
      kind: "done",
    });
    expect(runtime.runs).toBe(0);
    expect((await db.prisma.message.findUniqueOrThrow({ where: { id: messageId } })).status).toBe(
      "CANCELLED",
    );
    expect(await db.prisma.message.count({ where: { replyToId: messageId } })).toBe(0);
    expect(await db.prisma.sessionUsage.findUnique({ where: { sessionId } })).toBeNull();
  });

  it("made while no worker listened (its worker died mid-run): the takeover stops the orphan at once and ends it CANCELLED, counting its journal", async () => {
    const { sessionId, agentId, messageId } = await runningMessage();
    const journal = [{ type: "text", delta: "Half" }, usage(0), { type: "text", delta: " done" }]
      .map((event) => JSON.stringify(event))
      .join("\n");
    let stops = 0;
    const runtime: MessageRuntime = {
      ...scriptedRuntime(() => undefined),
      // The orphan goes on (no terminal event) until its environment is stopped.
      readJournal: () => Promise.resolve(journal),
      inspect: () => Promise.resolve({ state: "running" }),
      stop: () => {
        stops++;
        return Promise.resolve();
      },
    };
    await requestMessageCancel(redis, namespace, messageId);
    const startedAt = Date.now();
    await recoverInterruptedRun(depsWith(runtime), messageId, 1, { settleMs: 20_000 });

    // Not the 20 s the orphan would otherwise be given.
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    expect(stops).toBe(1);
    const message = await db.prisma.message.findUniqueOrThrow({ where: { id: messageId } });
    expect(message.status).toBe("CANCELLED");
    const reply = await db.prisma.message.findFirstOrThrow({ where: { replyToId: messageId } });
    expect(reply).toMatchObject({ status: "CANCELLED", text: "Half done" });
    expect(
      (await db.prisma.sessionUsage.findUniqueOrThrow({ where: { sessionId } })).apiCalls,
    ).toBe(1);
    expect((await told(agentId)).map((event) => event.type).at(-1)).toBe("CANCELLED");
  });
});
