import { randomBytes } from "node:crypto";
import { countStatements } from "@agentry/api/testing/statements";
import Docker from "dockerode";
import { sessionUsage, sumUsage } from "@agentry/e2e/flows";
import type { Cleanups } from "../lib/cleanup.js";
import { now } from "../lib/clock.js";
import { createSession, spawnChatAgent } from "../lib/gql.js";
import { formatMs, formatRatio, type SectionReport } from "../lib/report.js";
import { ratio, summarize } from "../lib/stats.js";
import { watchAgentMessages, type AgentMessages } from "../dispatch/agent-messages.js";
import { startBenchSystem } from "../dispatch/bench-system.js";
import { engineAnswers, noEngineSection } from "../dispatch/dispatch-baselines.js";
import { providerLoops, runtimeLoops, type Loops } from "./throughput-baselines.js";

// Messages per second through the whole path: N warm CHAT agents in one session, each sent its
// next message as soon as its last one settled (DONE on agentEvents), with the worker at its
// default concurrency. Every message must settle DONE and the session's usage must equal what
// the fake provider answered, call for call. Baselines in the same run: the same runs handed to
// the worker's runtime directly (no api, queue, database or events), and the fake provider's
// streaming call alone, both at the worker's concurrency.

export interface ThroughputSettings {
  readonly agents: number;
  /** Measured messages per agent, after the cold one and `warmup` more. */
  readonly messagesPerAgent: number;
  readonly warmup: number;
  /** Runs per agent in each baseline. */
  readonly baselineRunsPerAgent: number;
}

const MESSAGE_TIMEOUT_MS = 60_000;
const MODEL = "claude-haiku-4-5";
/** The worker's WORKER_CONCURRENCY default, which the bench's worker runs with. */
const DEFAULT_WORKER_CONCURRENCY = 4;

interface PhaseResult {
  readonly sent: number;
  readonly done: number;
  readonly failed: number;
  readonly firstError: string | undefined;
  readonly elapsedMs: number;
  readonly latencies: readonly number[];
}

/** Each agent sends its next message once its last one settled, `count` times. */
async function closedLoops(agents: readonly AgentMessages[], count: number): Promise<PhaseResult> {
  const latencies: number[] = [];
  let done = 0;
  let failed = 0;
  let firstError: string | undefined;
  const started = now();
  await Promise.all(
    agents.map(async (agent, index) => {
      for (let message = 0; message < count; message += 1) {
        try {
          const sample = await agent.measure(
            `agent ${index} message ${message}`,
            MESSAGE_TIMEOUT_MS,
          );
          latencies.push(sample.doneMs);
          done += 1;
        } catch (error) {
          failed += 1;
          firstError ??= error instanceof Error ? error.message : String(error);
        }
      }
    }),
  );
  return {
    sent: agents.length * count,
    done,
    failed,
    firstError,
    elapsedMs: now() - started,
    latencies,
  };
}

const perSecond = (count: number, ms: number): number => (count * 1000) / ms;

/** Statements and transactions (their BEGINs) per message sent. */
function perMessage(statements: readonly string[], messages: number) {
  const transactions = statements.filter((text) => /^\s*BEGIN\b/i.test(text)).length;
  return {
    statements: statements.length / messages,
    transactions: transactions / messages,
  };
}

const msCells = (summary: ReturnType<typeof summarize>): string[] => [
  formatMs(summary.p50),
  formatMs(summary.p95),
  formatMs(summary.max),
];

export async function benchMessageThroughput(
  cleanups: Cleanups,
  settings: ThroughputSettings,
): Promise<SectionReport> {
  const title = `Messages per second: ${settings.agents} warm CHAT agents in one session, each sent its next message when the last settles`;
  const docker = new Docker();
  if (!(await engineAnswers(docker))) return noEngineSection("messageThroughput", title);
  const system = await startBenchSystem(cleanups);
  const watchers: AgentMessages[] = [];
  try {
    const { api, fake } = system;
    const apiKey = `sk-ant-api03-${randomBytes(24).toString("base64url")}`;
    fake.addKey(apiKey);
    const user = await api.signUp();
    const sessionId = await createSession(
      api,
      user.token,
      { provider: "ANTHROPIC", secret: apiKey },
      "bench: messages per second",
    );
    const agentIds: string[] = [];
    for (let index = 0; index < settings.agents; index += 1) {
      agentIds.push(await spawnChatAgent(api, user.token, sessionId, MODEL));
    }
    for (const agentId of agentIds) {
      watchers.push(await watchAgentMessages(api, user.token, agentId));
    }
    fake.clearCalls();

    // The cold message creates each agent's container; then every agent is warm.
    const warm = await closedLoops(watchers, 1 + settings.warmup);
    if (warm.failed > 0) {
      console.error(system.workerLogTail().join("\n"));
      throw new Error(`warm-up: ${warm.failed} messages failed: ${warm.firstError ?? "?"}`);
    }
    const measuredSince = new Date();
    // Every statement the api and the worker (both in this process) send while the measured
    // messages run, counted at the driver.
    const counter = countStatements(api.databaseUrl);
    const measured = await closedLoops(watchers, settings.messagesPerAgent);
    counter.stop();
    const statements = perMessage(counter.statements, measured.sent);
    // Where each measured message spent its time, as the database recorded it.
    const rows = await api.prisma.message.findMany({
      where: { role: "USER", agentId: { in: agentIds }, createdAt: { gte: measuredSince } },
      select: { createdAt: true, startedAt: true, finishedAt: true },
    });
    const stage = (pick: (row: (typeof rows)[number]) => number | null) =>
      summarize(rows.flatMap((row) => (pick(row) === null ? [] : [pick(row) as number])));
    const queued = stage((row) =>
      row.startedAt === null ? null : row.startedAt.getTime() - row.createdAt.getTime(),
    );
    const running = stage((row) =>
      row.startedAt === null || row.finishedAt === null
        ? null
        : row.finishedAt.getTime() - row.startedAt.getTime(),
    );

    // Exact usage: the session's totals against every call the fake answered with this key.
    const answered = fake.calls({ provider: "ANTHROPIC" }).filter((call) => call.key === apiKey);
    const expected = sumUsage(answered.map((call) => call.usage));
    const stored = await sessionUsage(api, user.token, sessionId);
    const usageExact =
      stored.apiCalls === answered.length &&
      stored.inputTokens === expected.inputTokens &&
      stored.outputTokens === expected.outputTokens &&
      stored.cacheReadTokens === expected.cacheReadTokens &&
      stored.cacheWriteTokens === expected.cacheWriteTokens &&
      stored.reasoningTokens === expected.reasoningTokens;
    for (const watcher of watchers.splice(0)) await watcher.close();

    // Baselines, with the system idle.
    const runtime: Loops = await runtimeLoops(system.worker.runtime, {
      agentIds,
      runsPerAgent: settings.baselineRunsPerAgent,
      concurrency: DEFAULT_WORKER_CONCURRENCY,
      apiKey,
      baseUrl: fake.baseUrls.anthropic,
      model: MODEL,
    });
    const provider: Loops = await providerLoops({
      loops: settings.agents,
      runsPerLoop: settings.baselineRunsPerAgent,
      concurrency: DEFAULT_WORKER_CONCURRENCY,
      apiKey,
      baseUrl: fake.baseUrls.anthropic,
      model: MODEL,
    });
    fake.clearCalls();

    const ours = perSecond(measured.done, measured.elapsedMs);
    const runtimeRate = perSecond(runtime.done, runtime.elapsedMs);
    const providerRate = perSecond(provider.done, provider.elapsedMs);
    const latency = summarize(measured.latencies);
    const runtimeLatency = summarize(runtime.latencies);
    const providerLatency = summarize(provider.latencies);
    const row = (
      label: string,
      done: number,
      sent: number,
      rate: number,
      summary: ReturnType<typeof summarize>,
    ) => [
      label,
      `${done}/${sent}`,
      rate.toFixed(1),
      formatMs(summary.p50),
      formatMs(summary.p95),
      formatMs(summary.max),
    ];
    return {
      id: "messageThroughput",
      title,
      columns: ["what", "settled DONE", "messages/s", "p50 ms", "p95 ms", "max ms"],
      rows: [
        row(
          "whole path: sendMessage → DONE on agentEvents",
          measured.done,
          measured.sent,
          ours,
          latency,
        ),
        ["  of which: stored → claimed by the worker", "", "", ...msCells(queued)],
        ["  of which: claimed → settled", "", "", ...msCells(running)],
        row(
          `baseline: runtime.run alone, ${DEFAULT_WORKER_CONCURRENCY} at a time`,
          runtime.done,
          runtime.sent,
          runtimeRate,
          runtimeLatency,
        ),
        row(
          `baseline: fake provider stream alone (fetch), ${DEFAULT_WORKER_CONCURRENCY} at a time`,
          provider.done,
          provider.sent,
          providerRate,
          providerLatency,
        ),
      ],
      ratios: [
        { label: "messages/s, whole path / runtime alone", value: ratio(ours, runtimeRate) },
        { label: "messages/s, whole path / provider alone", value: ratio(ours, providerRate) },
      ],
      notes: [
        `${settings.agents} CHAT agents (${MODEL}, fake provider, Docker runtime), ${settings.messagesPerAgent} measured messages each after the cold one and ${settings.warmup} warm-up; the worker at its default concurrency (${DEFAULT_WORKER_CONCURRENCY})`,
        `every message settled: ${measured.failed === 0 ? "yes" : `no, ${measured.failed} failed (${measured.firstError ?? "?"})`}`,
        `usage exact: ${usageExact ? "yes" : "NO"} — ${answered.length} calls answered by the fake, ${stored.apiCalls} recorded; output tokens ${expected.outputTokens} answered, ${stored.outputTokens} recorded`,
        `SQL per message (api and worker, counted at the driver over the measured messages): ${statements.statements.toFixed(1)} statements, ${statements.transactions.toFixed(1)} transactions`,
        `messages/s, whole path / runtime alone: ${formatRatio(ratio(ours, runtimeRate))} (what the api, queue, database and events cost on top of running the agent)`,
      ],
      data: {
        settings,
        measured: { ...measured, messagesPerSecond: ours, latency, queued, running, statements },
        runtime: { ...runtime, messagesPerSecond: runtimeRate, latency: runtimeLatency },
        provider: { ...provider, messagesPerSecond: providerRate, latency: providerLatency },
        usage: { answered: answered.length, expected, stored, exact: usageExact },
      },
    };
  } finally {
    for (const watcher of watchers) await watcher.close().catch(() => undefined);
    await system.close();
  }
}
