import { randomBytes, randomUUID } from "node:crypto";
import type { Job } from "bullmq";
import { Redis } from "ioredis";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AgentEventLog,
  AgentRunLog,
  agentRunLogKey,
  parseKeyRing,
  RUN_LOG_LENGTH,
  RUN_LOG_OUTPUT_CHARS,
  type AgentEvent,
  type AgentRunInput,
  type AgentRunLogEntry,
} from "@agentry/core";
import { createVault } from "@agentry/core/secrets";
import { createTestDatabase, type TestDatabase } from "@agentry/prisma/testing";
import { createAgentControlProcessor } from "../src/agents/agent-control.job.js";
import type { MessageRuntime } from "../src/messages/message-runtime.js";
import { runClaimedMessage, type MessageProcessorDeps } from "../src/messages/message.processor.js";
import { secretsOf, toRunLogEntry } from "../src/messages/run-log.js";
import type { AgentRuntime } from "../src/runtime/index.js";

// The agent's run log (Agent.logs): after each message settles, one entry with how the run
// ended, its calls and its stderr tail — with the run's secret, every token inside a JSON
// secret and anything token-shaped taken out — capped per agent, gone with the agent.

let db: TestDatabase;
const redis = new Redis(process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379");
const namespace = `run-log-${randomUUID()}:`;
const events = new AgentEventLog(redis, namespace);
const runLog = new AgentRunLog(redis, namespace);

// A subscription secret as Claude Code keeps it: the tokens inside are secrets of their own.
const accessToken = `sk-ant-oat01-${randomBytes(30).toString("base64url")}`;
const refreshToken = `rt${randomBytes(30).toString("hex")}`; // no known token shape
const jsonSecret = JSON.stringify({
  claudeAiOauth: { accessToken, refreshToken, expiresAt: 4_102_444_800_000, scopes: ["user"] },
});
// Someone else's key the CLI happened to print: caught by its shape alone.
const strayKey = `sk-ant-api03-${randomBytes(24).toString("base64url")}`;

beforeAll(async () => {
  db = await createTestDatabase("worker_run_log");
});
afterAll(async () => {
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

/** An agent that makes two calls, prints its secret every way it could to stderr, and fails. */
function leakyRuntime(): MessageRuntime {
  return {
    name: "process",
    ensure: () => Promise.resolve(undefined),
    inspect: () => Promise.resolve({ state: "running" as const }),
    readJournal: () => Promise.resolve(null),
    stop: () => Promise.resolve(),
    async *run(
      _agentId: string,
      input: AgentRunInput,
      options: { signal: AbortSignal; onOutput?: (stderrTail: string) => void },
    ): AsyncIterable<AgentEvent> {
      await Promise.resolve(); // a real run awaits its agent
      yield { type: "text", delta: "Trying" };
      yield usage(0);
      yield usage(1);
      options.onOutput?.(
        [
          "starting the CLI",
          `credential: ${input.credential.secret}`,
          `refreshing with ${refreshToken}`,
          `Authorization: Bearer ${accessToken}`,
          `fallback key ${strayKey}`,
          "401 Unauthorized: invalid x-api-key",
        ].join("\n"),
      );
      yield { type: "error", code: "AUTHENTICATION_FAILED", message: "401 invalid x-api-key" };
    },
  };
}

async function queuedMessage(agentId?: string) {
  const user = await db.prisma.user.create({
    data: { email: `u-${randomUUID()}@example.test`, passwordHash: "x" },
  });
  const agent =
    agentId === undefined
      ? await db.prisma.agent.create({
          data: {
            session: { create: { ownerId: user.id, name: "s" } },
            kind: "CHAT",
            provider: "ANTHROPIC",
            model: "claude-haiku-4-5",
          },
        })
      : { id: agentId };
  const message = await db.prisma.message.create({
    data: {
      agentId: agent.id,
      authorId: user.id,
      role: "USER",
      text: "hello",
      status: "RUNNING",
      startedAt: new Date(),
    },
  });
  return { agentId: agent.id, messageId: message.id };
}

function depsNow(): MessageProcessorDeps {
  return {
    prisma: db.prisma,
    runtime: leakyRuntime(),
    events,
    publisher: redis,
    topicNamespace: namespace,
    resolve: {
      prisma: db.prisma,
      vault: createVault(parseKeyRing(randomBytes(32).toString("hex"))),
      systemKeys: { ANTHROPIC: jsonSecret },
      allowSystemKeys: true,
    },
    baseUrls: {},
    runTimeLimitMs: 60_000,
    logger: pino({ level: "silent" }),
    runLog,
  };
}

/** The log once it holds `count` entries (it is written after the message settles). */
async function entries(agentId: string, count: number): Promise<AgentRunLogEntry[]> {
  for (let tries = 0; tries < 100; tries++) {
    const found = await runLog.recent(agentId, RUN_LOG_LENGTH);
    if (found.length >= count) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`the run log of ${agentId} never reached ${count} entries`);
}

describe("the agent's run log", () => {
  it("records a failed run with its error, calls and output, and no secret in it", async () => {
    const { agentId, messageId } = await queuedMessage();
    expect(await runClaimedMessage(depsNow(), messageId, 1, false)).toEqual({ kind: "done" });
    const [entry] = await entries(agentId, 1);
    expect(entry).toMatchObject({
      messageId,
      outcome: "FAILED",
      errorCode: "AUTHENTICATION_FAILED",
      calls: 2,
    });
    expect(Date.parse(entry!.endedAt)).toBeGreaterThanOrEqual(Date.parse(entry!.startedAt));
    expect(entry!.output).toContain("starting the CLI");
    expect(entry!.output).toContain("401 Unauthorized: invalid x-api-key");
    expect(entry!.output).toContain("[redacted]");
    const stored = JSON.stringify(await redis.lrange(agentRunLogKey(agentId, namespace), 0, -1));
    for (const secret of [jsonSecret, accessToken, refreshToken, strayKey]) {
      expect(stored).not.toContain(secret);
      // JSON.stringify escapes the quotes of the whole JSON secret; check the raw value too
      expect(entry!.output).not.toContain(secret);
    }
    expect(stored).not.toContain(refreshToken.slice(0, 24));
  });

  it("keeps the last 20 runs, newest first, and goes with the agent", async () => {
    const first = await queuedMessage();
    const messageIds = [first.messageId];
    for (let i = 1; i < RUN_LOG_LENGTH + 3; i++) {
      messageIds.push((await queuedMessage(first.agentId)).messageId);
    }
    for (const messageId of messageIds) await runClaimedMessage(depsNow(), messageId, 1, false);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const kept = await entries(first.agentId, RUN_LOG_LENGTH);
    expect(kept.map((entry) => entry.messageId)).toEqual(
      messageIds.slice(-RUN_LOG_LENGTH).reverse(),
    );
    expect(await redis.llen(agentRunLogKey(first.agentId, namespace))).toBe(RUN_LOG_LENGTH);
    expect((await runLog.recent(first.agentId, 3)).length).toBe(3);

    // removeAgent's control job: the environment, the event history and the run log go
    const removed: string[] = [];
    const runtime = {
      remove: (agentId: string) => {
        removed.push(agentId);
        return Promise.resolve();
      },
    } as unknown as AgentRuntime;
    const control = createAgentControlProcessor({ runtime, events });
    await control({ data: { type: "removeAgent", agentId: first.agentId } } as unknown as Job);
    expect(removed).toEqual([first.agentId]);
    expect(await redis.exists(agentRunLogKey(first.agentId, namespace))).toBe(0);
    expect(await runLog.recent(first.agentId)).toEqual([]);
  });
});

describe("a run's entry", () => {
  const draft = (secret: string, output: string) => ({
    messageId: randomUUID(),
    agentId: randomUUID(),
    startedAt: new Date(),
    secret,
    output,
    calls: 0,
    ended: { outcome: "FAILED" as const, error: { code: "AGENT_FAILED", message: `no ${secret}` } },
  });

  it("redacts a secret of no known shape wherever it appears, the error message included", () => {
    const secret = `plain${randomBytes(12).toString("hex")}`;
    const entry = toRunLogEntry(
      draft(secret, `the key was ${secret}, said twice: ${secret}`),
      new Date(),
    );
    expect(entry?.output).toBe("the key was [redacted], said twice: [redacted]");
    expect(entry?.errorMessage).toBe("no [redacted]");
  });

  it("takes every long string inside a JSON secret for a secret, short ones not", () => {
    const token = randomBytes(12).toString("hex");
    const secrets = secretsOf(
      JSON.stringify({ OPENAI_API_KEY: null, tokens: { id_token: token, account_id: "acct-1" } }),
    );
    expect(secrets).toContain(token);
    expect(secrets).not.toContain("acct-1");
    expect(secretsOf("not { json")).toEqual(["not { json"]);
  });

  it("keeps the last 8 KB of the output, redacted before it is cut", () => {
    const secret = `plain${randomBytes(12).toString("hex")}`;
    const output = `${"x".repeat(RUN_LOG_OUTPUT_CHARS)}${secret}`;
    const entry = toRunLogEntry(draft(secret, output), new Date());
    expect(entry?.output.length).toBe(RUN_LOG_OUTPUT_CHARS);
    expect(entry?.output.endsWith("[redacted]")).toBe(true);
    expect(entry?.output).not.toContain(secret.slice(-8));
  });
});
