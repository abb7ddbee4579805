import { setTimeout as sleep } from "node:timers/promises";
import { startTestApi, type TestApi } from "@agentry/api/testing";
import { AgentEventLog } from "@agentry/core";
import { Redis } from "ioredis";
import type { Cleanups } from "../lib/cleanup.js";
import { now, withTimeout } from "../lib/clock.js";
import { addViewer, AGENT_EVENTS_SUBSCRIPTION, createSession, spawnChatAgent } from "../lib/gql.js";
import { deleteNamespace, REDIS_URL } from "../lib/redis-keys.js";
import { formatMs, formatRate, type SectionReport } from "../lib/report.js";
import { summarize } from "../lib/stats.js";
import { startBareRelay } from "./bare-relay.js";
import {
  report,
  type FanoutSettings,
  type PathName,
  type PathRun,
  type PhaseFigures,
} from "./fanout-report.js";
import { SubscriberPool } from "./subscriber-pool.js";
import { stampedText, type PhaseResult, type PoolMode } from "./subscriber-protocol.js";

// An agent's events, the whole way: AgentEventLog.append (Lua INCR + XADD + PUBLISH, as the
// worker publishes) → Redis → the api's graphql-ws agentEvents → N real graphql-ws clients, each
// authenticated as a member of the session. Baseline: Redis PUBLISH → a bare `ws` relay → N
// plain WebSocket clients, with the same events, the same N, in the same run.

export type { FanoutSettings } from "./fanout-report.js";

// A text delta as an agent streams it: a few words.
const FILLER = " the quick brown fox jumps";
const PROBE_EVERY_MS = 25;
const PROBE_TIMEOUT_MS = 20_000;

interface PathUnderTest {
  readonly name: PathName;
  readonly mode: (subscribers: number) => PoolMode;
  readonly publish: (text: string) => Promise<unknown>;
}

export async function benchEventFanout(
  cleanups: Cleanups,
  settings: FanoutSettings,
): Promise<SectionReport> {
  const api = await startTestApi({ env: { LOG_LEVEL: "info" } });
  const closeApi = cleanups.defer("fan-out api", async () => {
    await deleteNamespace(api.redis, api.namespace);
    await api.close();
  });
  const publisher = new Redis(REDIS_URL);
  const closePublisher = cleanups.defer("fan-out publisher", async () => {
    await publisher.quit();
  });
  try {
    const scene = await setScene(api, Math.max(...settings.subscriberCounts));
    const relayChannel = `${api.namespace}bench-relay:${scene.agentId}`;
    const relay = await startBareRelay(REDIS_URL, relayChannel);
    const closeRelay = cleanups.defer("bare relay", () => relay.close());
    const events = new AgentEventLog(api.redis, api.namespace);
    const body = (text: string) => ({
      agentId: scene.agentId,
      messageId: null,
      at: new Date().toISOString(),
      type: "TEXT" as const,
      text,
    });
    let bareSeq = 0;
    const paths: readonly PathUnderTest[] = [
      {
        name: "bare relay",
        mode: (n) => ({ kind: "ws", url: relay.url, connections: n }),
        // The same JSON the event log publishes, sequence number included.
        publish: (text) =>
          publisher.publish(relayChannel, JSON.stringify({ seq: ++bareSeq, ...body(text) })),
      },
      {
        name: "agentry",
        mode: (n) => ({
          kind: "graphql-ws",
          url: api.wsUrl,
          tokens: scene.memberTokens.slice(0, n),
          query: AGENT_EVENTS_SUBSCRIPTION,
          variables: { agentId: scene.agentId },
        }),
        publish: (text) => events.append(body(text)),
      },
    ];
    const runs: PathRun[] = [];
    try {
      for (const subscribers of settings.subscriberCounts) {
        for (const path of paths) {
          const run = await runPath(cleanups, path, subscribers, settings);
          runs.push(run);
          console.error(
            `  fan-out ${path.name} N=${subscribers}: ${formatRate(run.burst.deliveredPerSecond)} ev/s, p50 ${formatMs(run.paced.latencyMs.p50)} ms`,
          );
        }
      }
    } finally {
      await closeRelay();
      await events.forget(scene.agentId);
    }
    return report(runs, settings);
  } finally {
    await closePublisher();
    await closeApi();
  }
}

/** An owner, a session, a CHAT agent, and `members` viewers of the session (one per socket). */
async function setScene(
  api: TestApi,
  members: number,
): Promise<{ agentId: string; memberTokens: string[] }> {
  const owner = await api.signUp();
  const sessionId = await createSession(api, owner.token, undefined, "bench: event fan-out");
  const agentId = await spawnChatAgent(api, owner.token, sessionId);
  const memberTokens: string[] = [];
  for (let start = 0; start < members; start += 10) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(10, members - start) }, async () => {
        const member = await api.signUp();
        await addViewer(api, owner.token, sessionId, member.email);
        return member.token;
      }),
    );
    memberTokens.push(...batch);
  }
  return { agentId, memberTokens };
}

async function runPath(
  cleanups: Cleanups,
  path: PathUnderTest,
  subscribers: number,
  settings: FanoutSettings,
): Promise<PathRun> {
  const pool = await SubscriberPool.open(path.mode(subscribers));
  const closePool = cleanups.defer(`${path.name} subscribers`, () => pool.close());
  try {
    const finish = async (phase: string, completed: Promise<PhaseResult>) => {
      try {
        return await withTimeout(completed, settings.phaseTimeoutMs, `${path.name} ${phase}`);
      } catch {
        pool.collect(phase);
        return withTimeout(completed, 5_000, `${path.name} ${phase} (collect)`);
      }
    };

    // Ready: every socket has a live subscription (graphql-ws does not acknowledge one).
    const probe = await pool.expect("probe", 1);
    const probed = probe.completed.then(() => true);
    const probeDeadline = performance.now() + PROBE_TIMEOUT_MS;
    for (;;) {
      if (performance.now() > probeDeadline) {
        throw new Error(`${path.name}: the ${subscribers} subscriptions were not live in time`);
      }
      await path.publish(stampedText("probe", now(), FILLER));
      if (await Promise.race([probed, sleep(PROBE_EVERY_MS).then(() => false)])) break;
    }

    const warm = await pool.expect("warm", settings.warmEvents);
    await publishPipelined(path, "warm", settings.warmEvents, settings.publishWindow);
    await finish("warm", warm.completed);

    const burstEvents = settings.burstEvents(subscribers);
    const burst = await pool.expect("burst", burstEvents);
    const burstStarted = now();
    await publishPipelined(path, "burst", burstEvents, settings.publishWindow);
    const burstPublished = now();
    const burstResult = await finish("burst", burst.completed);

    const paced = await pool.expect("paced", settings.pacedEvents);
    const pacedStarted = now();
    await publishPaced(path, "paced", settings.pacedEvents, settings.pacedPerSecond);
    const pacedPublished = now();
    const pacedResult = await finish("paced", paced.completed);

    const burstFigures = figures(burstResult, burstEvents, subscribers);
    const seconds = (burstResult.lastReceivedAt - burstStarted) / 1000;
    return {
      path: path.name,
      subscribers,
      burst: {
        ...burstFigures,
        seconds,
        deliveredPerSecond: burstFigures.delivered / seconds,
        perSubscriberPerSecond: burstFigures.delivered / subscribers / seconds,
        publishedPerSecond: burstEvents / ((burstPublished - burstStarted) / 1000),
      },
      paced: {
        ...figures(pacedResult, settings.pacedEvents, subscribers),
        publishedPerSecond: settings.pacedEvents / ((pacedPublished - pacedStarted) / 1000),
      },
    };
  } finally {
    await closePool();
  }
}

function figures(result: PhaseResult, events: number, subscribers: number): PhaseFigures {
  return {
    events,
    expected: events * subscribers,
    delivered: result.counts.reduce((sum, count) => sum + count, 0),
    complete: result.complete,
    latencyMs: summarize(result.latenciesMs),
  };
}

/** Publishes as fast as the path takes them, up to `window` in flight (the publisher's order holds). */
async function publishPipelined(
  path: PathUnderTest,
  phase: string,
  count: number,
  window: number,
): Promise<void> {
  const inFlight = new Set<Promise<unknown>>();
  for (let index = 0; index < count; index += 1) {
    const published: Promise<unknown> = path
      .publish(stampedText(phase, now(), FILLER))
      .finally(() => inFlight.delete(published));
    inFlight.add(published);
    if (inFlight.size >= window) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
}

/** Publishes one at a time, awaiting each (as the worker does), at a steady rate. */
async function publishPaced(
  path: PathUnderTest,
  phase: string,
  count: number,
  perSecond: number,
): Promise<void> {
  const interval = 1000 / perSecond;
  const started = performance.now();
  for (let index = 0; index < count; index += 1) {
    const wait = started + index * interval - performance.now();
    if (wait > 1) await sleep(wait);
    await path.publish(stampedText(phase, now(), FILLER));
  }
}
