import { fileURLToPath } from "node:url";
import {
  AGENT_CONTROL_QUEUE,
  AgentEventLog,
  AgentRunLog,
  bullConnection,
  createLastUsedBatcher,
  CREDENTIAL_CHECK_CONCURRENCY,
  CREDENTIAL_CHECK_QUEUE,
  createOutageLog,
  isConnectionError,
  MESSAGE_QUEUE,
  providerBaseUrlsFromEnv,
  queuePrefix,
  SIGN_IN_POLL_QUEUE,
  SignInStore,
  systemKeysFromEnv,
  verifyKeyRing,
  type KeyRingReport,
  type Logger,
} from "@agentry/core";
import { createVault, type RunResolveDeps } from "@agentry/core/secrets";
import { createPrismaClient, Prisma, type PrismaClient } from "@agentry/prisma";
import { Queue, Worker } from "bullmq";
import Docker from "dockerode";
import { Redis } from "ioredis";
import { createAgentControlProcessor } from "./agents/agent-control.job.js";
import { createSeqReservations } from "./agents/event-seq-reservations.js";
import { reconcile, requeueUnfinished } from "./agents/reconcile.js";
import type { WorkerConfig } from "./config.js";
import {
  buildCheckHandlers,
  createCredentialCheckProcessor,
} from "./credential-checks/credential-check.job.js";
import type { WorkerMetrics } from "./metrics/worker-metrics.js";
import { waitingOutOutages } from "./database-wait.js";
import { WorkspaceRepository } from "./repository/workspace-repository.js";
import { listenForCancels } from "./messages/cancel-requests.js";
import { createMessageJobProcessor } from "./messages/message.job.js";
import {
  closeRedisClient,
  jobTracker,
  lostJobs,
  serialized,
  stopWorkers,
} from "./queue-lifecycle.js";
import { createAgentRuntime, type AgentRuntime } from "./runtime/index.js";
import { createDeviceSignIn } from "./sign-in/device-sign-in.js";
import {
  createSignInPollProcessor,
  createSignInPollQueue,
  signInEndpoints,
} from "./sign-in/sign-in-polls.js";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** How long a message waits for an unreachable database before its step fails as before. */
const DATABASE_WAIT_MS = 60_000;

/** A booted worker: its clients, and one way to stop it. */
export interface RunningWorker {
  readonly prisma: PrismaClient;
  readonly redis: Redis;
  readonly keyRing: KeyRingReport;
  readonly runtime: AgentRuntime;
  /** Stops taking work, waits for what runs (up to SHUTDOWN_TIMEOUT_MS), closes every client. */
  close(): Promise<void>;
}

export interface WorkerOptions {
  /** Prefix of queues, channels and event keys; "" in production, unique per test run. */
  readonly namespace?: string;
  /** A runtime to use instead of the configured one (tests). */
  readonly runtime?: AgentRuntime;
  /** How long recovery waits for an orphaned run to finish (default 30 s). */
  readonly recoverySettleMs?: number;
  /** Operators' metrics (main.ts builds them on the process's registry); none when unset. */
  readonly metrics?: WorkerMetrics;
}

/**
 * Builds the worker: clients, the key ring proven against the database before any work is
 * taken (a worker with the wrong ENCRYPTION_KEY would fail every message), the agent runtime,
 * reconciliation, then the BullMQ workers for messages and housekeeping.
 * On a boot failure the clients made so far are closed and the error is rethrown.
 */
export async function startWorker(
  config: WorkerConfig,
  logger: Logger,
  options: WorkerOptions = {},
): Promise<RunningWorker> {
  const { env } = config;
  const namespace = options.namespace ?? "";
  const prisma = createPrismaClient(env.DATABASE_URL);
  // BullMQ requires maxRetriesPerRequest: null on the connections its workers block on.
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null, lazyConnect: true });
  // Every client retries on its own while Redis is down; one line says so, one says it is back.
  const outages = createOutageLog(logger, "redis");
  redis.on("error", (error: Error) => {
    outages.failed("events", error);
  });
  redis.on("ready", () => {
    outages.reached("events");
  });
  const closeClients = async () => {
    await Promise.allSettled([prisma.$disconnect(), closeRedisClient(redis)]);
  };

  let keyRing: KeyRingReport;
  let runtime: AgentRuntime;
  try {
    if (config.devKeyPath !== undefined) {
      logger.warn(
        { path: config.devKeyPath },
        "using the DEVELOPMENT encryption key; production must set ENCRYPTION_KEY",
      );
    }
    [keyRing] = await Promise.all([verifyKeyRing(prisma, config.ring), redis.connect()]);
    if (keyRing.pendingReencryption > 0) {
      logger.warn(
        { pendingReencryption: keyRing.pendingReencryption },
        "credentials are still under a previous key; run `npm run keys:reencrypt`",
      );
    }
    logger.info({ keyVersion: keyRing.currentVersion }, "key ring verified");
    runtime = options.runtime ?? (await buildRuntime(config, logger, namespace));
  } catch (error) {
    await closeClients();
    throw isMissingTable(error)
      ? new Error("the database has no schema yet; run `npm run db:migrate` (npm start does)", {
          cause: error,
        })
      : error;
  }

  const prefix = queuePrefix(namespace);
  const connection = bullConnection(env.REDIS_URL);
  // The queue only adds and reads jobs: it shares the events connection, which this worker
  // closes itself (a BullMQ-owned one would wait, while Redis is down, to say QUIT).
  const messageQueue = new Queue(MESSAGE_QUEUE, { connection: redis, prefix });
  messageQueue.on("error", (error) => {
    outages.failed("message queue", error);
  });
  options.metrics?.watchQueue(() => messageQueue.getJobCounts("waiting", "active", "delayed"));
  const events = new AgentEventLog(redis, namespace, createSeqReservations(prisma));
  await reconcile({ prisma, queue: messageQueue, runtime, logger });
  // cancelMessage's requests to stop a message running here.
  const cancels = await listenForCancels(redis, namespace, logger.child({ component: "messages" }));
  // Messages this process is running right now (kept by the message processor).
  const runningHere = new Set<string>();
  let stopping = false;
  const requeue = serialized(async () => {
    if (stopping) return;
    try {
      const requeued = await requeueUnfinished({
        prisma,
        queue: messageQueue,
        skip: (id) => runningHere.has(id),
      });
      if (requeued > 0) logger.info({ requeued }, "requeued messages after Redis came back");
    } catch (error) {
      logger.warn(
        { err: { message: error instanceof Error ? error.message : String(error) } },
        "could not requeue messages",
      );
    }
  });
  // Back after an outage, Redis may have lost the queue (a restart without persistence, a
  // failover to a stale replica): every unfinished message gets its job back.
  redis.on("ready", requeue);

  // Credentials' lastUsedAt, written about once a second instead of on each message's path.
  const lastUsed = createLastUsedBatcher({ prisma, logger });
  // Messages wait out a database restart instead of failing on it.
  const messagesDb = waitingOutOutages(prisma, { logger, maxWaitMs: DATABASE_WAIT_MS });
  const resolve: RunResolveDeps = {
    prisma: messagesDb,
    vault: createVault(config.ring),
    systemKeys: systemKeysFromEnv(env),
    allowSystemKeys: env.ALLOW_SYSTEM_KEYS,
    lastUsed,
  };
  const processMessage = createMessageJobProcessor({
    prisma: messagesDb,
    runtime,
    repository: new WorkspaceRepository(runtime, { allowLoopback: env.REPOSITORY_ALLOW_LOOPBACK }),
    events,
    publisher: redis,
    topicNamespace: namespace,
    resolve,
    baseUrls: providerBaseUrlsFromEnv(env),
    runTimeLimitMs: env.AGENT_RUN_TIMEOUT_MS,
    refresh: {
      anthropicTokenUrl: env.ANTHROPIC_OAUTH_TOKEN_URL,
      openaiTokenUrl: env.OPENAI_OAUTH_TOKEN_URL,
      aheadMs: env.OAUTH_REFRESH_AHEAD_SECONDS * 1000,
      timeoutMs: env.VERIFY_TIMEOUT_MS,
    },
    logger: logger.child({ component: "messages" }),
    wake: async (messageId) => {
      const job = await messageQueue.getJob(messageId);
      if (job !== undefined && (await job.isDelayed())) await job.promote().catch(() => undefined);
    },
    runningHere,
    cancels,
    runLog: new AgentRunLog(redis, namespace),
    ...(options.recoverySettleMs === undefined
      ? {}
      : { recoverySettleMs: options.recoverySettleMs }),
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
  });
  // Every job being processed, of either queue (a stop waits for them).
  const jobs = jobTracker();
  const messageWorker = new Worker(MESSAGE_QUEUE, jobs.track(processMessage), {
    connection,
    prefix,
    concurrency: env.WORKER_CONCURRENCY,
    lockDuration: env.WORKER_LOCK_MS,
    stalledInterval: Math.max(1000, Math.floor(env.WORKER_LOCK_MS / 2)),
    // A run taken over after a crash is settled from its journal, never re-run blindly; many
    // crashes in a row must still end with the message settled, not dropped as "stalled".
    maxStalledCount: 100,
  });
  const controlWorker = new Worker(
    AGENT_CONTROL_QUEUE,
    jobs.track(createAgentControlProcessor({ runtime, events })),
    {
      connection,
      prefix,
      concurrency: 1,
    },
  );
  // Checks the api awaits (verifying a credential, a sign-in's exchange): their own workers, so
  // a queue of long message runs never holds them up.
  // Device sign-ins' polls: delayed jobs, each adding the next (sign-in/device-sign-in.ts).
  const signInPolls = createSignInPollQueue(redis, prefix);
  signInPolls.queue.on("error", (error) => {
    outages.failed("sign-in poll queue", error);
  });
  const checkWorker = new Worker(
    CREDENTIAL_CHECK_QUEUE,
    jobs.track(
      createCredentialCheckProcessor(
        buildCheckHandlers({
          prisma,
          vault: resolve.vault,
          redis,
          env,
          logger,
          namespace,
          signInPolls: signInPolls.schedule,
          runtime,
        }),
        logger,
      ),
    ),
    { connection, prefix, concurrency: CREDENTIAL_CHECK_CONCURRENCY },
  );
  const signInPollWorker = new Worker(
    SIGN_IN_POLL_QUEUE,
    jobs.track(
      createSignInPollProcessor(
        createDeviceSignIn({
          prisma,
          vault: resolve.vault,
          flows: new SignInStore(redis, namespace),
          endpoints: signInEndpoints(env),
          schedulePoll: signInPolls.schedule,
          logger: logger.child({ component: "sign-in" }),
        }),
      ),
    ),
    { connection, prefix, concurrency: CREDENTIAL_CHECK_CONCURRENCY },
  );
  await Promise.all([
    messageWorker.waitUntilReady(),
    controlWorker.waitUntilReady(),
    checkWorker.waitUntilReady(),
    signInPollWorker.waitUntilReady(),
  ]);
  const lostJob = lostJobs(logger, requeue);
  for (const worker of [messageWorker, controlWorker, checkWorker, signInPollWorker]) {
    worker.on("failed", (job, error) => {
      logger.warn(
        { jobId: job?.id, queue: worker.name, err: { message: error.message } },
        "job failed",
      );
    });
    worker.on("error", (error) => {
      if (isConnectionError(error)) outages.failed(worker.name, error);
      else if (!lostJob(worker.name, error))
        logger.error({ queue: worker.name, err: { message: error.message } }, "queue worker error");
    });
  }

  let closing: Promise<void> | undefined;
  const close = async () => {
    stopping = true;
    const handedBack = await stopWorkers({
      workers: [messageWorker, controlWorker, checkWorker, signInPollWorker],
      active: jobs.active,
      redis,
      timeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    });
    if (handedBack > 0) {
      logger.warn({ running: handedBack }, "shutdown timeout: handing running messages back");
    }
    await messageQueue.close();
    await signInPolls.close();
    await cancels.close();
    // Every run that resolved a key has stamped it by now: write the stamps before disconnecting.
    await lastUsed.close();
    await closeClients();
  };
  return {
    prisma,
    redis,
    keyRing,
    runtime,
    close: () => (closing ??= close()),
  };
}

async function buildRuntime(
  config: WorkerConfig,
  logger: Logger,
  namespace: string,
): Promise<AgentRuntime> {
  const { env } = config;
  const docker = new Docker();
  return createAgentRuntime({
    kind: env.AGENT_RUNTIME,
    // Reconciliation removes environments whose agent is not in this database: it must see
    // only this deployment's, not those of another one (or a test run) on the same engine.
    namespace,
    docker,
    repoRoot: REPO_ROOT,
    logger,
    image: env.AGENT_IMAGE,
    containers: {
      networkMode: env.AGENT_NETWORK ?? (await defaultNetwork(docker, logger)),
      cpus: env.AGENT_CPUS,
      memoryBytes: env.AGENT_MEMORY_MB * 1024 * 1024,
    },
  });
}

/** The engine's `bridge` network where it exists; else `host`, loudly. */
async function defaultNetwork(docker: Docker, logger: Logger): Promise<string> {
  // No engine: the process runtime will run agents, and no network applies.
  const engineAnswers = await docker.ping().then(
    () => true,
    () => false,
  );
  if (!engineAnswers) return "none";
  try {
    await docker.getNetwork("bridge").inspect();
    return "bridge";
  } catch {
    logger.warn(
      "the Docker engine has no bridge network: agent containers share the host's network (set AGENT_NETWORK to choose)",
    );
    return "host";
  }
}

const isMissingTable = (error: unknown): boolean =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2021";
