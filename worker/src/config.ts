import { fileURLToPath } from "node:url";
import {
  commonEnvSchema,
  ConfigError,
  loadKeyRing,
  optionalText,
  parseEnv,
  type Env,
  type KeyRing,
} from "@agentry/core";
import { z } from "zod";

/** The repository root, where `npm start` keeps the development key (.local/encryption.key). */
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

const positiveInt = (fallback: number, max: number) =>
  z.preprocess(
    (value) => (typeof value === "string" && value.trim() === "" ? undefined : value),
    z.coerce.number().int().min(1).max(max).default(fallback),
  );

const unsetIfEmpty = (value: unknown): unknown =>
  typeof value === "string" && value.trim() === "" ? undefined : value;

/**
 * The metrics listener's port: a number (0: any free one) or `off`. Unset or empty gives
 * `fallback`, marked as not configured (a taken default port only warns).
 */
const metricsPortVariable = (fallback: number) =>
  z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .trim()
      .toLowerCase()
      .refine((value) => value === "off" || (/^\d{1,5}$/.test(value) && Number(value) <= 65535), {
        message: "must be a port number (0 to 65535; 0: any free one) or off",
      })
      .optional()
      .transform((value) =>
        value === undefined
          ? { port: fallback, configured: false }
          : { port: value === "off" ? null : Number(value), configured: true },
      ),
  );

const workerEnvSchema = commonEnvSchema.extend({
  /** docker | process; unset = docker where an engine answers, else process (with a warning). */
  AGENT_RUNTIME: optionalText().pipe(
    z.enum(["docker", "process"], { message: "must be docker or process" }).optional(),
  ),
  /** Messages run at once by this process (different agents; one agent runs one at a time). */
  WORKER_CONCURRENCY: positiveInt(4, 256),
  /** How long a stop waits for running messages before it gives up on them. */
  SHUTDOWN_TIMEOUT_MS: positiveInt(30_000, 10 * 60_000),
  /**
   * How long a message's lock lasts without renewal: after a worker dies, its runs are taken
   * over after about this long.
   */
  WORKER_LOCK_MS: positiveInt(30_000, 10 * 60_000),
  /**
   * Docker network for agent containers. Unset: the engine's default `bridge` where it exists,
   * else `host` with a warning (engines started with --bridge=none, as in development here).
   * `none` cuts agents off entirely (they then cannot reach a provider).
   */
  AGENT_NETWORK: optionalText(),
  /**
   * An agent image to run as it is (e.g. the Dockerfile's `agent` target, which compose builds).
   * Unset: the worker builds one offline at boot (mmdebstrap, the pinned CLIs, the bundle).
   */
  AGENT_IMAGE: optionalText(),
  /**
   * Prefix of the queues, pub/sub channels and Redis keys this worker uses, and the label that
   * scopes the agent environments it manages (it reconciles only its own): empty (the default)
   * in a deployment. A worker in its own process serves an api with the same namespace, as
   * in the system tests, whose api harness gives every run its own (the api's main has no
   * such variable: it always uses the empty one).
   */
  AGENTRY_NAMESPACE: z.preprocess(
    (value) => (typeof value === "string" ? value.trim() : value),
    z
      .string()
      .max(64)
      .regex(/^[A-Za-z0-9:_.-]*$/, { message: "may hold only letters, digits and : _ . -" })
      .default(""),
  ),
  /**
   * How long a worker that takes over a dead worker's message waits for the orphaned agent run
   * (still going in its container) to finish, reading its journal, before it fails the message
   * as interrupted.
   */
  RECOVERY_SETTLE_MS: positiveInt(30_000, 10 * 60_000),
  /** The time limit of one message's run (a CLI agent that outlives it fails AGENT_FAILED). */
  AGENT_RUN_TIMEOUT_MS: positiveInt(15 * 60_000, 24 * 60 * 60_000),
  /** CPUs per agent container. */
  AGENT_CPUS: positiveInt(1, 64),
  /** Memory per agent container, in MiB. */
  AGENT_MEMORY_MB: positiveInt(1024, 256 * 1024),
  /**
   * A refreshable subscription whose access token expires within this many seconds (or has) is
   * refreshed by the worker before a run, at ANTHROPIC_OAUTH_TOKEN_URL / OPENAI_OAUTH_TOKEN_URL.
   */
  OAUTH_REFRESH_AHEAD_SECONDS: positiveInt(300, 24 * 3600),
  /** Port of the /metrics listener (README: Metrics); `off` for none. */
  METRICS_PORT: metricsPortVariable(9465),
  /** Interface of the /metrics listener: loopback, so only this machine can scrape. */
  METRICS_HOST: z.preprocess(unsetIfEmpty, z.string().default("127.0.0.1")),
});

export type WorkerEnv = z.output<typeof workerEnvSchema>;

export interface WorkerConfig {
  readonly env: WorkerEnv;
  readonly ring: KeyRing;
  /** Set when the key came from the development key file (the caller warns). */
  readonly devKeyPath?: string;
}

/**
 * Parses the worker's environment and its key ring once, at boot. Throws one ConfigError that
 * lists every problem (no value quoted), so an operator fixes them all in one go.
 */
export function loadWorkerConfig(source: Env, root: string = repoRoot): WorkerConfig {
  const problems: string[] = [];
  let env: WorkerEnv | undefined;
  try {
    env = parseEnv(workerEnvSchema, source);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  // A malformed key is already among the problems above; report it once.
  let keys: ReturnType<typeof loadKeyRing> | undefined;
  if (!problems.some((problem) => problem.startsWith("ENCRYPTION_KEY"))) {
    try {
      keys = loadKeyRing(source, root);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (env === undefined || keys === undefined || problems.length > 0) {
    throw new ConfigError(problems);
  }
  return keys.path === undefined
    ? { env, ring: keys.ring }
    : { env, ring: keys.ring, devKeyPath: keys.path };
}
