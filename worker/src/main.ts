// The worker process's composition root: configuration, clients, boot checks, and a stop on
// SIGTERM/SIGINT. Nothing else reads process.env or creates a client.
import { ConfigError, createLogger, KeyRingMismatchError } from "@agentry/core";
import { Registry } from "prom-client";
import { loadWorkerConfig } from "./config.js";
import { startMetricsListener, type MetricsListener } from "./metrics/metrics-listener.js";
import { createWorkerMetrics } from "./metrics/worker-metrics.js";
import { startWorker } from "./worker.js";

async function main(): Promise<void> {
  let config;
  try {
    config = loadWorkerConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`worker: ${error.message}\n`);
    process.exitCode = 1;
    return;
  }
  const logger = createLogger({ name: "worker", level: config.env.LOG_LEVEL });
  const metrics = createWorkerMetrics(new Registry());

  let metricsListener: MetricsListener | null;
  try {
    metricsListener = await startMetricsListener(
      metrics.registry,
      { ...config.env.METRICS_PORT, host: config.env.METRICS_HOST },
      logger,
    );
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`worker: ${error.message}\n`);
    process.exitCode = 1;
    return;
  }

  let worker;
  try {
    worker = await startWorker(config, logger, {
      namespace: config.env.AGENTRY_NAMESPACE,
      recoverySettleMs: config.env.RECOVERY_SETTLE_MS,
      metrics,
    });
  } catch (error) {
    if (error instanceof KeyRingMismatchError) {
      logger.fatal({ err: error }, "refusing to start: the encryption key does not fit the data");
    } else {
      logger.fatal({ err: error }, "boot failed");
    }
    await metricsListener?.close();
    process.exitCode = 1;
    return;
  }
  logger.info("worker ready");

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
  logger.info({ signal }, "stopping");
  const forced = setTimeout(() => {
    logger.error("shutdown timed out; exiting");
    process.exit(1);
  }, config.env.SHUTDOWN_TIMEOUT_MS + 5_000);
  forced.unref();
  await worker.close();
  await metricsListener?.close();
  logger.info("stopped");
}

await main();
