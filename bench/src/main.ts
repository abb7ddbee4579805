import "reflect-metadata";
import { mkdir, writeFile } from "node:fs/promises";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { benchAgentKinds, type AgentsSettings } from "./agents/agent-kinds.bench.js";
import {
  benchCredentialResolve,
  type CredentialSettings,
} from "./credentials/credential-resolve.bench.js";
import { benchWarmDispatch, type DispatchSettings } from "./dispatch/warm-dispatch.bench.js";
import { benchEventFanout, type FanoutSettings } from "./fanout/event-fanout.bench.js";
import { benchGraphQLHttp, type HttpSettings } from "./http/graphql-http.bench.js";
import {
  benchMessageThroughput,
  type ThroughputSettings,
} from "./throughput/message-throughput.bench.js";
import { Cleanups } from "./lib/cleanup.js";
import { formatSection, type SectionReport } from "./lib/report.js";
import { benchReencrypt, type ReencryptSettings } from "./reencrypt/reencrypt.bench.js";
import { benchIdleRss, type RssSettings } from "./rss/idle-rss.bench.js";
import { benchUsageSeries, type UsageSeriesSettings } from "./usage/usage-series.bench.js";
import { benchIdleSockets, type IdleSocketsSettings } from "./sockets/idle-sockets.bench.js";

// `npm run bench`: every benchmark, one after another, each against a baseline measured in the
// same run; a table on standard output and bench/results/latest.json. `--quick` runs small
// sizes (a smoke run); names (fanout, sockets, credentials, dispatch, agents, throughput) pick
// benches.

const BENCHES = [
  "fanout",
  "sockets",
  "http",
  "credentials",
  "dispatch",
  "agents",
  "throughput",
  "usage-series",
  "reencrypt",
  "rss",
] as const;
type BenchName = (typeof BENCHES)[number];

// The whole run stops by itself after this, cleaning up first. The agents bench cold-starts
// five CLIs in containers (and may build the agent image first): most of it is that bench's.
const HARD_LIMIT_MS = 30 * 60_000;
const resultsDir = fileURLToPath(new URL("../results/", import.meta.url));

function parseArgs(argv: readonly string[]): { quick: boolean; only: readonly BenchName[] } {
  const quick = argv.includes("--quick");
  const named = argv.filter((arg) => !arg.startsWith("--"));
  const unknown = named.filter((name) => !(BENCHES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new Error(`unknown bench ${unknown.join(", ")}; choose from ${BENCHES.join(", ")}`);
  }
  return { quick, only: named.length === 0 ? BENCHES : (named as BenchName[]) };
}

function settingsFor(quick: boolean) {
  const fanout: FanoutSettings = {
    subscriberCounts: [1, 10, 50],
    burstEvents: (n) => (quick ? 200 : n >= 50 ? 600 : n >= 10 ? 1500 : 3000),
    pacedEvents: quick ? 100 : 400,
    pacedPerSecond: 200,
    warmEvents: quick ? 50 : 200,
    publishWindow: 256,
    phaseTimeoutMs: 30_000,
  };
  const credentials: CredentialSettings = {
    iterations: quick ? 200 : 2000,
    warmup: quick ? 20 : 100,
    decryptIterations: quick ? 2000 : 20_000,
  };
  const dispatch: DispatchSettings = {
    messages: quick ? 5 : 20,
    warmup: 2,
    baselineIterations: quick ? 5 : 20,
    pauseMs: 150,
  };
  const sockets: IdleSocketsSettings = {
    sockets: quick ? 1_000 : 10_000,
    socketsPerUser: 20,
    agents: quick ? 10 : 100,
    clientProcesses: 4,
    concurrencyPerProcess: 50,
    warmSockets: quick ? 100 : 500,
    targetBytes: 150 * 2 ** 20,
  };
  const agents: AgentsSettings = { warmMessages: quick ? 3 : 8, pauseMs: 150 };
  const throughput: ThroughputSettings = {
    agents: 10,
    messagesPerAgent: quick ? 5 : 20,
    warmup: 1,
    baselineRunsPerAgent: quick ? 3 : 10,
  };
  const usageSeries: UsageSeriesSettings = {
    events: quick ? 100_000 : 1_000_000,
    otherEvents: quick ? 20_000 : 200_000,
    spanDays: 60,
    iterations: quick ? 50 : 200,
    baselineIterations: quick ? 3 : 10,
    warmup: 5,
    plannerSample: !quick,
  };
  const reencrypt: ReencryptSettings = {
    credentials: quick ? 5_000 : 100_000,
    agents: 4,
    messagesBefore: quick ? 3 : 10,
    batchSize: 1000,
    baselineCredentials: quick ? 100 : 500,
  };
  const http: HttpSettings = {
    connections: 50,
    warmupS: quick ? 1 : 2,
    durationS: quick ? 3 : 10,
    sessions: 20,
  };
  const rss: RssSettings = {
    runs: quick ? 1 : 2,
    settleMs: quick ? 2000 : 4000,
    samples: quick ? 3 : 5,
    sampleEveryMs: quick ? 500 : 1000,
  };
  return {
    fanout,
    sockets,
    http,
    credentials,
    dispatch,
    agents,
    throughput,
    usageSeries,
    reencrypt,
    rss,
  };
}

async function main(): Promise<number> {
  const { quick, only } = parseArgs(process.argv.slice(2));
  const settings = settingsFor(quick);
  const cleanups = new Cleanups();
  const run = { stopping: false };
  const stop = (why: string, code: number) => {
    // A Ctrl-C reaches this process twice (directly and relayed by tsx): clean up once.
    if (run.stopping) return;
    run.stopping = true;
    console.error(`\n${why}: cleaning up`);
    void cleanups.runAll().finally(() => process.exit(code));
  };
  process.on("SIGINT", () => {
    stop("interrupted", 130);
  });
  process.on("SIGTERM", () => {
    stop("terminated", 143);
  });
  setTimeout(() => {
    stop(`the bench ran past its limit of ${HARD_LIMIT_MS / 1000} s`, 1);
  }, HARD_LIMIT_MS).unref();

  const machine = {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    // Other work on the machine skews every figure: say how busy it was.
    loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
  console.log(
    `agentry bench — ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}, load ${machine.loadAverage1m}${quick ? ", --quick" : ""}`,
  );
  const startedAt = new Date();
  const started = performance.now();
  const sections: SectionReport[] = [];
  let failed = false;
  const runners: Record<BenchName, () => Promise<SectionReport>> = {
    fanout: () => benchEventFanout(cleanups, settings.fanout),
    sockets: () => benchIdleSockets(cleanups, settings.sockets),
    http: () => benchGraphQLHttp(cleanups, settings.http),
    credentials: () => benchCredentialResolve(cleanups, settings.credentials),
    dispatch: () => benchWarmDispatch(cleanups, settings.dispatch),
    agents: () => benchAgentKinds(cleanups, settings.agents),
    throughput: () => benchMessageThroughput(cleanups, settings.throughput),
    "usage-series": () => benchUsageSeries(cleanups, settings.usageSeries),
    reencrypt: () => benchReencrypt(cleanups, settings.reencrypt),
    rss: () => benchIdleRss(cleanups, settings.rss),
  };
  // Once stopping, the clean-up exits the process; nothing more is run or written.
  const halted = () => new Promise<number>(() => undefined);
  const stopping = () => run.stopping;
  for (const name of only) {
    if (stopping()) return halted();
    const benchStarted = performance.now();
    console.error(`running ${name}…`);
    try {
      const section = await runners[name]();
      sections.push(section);
      console.log(formatSection(section));
      console.log(`(${name}: ${((performance.now() - benchStarted) / 1000).toFixed(1)} s)`);
    } catch (error) {
      if (stopping()) return halted();
      failed = true;
      console.error(`${name} failed:`, error);
      await cleanups.runAll();
    }
  }
  const durationS = (performance.now() - started) / 1000;
  console.log(`\ntotal ${durationS.toFixed(1)} s`);
  await mkdir(resultsDir, { recursive: true });
  const file = `${resultsDir}latest.json`;
  await writeFile(
    file,
    `${JSON.stringify({ startedAt: startedAt.toISOString(), durationS, quick, machine, sections }, null, 2)}\n`,
  );
  console.log(`results: ${file}`);
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    // Clients some library keeps alive (a pool's idle timer) must not hold the run open.
    process.exit(code);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
