import "reflect-metadata";
import {
  ConfigError,
  createLogger,
  createOutageLog,
  createSealingVault,
  KeyRingMismatchError,
  loadKeyRing,
  verifyKeyRing,
} from "@agentry/core";
import { createPrismaClient } from "@agentry/prisma";
import { fileURLToPath } from "node:url";
import { Registry } from "prom-client";
import { composeApi } from "./app.js";
import { loadApiConfig } from "./config.js";
import { parseOrigins } from "./http/cors.js";
import { createApiMetrics } from "./metrics/api-metrics.js";
import { startMetricsListener } from "./metrics/metrics-listener.js";
import { createRedisClients } from "./redis-clients.js";
import { startApi } from "./server.js";

// The api's composition root: config → logger → Prisma → Redis → key ring and vault → key
// check → metrics → services → schema → HTTP + WebSocket server, and a graceful shutdown.

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
// Longer than the HTTP drain's grace period (10 s, server.ts), so in-flight requests finish first.
const SHUTDOWN_TIMEOUT_MS = 15_000;

async function main(): Promise<void> {
  const config = loadApiConfig(process.env);
  const logger = createLogger({ name: "api", level: config.LOG_LEVEL });
  const keys = loadKeyRing(config, REPO_ROOT);
  if (keys.source === "dev-file") {
    logger.warn(
      { path: keys.path },
      "ENCRYPTION_KEY is not set: using the development key file (never in production)",
    );
  }

  const prisma = createPrismaClient(config.DATABASE_URL);
  const outages = createOutageLog(logger, "redis");
  const { redis, redisSubscriber } = createRedisClients(config.REDIS_URL, outages);
  await Promise.all([redis.connect(), redisSubscriber.connect()]);

  const report = await verifyKeyRing(prisma, keys.ring);
  logger.info(
    { keyVersion: report.currentVersion, versionsInUse: report.versionsInUse },
    "key ring verified",
  );
  if (report.pendingReencryption > 0) {
    logger.warn(
      { credentials: report.pendingReencryption },
      "credentials are under an older key: run `npm run keys:reencrypt`",
    );
  }

  const metrics = createApiMetrics(new Registry());
  const metricsListener = await startMetricsListener(
    metrics.registry,
    { ...config.METRICS_PORT, host: config.METRICS_HOST },
    logger,
  );
  const deps = await composeApi({
    config,
    logger,
    prisma,
    redis,
    redisSubscriber,
    outages,
    metrics,
    // Only the current key, and only sealing: the api never opens a stored secret.
    vault: createSealingVault(keys.ring.current),
  });
  const api = await startApi(deps, {
    port: config.PORT,
    host: config.HOST,
    corsOrigins: parseOrigins(config.CORS_ORIGINS),
  });
  logger.info({ url: api.url, wsUrl: api.wsUrl }, "api ready");

  let stoppingSince: number | undefined;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stoppingSince !== undefined) {
      // tsx relays a signal the child also got itself (Ctrl-C reaches the whole process group),
      // so only a signal that comes a while later means "stop now".
      if (Date.now() - stoppingSince < 1000) return;
      logger.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    stoppingSince = Date.now();
    logger.info({ signal }, "shutting down: draining connections");
    const force = setTimeout(() => {
      logger.error("shutdown timed out; exiting");
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    force.unref();
    api
      .close()
      .then(() =>
        Promise.all([
          prisma.$disconnect(),
          redis.quit(),
          redisSubscriber.quit(),
          metricsListener?.close(),
        ]),
      )
      .then(() => {
        logger.info("stopped");
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error(
          { errorName: error instanceof Error ? error.name : typeof error },
          "shutdown failed",
        );
        process.exit(1);
      });
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof KeyRingMismatchError) {
    process.stderr.write(`api: ${error.message}\n`);
  } else {
    process.stderr.write(
      `api: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
