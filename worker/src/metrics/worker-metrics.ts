import type {
  AgentEvent,
  AgentKind,
  AppError,
  KeySource,
  Provider,
  UsageRecord,
} from "@agentry/core";
import { collectDefaultMetrics, Counter, Gauge, Histogram, type Registry } from "prom-client";

// The worker's metrics for operators (README: Metrics), on a registry of the caller's (one per
// process, built in main.ts). Labels take values from closed sets only: agent kinds, providers,
// key sources, error codes, token classes, queue states. Never a user, session, message, model
// name or credential.

/** How a message ended: DONE, or the code it failed with. */
export type MessageOutcome = "DONE" | "CANCELLED" | AppError["code"];

/** The message queue's jobs by state, as BullMQ counts them. */
export type QueueCounts = Partial<Record<"waiting" | "active" | "delayed", number>>;

export interface WorkerMetrics {
  readonly registry: Registry;
  /** Where the queue-depth gauge reads from (asked at each scrape). */
  watchQueue(counts: () => Promise<QueueCounts>): void;
  /** A message's first run starts: its wait since it was enqueued (epoch ms). */
  runStarted(enqueuedAt: number): void;
  /** A message ended: DONE, or the error code it failed with. */
  messageEnded(kind: AgentKind, outcome: MessageOutcome, startedAt: Date | null): void;
  /** The agent reported an error from its run (a provider refusal, a rate limit, a failure). */
  agentError(
    provider: Provider,
    code: Extract<AgentEvent, { type: "error" }>["code"],
    keySource: KeySource,
  ): void;
  /** A provider call was recorded (once: a call reported again is not passed here). */
  callRecorded(usage: UsageRecord, costUsd: number | null, keySource: KeySource): void;
}

/** Past this a scrape leaves the queue gauge empty rather than wait for Redis. */
const QUEUE_COUNT_TIMEOUT_MS = 1_000;

const TOKEN_CLASSES = [
  ["input", "inputTokens"],
  ["output", "outputTokens"],
  ["cache_read", "cacheReadTokens"],
  ["cache_write", "cacheWriteTokens"],
  ["reasoning", "reasoningTokens"],
] as const;

export function createWorkerMetrics(registry: Registry): WorkerMetrics {
  collectDefaultMetrics({ register: registry });
  let queueCounts: () => Promise<QueueCounts> = () => Promise.resolve({});
  new Gauge({
    name: "agentry_worker_queue_jobs",
    help: "Jobs in the message queue by state (waiting, active, delayed); the same for every worker",
    labelNames: ["state"],
    registers: [registry],
    async collect() {
      this.reset();
      let timer: NodeJS.Timeout | undefined;
      const counts = await Promise.race([
        queueCounts().catch(() => null),
        new Promise<null>((resolve) => {
          timer = setTimeout(() => {
            resolve(null);
          }, QUEUE_COUNT_TIMEOUT_MS);
        }),
      ]);
      clearTimeout(timer);
      // Redis unreachable: no sample, rather than a zero that reads as "empty".
      if (counts === null) return;
      for (const state of ["waiting", "active", "delayed"] as const) {
        this.set({ state }, counts[state] ?? 0);
      }
    },
  });
  const wait = new Histogram({
    name: "agentry_worker_message_wait_seconds",
    help: "Time from a message's enqueueing to its run's start (waiting for a worker, and for its agent's earlier messages)",
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const duration = new Histogram({
    name: "agentry_worker_message_duration_seconds",
    help: "Time from a message's run start to its end, by agent kind and outcome (DONE or the error code)",
    labelNames: ["kind", "outcome"],
    buckets: [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
    registers: [registry],
  });
  const agentErrors = new Counter({
    name: "agentry_worker_provider_errors_total",
    help: "Errors agents reported from their runs, by provider, code and key source",
    labelNames: ["provider", "code", "key_source"],
    registers: [registry],
  });
  const calls = new Counter({
    name: "agentry_worker_provider_calls_total",
    help: "Provider calls recorded, by provider and key source",
    labelNames: ["provider", "key_source"],
    registers: [registry],
  });
  const unpriced = new Counter({
    name: "agentry_worker_unpriced_calls_total",
    help: "Provider calls of a model with no known price (not in the cost counter)",
    labelNames: ["provider"],
    registers: [registry],
  });
  const tokens = new Counter({
    name: "agentry_worker_tokens_total",
    help: "Tokens of recorded provider calls, by provider and class (input, output, cache_read, cache_write, reasoning)",
    labelNames: ["provider", "class"],
    registers: [registry],
  });
  const cost = new Counter({
    name: "agentry_worker_cost_usd_total",
    help: "Estimated cost in US dollars of recorded provider calls, by provider",
    labelNames: ["provider"],
    registers: [registry],
  });

  return {
    registry,
    watchQueue(counts) {
      queueCounts = counts;
    },
    runStarted(enqueuedAt) {
      wait.observe(Math.max(0, Date.now() - enqueuedAt) / 1000);
    },
    messageEnded(kind, outcome, startedAt) {
      if (startedAt === null) return;
      duration.observe({ kind, outcome }, Math.max(0, Date.now() - startedAt.getTime()) / 1000);
    },
    agentError(provider, code, keySource) {
      agentErrors.inc({ provider, code, key_source: keySource });
    },
    callRecorded(usage, costUsd, keySource) {
      const { provider } = usage;
      calls.inc({ provider, key_source: keySource });
      for (const [tokenClass, field] of TOKEN_CLASSES) {
        tokens.inc({ provider, class: tokenClass }, usage[field]);
      }
      if (costUsd === null) unpriced.inc({ provider });
      else cost.inc({ provider }, costUsd);
    },
  };
}
