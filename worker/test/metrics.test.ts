import { randomBytes, randomUUID } from "node:crypto";
import {
  bullConnection,
  MESSAGE_QUEUE,
  messageJobOptions,
  queuePrefix,
  type MessageJob,
} from "@agentry/core";
import { startFakeProvider, type FakeProvider } from "@agentry/fake-provider";
import { createTestDatabase, type TestDatabase } from "@agentry/prisma/testing";
import { Queue } from "bullmq";
import pino from "pino";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadWorkerConfig } from "../src/config.js";
import { startMetricsListener, type MetricsListener } from "../src/metrics/metrics-listener.js";
import { createWorkerMetrics } from "../src/metrics/worker-metrics.js";
import { startWorker, type RunningWorker } from "../src/worker.js";
import { parseScrape, valueOf, type Sample } from "./support/prometheus.js";

// The worker's /metrics as an operator scrapes it, after real messages: the worker with the
// process runtime and the real agent bundle, talking to the fake provider with a system key.
// Durations, tokens and cost are counted once per message and call, as the database has them,
// and the key is nowhere in the scrape.

const REDIS_URL = process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379";
const MODEL = "claude-haiku-4-5";
const systemKey = `sk-ant-api03-${randomBytes(48).toString("base64url")}AA`;
const namespace = `test:metrics-${randomBytes(4).toString("hex")}:`;
const silent = pino({ level: "silent" });

let db: TestDatabase;
let fake: FakeProvider;
let worker: RunningWorker;
let listener: MetricsListener;
let queue: Queue;
let agentId: string;

beforeAll(async () => {
  db = await createTestDatabase("agentry_worker_metrics");
  fake = await startFakeProvider({ keys: [systemKey] });
  const config = loadWorkerConfig({
    NODE_ENV: "test",
    DATABASE_URL: db.url,
    REDIS_URL,
    ENCRYPTION_KEY: randomBytes(32).toString("hex"),
    AGENT_RUNTIME: "process",
    ANTHROPIC_BASE_URL: fake.baseUrls.anthropic,
    ANTHROPIC_API_KEY: systemKey,
    ALLOW_SYSTEM_KEYS: "true",
    METRICS_PORT: "0",
  });
  const metrics = createWorkerMetrics(new Registry());
  const started = await startMetricsListener(
    metrics.registry,
    { ...config.env.METRICS_PORT, host: config.env.METRICS_HOST },
    silent,
  );
  if (started === null) throw new Error("the metrics listener did not start");
  listener = started;
  worker = await startWorker(config, silent, { namespace, metrics });
  queue = new Queue(MESSAGE_QUEUE, {
    connection: bullConnection(REDIS_URL),
    prefix: queuePrefix(namespace),
  });

  const user = await db.prisma.user.create({
    data: { email: `metrics-${randomUUID()}@example.test`, passwordHash: "x" },
  });
  const session = await db.prisma.session.create({ data: { ownerId: user.id, name: "metrics" } });
  const agent = await db.prisma.agent.create({
    data: { sessionId: session.id, kind: "CHAT", provider: "ANTHROPIC", model: MODEL },
  });
  agentId = agent.id;
});
afterAll(async () => {
  await worker.runtime.remove(agentId);
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  await listener.close();
  await fake.close();
  await db.drop();
});

async function scrape(): Promise<{ text: string; samples: Sample[] }> {
  const response = await fetch(listener.url);
  expect(response.status).toBe(200);
  const text = await response.text();
  return { text, samples: parseScrape(text) };
}

/** Sends a message as the api does (a row, then its job) and waits until its job is done. */
async function runMessage(text: string) {
  const author = await db.prisma.agent.findUniqueOrThrow({
    where: { id: agentId },
    select: { session: { select: { ownerId: true } } },
  });
  const message = await db.prisma.message.create({
    data: { agentId, authorId: author.session.ownerId, role: "USER", text, status: "QUEUED" },
  });
  const job: MessageJob = { messageId: message.id, agentId };
  await queue.add("message", job, messageJobOptions(message.id));
  // Its job completes once the message is settled and counted (a failed message too).
  await vi.waitFor(
    async () => {
      expect(await queue.getJobState(message.id)).toBe("completed");
    },
    { timeout: 60_000, interval: 100 },
  );
  return db.prisma.message.findUniqueOrThrow({ where: { id: message.id } });
}

const anthropic = { provider: "ANTHROPIC" };

describe("the worker's /metrics", () => {
  it("counts a message's wait, duration, calls, tokens and cost as the database records them", async () => {
    const before = (await scrape()).samples;
    const message = await runMessage("hello, metrics");
    expect(message.status).toBe("DONE");
    const { samples, text } = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) =>
      valueOf(samples, name, labels) - valueOf(before, name, labels);

    const done = { kind: "CHAT", outcome: "DONE" };
    expect(delta("agentry_worker_message_duration_seconds_count", done)).toBe(1);
    expect(delta("agentry_worker_message_duration_seconds_sum", done)).toBeGreaterThan(0);
    expect(delta("agentry_worker_message_wait_seconds_count")).toBe(1);

    const calls = await db.prisma.usageEvent.findMany({ where: { messageId: message.id } });
    expect(calls.length).toBeGreaterThan(0);
    const sum = (
      field:
        "inputTokens" | "outputTokens" | "cacheReadTokens" | "cacheWriteTokens" | "reasoningTokens",
    ) => calls.reduce((total, call) => total + Number(call[field]), 0);
    expect(
      delta("agentry_worker_provider_calls_total", { ...anthropic, key_source: "SYSTEM" }),
    ).toBe(calls.length);
    const tokens = "agentry_worker_tokens_total";
    expect(delta(tokens, { ...anthropic, class: "input" })).toBe(sum("inputTokens"));
    expect(delta(tokens, { ...anthropic, class: "output" })).toBe(sum("outputTokens"));
    expect(delta(tokens, { ...anthropic, class: "cache_read" })).toBe(sum("cacheReadTokens"));
    expect(delta(tokens, { ...anthropic, class: "cache_write" })).toBe(sum("cacheWriteTokens"));
    expect(delta(tokens, { ...anthropic, class: "reasoning" })).toBe(sum("reasoningTokens"));
    expect(sum("inputTokens") + sum("outputTokens")).toBeGreaterThan(0);
    const cost = calls.reduce((total, call) => total + (call.costUsd?.toNumber() ?? 0), 0);
    expect(cost).toBeGreaterThan(0);
    expect(delta("agentry_worker_cost_usd_total", anthropic)).toBeCloseTo(cost, 9);
    expect(delta("agentry_worker_provider_errors_total")).toBe(0);

    // The system key the calls were made with: not a piece of it in the scrape.
    for (let at = 0; at + 12 <= systemKey.length; at += 1) {
      expect(text).not.toContain(systemKey.slice(at, at + 12));
    }
  });

  it("counts a provider's refusal by code and key source, and the message's outcome", async () => {
    const before = (await scrape()).samples;
    fake.failNext(1, 401);
    const message = await runMessage("refused, metrics");
    expect(message).toMatchObject({ status: "FAILED", errorCode: "INVALID_API_KEY" });
    const { samples } = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) =>
      valueOf(samples, name, labels) - valueOf(before, name, labels);
    expect(
      delta("agentry_worker_provider_errors_total", {
        ...anthropic,
        code: "INVALID_API_KEY",
        key_source: "SYSTEM",
      }),
    ).toBe(1);
    expect(
      delta("agentry_worker_message_duration_seconds_count", {
        kind: "CHAT",
        outcome: "INVALID_API_KEY",
      }),
    ).toBe(1);
    expect(delta("agentry_worker_message_duration_seconds_count", { outcome: "DONE" })).toBe(0);
  });

  it("gauges the message queue's depth by state", async () => {
    // The last message's job finishes just after its row is settled: the queue drains to zero.
    await vi.waitFor(async () => {
      const idle = (await scrape()).samples;
      for (const state of ["waiting", "active", "delayed"]) {
        expect(valueOf(idle, "agentry_worker_queue_jobs", { state }), state).toBe(0);
      }
    });
    const messageId = randomUUID();
    const job: MessageJob = { messageId, agentId };
    await queue.add("message", job, { ...messageJobOptions(messageId), delay: 3_600_000 });
    try {
      const { samples } = await scrape();
      expect(valueOf(samples, "agentry_worker_queue_jobs", { state: "delayed" })).toBe(1);
      expect(valueOf(samples, "agentry_worker_queue_jobs", { state: "waiting" })).toBe(0);
    } finally {
      await queue.remove(messageId);
    }
  });
});
