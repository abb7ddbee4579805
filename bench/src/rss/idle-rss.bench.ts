import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { agentBundlePath } from "@agentry/agent";
import { buildAgentBundle } from "@agentry/agent/build.mjs";
import { createTestDatabase } from "@agentry/prisma/testing";
import { Redis } from "ioredis";
import { buildIfStale, withProductionRuntime } from "../../../scripts/lib/service-build.mjs";
import type { Cleanups } from "../lib/cleanup.js";
import { deleteNamespace, REDIS_URL } from "../lib/redis-keys.js";
import type { SectionReport } from "../lib/report.js";
import { ratio, summarize } from "../lib/stats.js";
import { withTimeout } from "../lib/clock.js";
import { freePort } from "../lib/free-port.js";
import {
  startService,
  type MemorySample,
  type RunningService,
  type ServiceCommand,
} from "./service-process.js";

// Idle memory of the api and the worker as operators run them: `node dist/main.mjs` (the
// production build, what `npm start` and the image run) against the same processes run from
// their TypeScript sources through tsx (`tsx src/main.ts`, what both ran before the build), and
// a bare `node` process doing nothing as the floor. Each process is started alone, waited for
// until ready, left to settle, then sampled from /proc.

export interface RssSettings {
  /** Fresh processes per variant: the figure is the median over all their samples. */
  readonly runs: number;
  /** Wait after ready before the first sample (start-up garbage collected, timers quiet). */
  readonly settleMs: number;
  readonly samples: number;
  readonly sampleEveryMs: number;
}

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");
const READY_TIMEOUT_MS = 120_000;
const MB = 2 ** 20;
/** Issue 12's target for each of the api and the worker at idle. */
const TARGET_MB = 120;

interface Variant {
  readonly label: string;
  readonly service: "api" | "worker" | "node";
  /** deployed: the build with production's memory settings (the image's, `npm start`'s). */
  readonly how: "deployed" | "built" | "tsx" | "bare";
  readonly command: (env: NodeJS.ProcessEnv, port: number) => ServiceCommand;
}

interface Measured {
  readonly label: string;
  readonly samples: readonly MemorySample[];
  readonly rss: number;
  readonly uss: number;
  readonly treeRss: number;
  readonly minRss: number;
  readonly maxRss: number;
  readonly processes: number;
}

const apiReady = (port: number) => async (started: RunningService) => {
  while (started.running()) {
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await sleep(200);
  }
  throw new Error("exited before it was ready");
};

type How = Variant["how"];

const LABELS: Record<How, string> = {
  deployed: "node dist/main.mjs, as deployed",
  built: "node dist/main.mjs, node's defaults",
  tsx: "tsx src/main.ts",
  bare: "",
};

function variants(): Variant[] {
  const service = (name: "api" | "worker", how: Exclude<How, "bare">): Variant => ({
    label: `${name}, ${LABELS[how]}`,
    service: name,
    how,
    command: (env, port) => {
      const own = name === "api" ? { ...env, PORT: String(port), HOST: "127.0.0.1" } : { ...env };
      return {
        label: `${name} (${how})`,
        command: process.execPath,
        args: how === "tsx" ? [tsxCli, "src/main.ts"] : ["dist/main.mjs"],
        cwd: `${repoRoot}${name}`,
        env: how === "deployed" ? withProductionRuntime(own) : own,
        ready:
          name === "api"
            ? apiReady(port)
            : async (started) => {
                await started.waitForLine(
                  (line) => line.includes('"msg":"worker ready"'),
                  READY_TIMEOUT_MS,
                );
              },
      };
    },
  });
  return [
    {
      label: "baseline: bare node, idle",
      service: "node",
      how: "bare",
      command: (env) => ({
        label: "bare node",
        command: process.execPath,
        args: ["-e", "setInterval(() => {}, 1 << 30); console.log('ready');"],
        cwd: repoRoot,
        env,
        ready: async (started) => {
          await started.waitForLine((line) => line === "ready", READY_TIMEOUT_MS);
        },
      }),
    },
    service("api", "deployed"),
    service("api", "built"),
    service("api", "tsx"),
    service("worker", "deployed"),
    service("worker", "built"),
    service("worker", "tsx"),
  ];
}

async function measure(
  variant: Variant,
  env: NodeJS.ProcessEnv,
  settings: RssSettings,
  cleanups: Cleanups,
): Promise<Measured> {
  const samples: MemorySample[] = [];
  let processes = 0;
  for (let run = 0; run < settings.runs; run += 1) {
    const port = await freePort();
    const spec = variant.command(env, port);
    const service = startService(spec);
    const stop = cleanups.defer(spec.label, () => service.stop());
    try {
      const ready = spec.ready(service);
      // Past the time-out the process is stopped, which ends the wait: nobody reads it then.
      ready.catch(() => undefined);
      await withTimeout(ready, READY_TIMEOUT_MS, `${spec.label} getting ready`);
      await sleep(settings.settleMs);
      for (let i = 0; i < settings.samples; i += 1) {
        if (i > 0) await sleep(settings.sampleEveryMs);
        const sample = await service.sample();
        samples.push(sample);
        processes = sample.processes;
      }
    } catch (error) {
      const tail = service.lines.slice(-10).join("\n");
      throw new Error(`${spec.label}: ${(error as Error).message}\n${tail}`);
    } finally {
      await stop();
    }
  }
  const median = (pick: (sample: MemorySample) => number) => summarize(samples.map(pick)).p50;
  const rss = summarize(samples.map((s) => s.rss));
  return {
    label: variant.label,
    samples,
    rss: rss.p50,
    uss: median((s) => s.uss),
    treeRss: median((s) => s.treeRss),
    minRss: rss.min,
    maxRss: rss.max,
    processes,
  };
}

export async function benchIdleRss(
  cleanups: Cleanups,
  settings: RssSettings,
): Promise<SectionReport> {
  const id = "rss";
  const title = "Idle memory of the api and the worker: the build against tsx";
  if (process.platform !== "linux") {
    return {
      id,
      title,
      columns: [],
      rows: [],
      ratios: [],
      notes: [],
      data: {},
      skipped: "reads /proc (Linux only)",
    };
  }
  // What `npm start` does first: build what is stale, and the agent bundle the worker checks for.
  const rebuilt = {
    api: await buildIfStale("api"),
    worker: await buildIfStale("worker"),
  };
  await buildAgentBundle({ outfile: agentBundlePath });

  const db = await createTestDatabase("agentry_bench_rss");
  const dropDb = cleanups.defer("rss database", () => db.drop());
  await db.prisma.$disconnect();
  const namespace = `benchrss${randomBytes(4).toString("hex")}:`;
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  await redis.connect();
  const closeRedis = cleanups.defer("rss redis", async () => {
    await deleteNamespace(redis, namespace);
    redis.disconnect();
  });
  // As compose runs them (NODE_ENV=production, logs at info); agents would run as local
  // processes, so no Docker engine is needed (the Docker runtime's modules load either way).
  const env: NodeJS.ProcessEnv = {
    PATH: process.env["PATH"],
    HOME: process.env["HOME"],
    NODE_ENV: "production",
    LOG_LEVEL: "info",
    DATABASE_URL: db.url,
    REDIS_URL,
    ENCRYPTION_KEY: randomBytes(32).toString("hex"),
    AGENT_RUNTIME: "process",
    AGENTRY_NAMESPACE: namespace,
    METRICS_PORT: "0",
  };

  const measured: Measured[] = [];
  try {
    for (const variant of variants())
      measured.push(await measure(variant, env, settings, cleanups));
  } finally {
    await closeRedis();
    await dropDb();
  }

  const byLabel = (service: Variant["service"], how: Variant["how"]) => {
    const index = variants().findIndex((v) => v.service === service && v.how === how);
    return measured[index];
  };
  const mb = (bytes: number) => (bytes / MB).toFixed(1);
  const rows = measured.map((m) => [
    m.label,
    mb(m.rss),
    mb(m.minRss),
    mb(m.maxRss),
    mb(m.uss),
    mb(m.treeRss),
    String(m.processes),
  ]);
  const bare = byLabel("node", "bare");
  const ratios = [];
  for (const service of ["api", "worker"] as const) {
    const deployed = byLabel(service, "deployed");
    const built = byLabel(service, "built");
    const tsx = byLabel(service, "tsx");
    if (deployed && built && tsx && bare) {
      ratios.push(
        { label: `${service}: deployed ÷ tsx, RSS`, value: ratio(deployed.rss, tsx.rss) },
        {
          label: `${service}: deployed ÷ tsx, whole tree`,
          value: ratio(deployed.treeRss, tsx.treeRss),
        },
        { label: `${service}: node's defaults ÷ tsx, RSS`, value: ratio(built.rss, tsx.rss) },
        { label: `${service}: deployed ÷ bare node, RSS`, value: ratio(deployed.rss, bare.rss) },
        {
          label: `${service}: deployed ÷ ${TARGET_MB} MB target, RSS`,
          value: ratio(deployed.rss, TARGET_MB * MB),
        },
      );
    }
  }
  const notes = [
    `${settings.runs} fresh process(es) per row, ${settings.samples} samples each, ${settings.sampleEveryMs} ms apart, from ${settings.settleMs / 1000} s after ready; RSS is the median (min and max beside it)`,
    "USS: pages the process alone holds (RSS less the node binary's code, shared by every node process on the machine)",
    "tree: every process started (tsx: its CLI, the node running the program, and esbuild's service)",
    "as deployed: the image's and `npm start`'s settings (MALLOC_ARENA_MAX=2, glibc's trim and mmap thresholds at 128 KiB, --max-semi-space-size=4)",
  ];
  for (const [service, reasons] of Object.entries(rebuilt)) {
    if (reasons.length > 0)
      notes.push(
        `${service} was built first (${reasons.length === 1 ? reasons[0] : `${reasons.length} changes`})`,
      );
  }
  return {
    id,
    title,
    columns: ["process", "RSS MB", "min", "max", "USS MB", "tree RSS MB", "procs"],
    rows,
    ratios,
    notes,
    data: {
      settings,
      targetMB: TARGET_MB,
      measured: measured.map(({ samples, ...figures }) => ({
        ...figures,
        samples: samples.map((s) => ({ rss: s.rss, uss: s.uss, treeRss: s.treeRss })),
      })),
    },
  };
}
