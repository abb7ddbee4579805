import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { agentBundlePath } from "@agentry/agent";
import { buildAgentBundle } from "@agentry/agent/build.mjs";
import { startTestApi, type TestApi } from "@agentry/api/testing";
import { createLogger } from "@agentry/core";
import { startFakeProvider, type FakeProvider } from "@agentry/fake-provider";
import {
  createAgentRuntime,
  loadWorkerConfig,
  startWorker,
  type RunningWorker,
} from "@agentry/worker";
import Docker from "dockerode";
import type { Cleanups } from "../lib/cleanup.js";
import { deleteNamespace, REDIS_URL } from "../lib/redis-keys.js";

// The whole system, as the end-to-end tests run it: the api (HTTP + graphql-ws) on a fresh
// database, the worker with the Docker runtime, Redis, and the fake provider in place of the AI
// providers. Logs at info, as in production, kept in memory (the last lines explain a failure).

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** How long making sure of the agent image took in this run, before the worker started. */
export interface AgentImageEnsured {
  readonly ms: number;
  /** Whether a layer was built (false: every layer was there already). */
  readonly built: boolean;
}

export interface BenchSystem {
  readonly api: TestApi;
  readonly image: AgentImageEnsured;
  readonly fake: FakeProvider;
  readonly worker: RunningWorker;
  /** The worker's last log lines. */
  workerLogTail(lines?: number): readonly string[];
  /** Removes the agents' containers, stops the worker, the api (dropping its database) and the fake. */
  close(): Promise<void>;
}

export async function startBenchSystem(cleanups: Cleanups): Promise<BenchSystem> {
  // The Docker runtime bakes the bundle into the agent image: build it from the current source.
  await buildAgentBundle({ outfile: agentBundlePath });
  const fake = await startFakeProvider({ keys: [] });
  const closeFake = cleanups.defer("fake provider", () => fake.close());
  const api = await startTestApi({ env: { LOG_LEVEL: "info" } });
  const closeApi = cleanups.defer("dispatch api", async () => {
    await deleteNamespace(api.redis, api.namespace);
    await api.close();
  });
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(
        ...chunk
          .toString("utf8")
          .split("\n")
          .filter((line) => line !== ""),
      );
      if (lines.length > 500) lines.splice(0, lines.length - 500);
      callback();
    },
  });
  const logger = createLogger({ name: "worker", level: "info", destination });
  // The worker's own start-up step (ensureAgentImage, after the CLIs' install check), timed
  // here, before the worker has logged anything; the worker's call that follows finds every
  // layer in place.
  const imageStarted = performance.now();
  await createAgentRuntime({ kind: "docker", docker: new Docker(), repoRoot, logger });
  const image: AgentImageEnsured = {
    ms: performance.now() - imageStarted,
    built: lines.some((line) => line.includes("building the")),
  };
  const config = loadWorkerConfig({
    NODE_ENV: "test",
    DATABASE_URL: api.databaseUrl,
    REDIS_URL,
    ENCRYPTION_KEY: api.encryptionKey,
    AGENT_RUNTIME: "docker",
    // The fake provider listens on 127.0.0.1: agents share the host's network to reach it.
    AGENT_NETWORK: "host",
    ANTHROPIC_BASE_URL: fake.baseUrls.anthropic,
    OPENAI_BASE_URL: fake.baseUrls.openai,
    GEMINI_BASE_URL: fake.baseUrls.gemini,
    // GitHub's API address for the Copilot CLI: the fake answers /copilot_internal/user.
    COPILOT_BASE_URL: fake.url,
    SHUTDOWN_TIMEOUT_MS: "10000",
    LOG_LEVEL: "info",
  });
  const worker = await startWorker(config, logger, { namespace: api.namespace });
  const closeWorker = cleanups.defer("dispatch worker and its containers", async () => {
    const agents = await api.prisma.agent.findMany({ select: { id: true } });
    for (const agent of agents) await worker.runtime.remove(agent.id);
    await worker.close();
  });
  return {
    api,
    image,
    fake,
    worker,
    workerLogTail: (count = 20) => lines.slice(-count),
    async close() {
      await closeWorker();
      await closeApi();
      await closeFake();
    },
  };
}
