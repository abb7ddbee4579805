import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { startTestApi, type TestApi, type TestApiOptions } from "@agentry/api/testing";
import { createLogger } from "@agentry/core";
import { startFakeProvider, type FakeProvider } from "@agentry/fake-provider";
import { loadWorkerConfig, startWorker, type RunningWorker } from "@agentry/worker";

// The whole system for end-to-end tests: the real api (HTTP + graphql-ws) on a fresh database,
// the real worker with a real runtime (Docker by default), Redis, and the fake provider in
// place of the AI providers. Everything speaks through the public API.

export const REDIS_URL = process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379";

export interface SystemOptions {
  readonly runtime?: "docker" | "process";
  /** Environment for both api and worker (system keys, ALLOW_SYSTEM_KEYS). */
  readonly env?: Readonly<Record<string, string>>;
  readonly api?: TestApiOptions;
  /** Redis for api and worker (default REDIS_URL, the machine's). */
  readonly redisUrl?: string;
  /** Whether to start the in-process worker now (default true); startWorker() starts it later. */
  readonly startWorker?: boolean;
  /** More worker environment that names the fake provider (e.g. its token endpoint). */
  readonly workerEnvFor?: (fake: FakeProvider) => Readonly<Record<string, string>>;
}

export interface System {
  readonly api: TestApi;
  readonly fake: FakeProvider;
  /** The running worker (replaced by restartWorker). */
  worker(): RunningWorker;
  /** Environment a worker of this system runs with (also for a worker in a child process). */
  readonly workerEnv: Readonly<Record<string, string>>;
  /** Every worker log line so far (JSON text), across restarts. */
  workerLogs(): readonly string[];
  startWorker(): Promise<RunningWorker>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

export async function startSystem(options: SystemOptions = {}): Promise<System> {
  const fake = await startFakeProvider({ keys: [] });
  const env = options.env ?? {};
  const redisUrl = options.redisUrl ?? REDIS_URL;
  const api = await startTestApi({
    ...(options.redisUrl === undefined ? {} : { redisUrl }),
    ...options.api,
    env: { ...env, ...options.api?.env },
  });
  const workerEnv: Record<string, string> = {
    NODE_ENV: "test",
    DATABASE_URL: api.databaseUrl,
    REDIS_URL: redisUrl,
    ENCRYPTION_KEY: api.encryptionKey,
    AGENT_RUNTIME: options.runtime ?? "docker",
    // The fake provider listens on 127.0.0.1: agents share the host's network to reach it.
    AGENT_NETWORK: "host",
    ANTHROPIC_BASE_URL: fake.baseUrls.anthropic,
    OPENAI_BASE_URL: fake.baseUrls.openai,
    GEMINI_BASE_URL: fake.baseUrls.gemini,
    // GitHub's API address for the Copilot CLI: the fake answers /copilot_internal/user.
    COPILOT_BASE_URL: fake.url,
    WORKER_LOCK_MS: "3000",
    SHUTDOWN_TIMEOUT_MS: "10000",
    LOG_LEVEL: "debug",
    ...env,
    ...options.workerEnvFor?.(fake),
  };
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(
        ...chunk
          .toString("utf8")
          .split("\n")
          .filter((line) => line !== ""),
      );
      callback();
    },
  });
  const logger = createLogger({ name: "worker", level: "debug", destination });
  let worker: RunningWorker | null = null;

  const system: System = {
    api,
    fake,
    workerEnv,
    worker() {
      if (worker === null) throw new Error("no worker running");
      return worker;
    },
    workerLogs: () => lines,
    async startWorker() {
      worker = await startWorker(loadWorkerConfig(workerEnv), logger, {
        namespace: api.namespace,
        recoverySettleMs: 10_000,
      });
      return worker;
    },
    async stopWorker() {
      await worker?.close();
      worker = null;
    },
    async close() {
      const running = worker;
      if (running !== null) {
        const agents = await api.prisma.agent.findMany({ select: { id: true } });
        for (const agent of agents) await running.runtime.remove(agent.id);
      }
      await system.stopWorker();
      await api.close();
      await fake.close();
    },
  };
  if (options.startWorker !== false) await system.startWorker();
  return system;
}

/** A fresh Anthropic-shaped API key (never a real one). */
export const anthropicKey = (): string => `sk-ant-api03-${randomBytes(24).toString("base64url")}`;
