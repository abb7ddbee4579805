import { readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { withProductionRuntime } from "../../../scripts/lib/service-build.mjs";
import { BenchProcess } from "../lib/child-process.js";
import type { Cleanups } from "../lib/cleanup.js";
import { AGENT_EVENTS_SUBSCRIPTION } from "../lib/gql.js";
import type { SectionReport } from "../lib/report.js";
import { report, type IdleSocketsSettings, type SocketsRun } from "./sockets-report.js";
import type {
  FromClient,
  FromServer,
  MemorySample,
  ServerKind,
  ServerScene,
  SocketPlan,
  ToClient,
  ToServer,
} from "./sockets-protocol.js";

// Idle sockets: what holding many open graphql-ws connections, each authenticated and with one
// live agentEvents subscription, costs the api in memory. The api runs in a process of its own
// (measured: RSS and heap after a full collection, before and with the sockets); the sockets
// come from several other processes. Baseline: a bare `ws` server holding as many plain
// WebSockets, measured the same way in a process of its own.

export type { IdleSocketsSettings } from "./sockets-report.js";

type Server = BenchProcess<ToServer, FromServer>;
type Client = BenchProcess<ToClient, FromClient>;

const SERVER_ENTRY = new URL("./socket-server.process.ts", import.meta.url);
const CLIENT_ENTRY = new URL("./socket-client.process.ts", import.meta.url);
const SETUP_TIMEOUT_MS = 5 * 60_000;
// Each socket costs the api a few database reads (token, membership): on a busy 2-core machine
// 10,000 take minutes.
const OPEN_TIMEOUT_MS = 15 * 60_000;
const PROBE_EVERY_MS = 250;
const PROBE_TIMEOUT_MS = 60_000;
const STEP_TIMEOUT_MS = 60_000;
const CLOSE_SETTLE_MS = 1_000;

export async function benchIdleSockets(
  cleanups: Cleanups,
  settings: IdleSocketsSettings,
): Promise<SectionReport> {
  await checkDescriptorLimit(settings.sockets);
  const runs: SocketsRun[] = [];
  for (const kind of ["bare", "agentry"] as const) {
    const run = await runPath(cleanups, kind, settings);
    runs.push(run);
    console.error(
      `  idle sockets ${kind}: ${run.sockets} sockets, ${(run.rssAboveIdle / 2 ** 20).toFixed(1)} MB RSS above idle`,
    );
  }
  return report(runs, settings);
}

/** Every server-side socket is a descriptor of the measured process: say so before failing. */
async function checkDescriptorLimit(sockets: number): Promise<void> {
  const limits = await readFile("/proc/self/limits", "utf8").catch(() => undefined);
  const line = limits?.split("\n").find((entry) => entry.startsWith("Max open files"));
  const soft = Number(line?.split(/\s+/)[3]);
  // Node raises its soft limit to the hard one at start; the children inherit it.
  if (Number.isFinite(soft) && soft < sockets + 1_000) {
    throw new Error(
      `the idle-sockets bench needs ${sockets + 1_000} open files per process, the limit here is ${soft}: raise the hard limit (ulimit -Hn, or docker run --ulimit nofile=…)`,
    );
  }
}

async function runPath(
  cleanups: Cleanups,
  kind: ServerKind,
  settings: IdleSocketsSettings,
): Promise<SocketsRun> {
  const users = Math.ceil(settings.sockets / settings.socketsPerUser);
  const server: Server = BenchProcess.start(SERVER_ENTRY, `${kind} socket server`, {
    args: [kind, String(users), String(settings.agents)],
    execArgv: ["--expose-gc"],
    // Memory as production has it: npm start and the image run the api with these settings.
    env: withProductionRuntime(process.env),
  });
  const stopServer = cleanups.defer(`${kind} socket server`, async () => {
    server.send({ type: "close" });
    await server.next((m) => m.type === "closed", STEP_TIMEOUT_MS, "closing").catch(() => null);
    await server.stop();
  });
  const clients: Client[] = [];
  const stopClients = cleanups.defer(`${kind} socket clients`, async () => {
    await Promise.all(clients.map((client) => client.stop()));
  });
  try {
    const ready = await server.next((m) => m.type === "ready", SETUP_TIMEOUT_MS, "setting up");
    const scene = (ready as Extract<FromServer, { type: "ready" }>).scene;
    const plans = socketPlans(kind, scene, settings);
    for (let index = 0; index < settings.clientProcesses; index += 1) {
      clients.push(BenchProcess.start(CLIENT_ENTRY, `${kind} socket client ${index + 1}`));
    }
    // A round of a few sockets first, so that idle is a server that has served sockets (code
    // compiled, pools grown), not one that just started: what is left above it is per socket.
    await holdSockets(server, clients, plans.slice(0, settings.warmSockets), settings);
    await closeSockets(clients);
    const idle = await measure(server);

    const openSeconds = await holdSockets(server, clients, plans, settings);
    const held = await measure(server);
    await closeSockets(clients);
    const afterClose = await measure(server);
    return {
      path: kind,
      sockets: plans.length,
      openSeconds,
      idle,
      held,
      afterClose,
      rssAboveIdle: held.rss - idle.rss,
      heapAboveIdle: held.heapUsed - idle.heapUsed,
    };
  } finally {
    await stopClients();
    await stopServer();
  }
}

/** Opens `plans` from the client processes, then probes; returns how long opening took (s). */
async function holdSockets(
  server: Server,
  clients: readonly Client[],
  plans: readonly SocketPlan[],
  settings: IdleSocketsSettings,
): Promise<number> {
  const opening = performance.now();
  await Promise.all(
    clients.map((client, index) =>
      client.request(
        {
          type: "open",
          sockets: plans.filter((_, socket) => socket % clients.length === index),
          concurrency: settings.concurrencyPerProcess,
        },
        (m) => m.type === "opened",
        OPEN_TIMEOUT_MS,
        "opening its sockets",
      ),
    ),
  );
  const seconds = (performance.now() - opening) / 1000;
  await probe(server, clients);
  return seconds;
}

async function closeSockets(clients: readonly Client[]): Promise<void> {
  await Promise.all(
    clients.map((client) =>
      client.request({ type: "close" }, (m) => m.type === "closed", STEP_TIMEOUT_MS, "closing"),
    ),
  );
  // The server runs its close handlers as the close frames arrive: give it a moment.
  await sleep(CLOSE_SETTLE_MS);
}

/** Socket i: the member holding it (settings.socketsPerUser each), and the agent it watches. */
function socketPlans(
  kind: ServerKind,
  scene: ServerScene,
  settings: IdleSocketsSettings,
): SocketPlan[] {
  return Array.from({ length: settings.sockets }, (_, index): SocketPlan => {
    if (kind === "bare") return { kind, url: scene.url };
    const token = scene.tokens[Math.floor(index / settings.socketsPerUser)];
    const agentId = scene.agentIds[index % scene.agentIds.length];
    if (token === undefined || agentId === undefined) throw new Error("the scene is too small");
    return {
      kind,
      url: scene.url,
      token,
      query: AGENT_EVENTS_SUBSCRIPTION,
      variables: { agentId },
    };
  });
}

/** Publishes until every socket has received an event: every subscription is live. */
async function probe(server: Server, clients: readonly Client[]): Promise<void> {
  const received = Promise.all(
    clients.map((client) =>
      client.request({ type: "expect" }, (m) => m.type === "received", PROBE_TIMEOUT_MS, "probe"),
    ),
  );
  const probing = { done: false };
  void received.then(
    () => (probing.done = true),
    () => (probing.done = true),
  );
  while (!probing.done) {
    await server.request({ type: "probe" }, (m) => m.type === "probed", STEP_TIMEOUT_MS, "probe");
    await sleep(PROBE_EVERY_MS);
  }
  await received;
}

async function measure(server: Server): Promise<MemorySample> {
  const reply = await server.request(
    { type: "measure" },
    (m) => m.type === "memory",
    STEP_TIMEOUT_MS,
    "measuring",
  );
  return (reply as Extract<FromServer, { type: "memory" }>).memory;
}
