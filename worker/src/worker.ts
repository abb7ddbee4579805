import { verifyKeyRing, type KeyRingReport, type Logger } from "@agentry/core";
import { createPrismaClient, Prisma, type PrismaClient } from "@agentry/prisma";
import { Redis } from "ioredis";
import type { WorkerConfig } from "./config.js";

/** A booted worker: its clients, and one way to stop it. */
export interface RunningWorker {
  readonly prisma: PrismaClient;
  readonly redis: Redis;
  readonly keyRing: KeyRingReport;
  /** Stops taking work, waits for what runs (up to SHUTDOWN_TIMEOUT_MS), closes every client. */
  close(): Promise<void>;
}

/**
 * Builds the worker's clients and proves the key ring opens what the database holds before any
 * work is taken: a worker with the wrong ENCRYPTION_KEY would fail every message it ran.
 * On any boot failure the clients made so far are closed and the error is rethrown.
 */
export async function startWorker(config: WorkerConfig, logger: Logger): Promise<RunningWorker> {
  const { env } = config;
  const prisma = createPrismaClient(env.DATABASE_URL);
  // BullMQ requires maxRetriesPerRequest: null on the connections its workers block on.
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null, lazyConnect: true });
  const closeClients = async () => {
    await Promise.allSettled([prisma.$disconnect(), redis.quit()]);
  };

  try {
    if (config.devKeyPath !== undefined) {
      logger.warn(
        { path: config.devKeyPath },
        "using the DEVELOPMENT encryption key; production must set ENCRYPTION_KEY",
      );
    }
    const [keyRing] = await Promise.all([verifyKeyRing(prisma, config.ring), redis.connect()]);
    if (keyRing.pendingReencryption > 0) {
      logger.warn(
        { pendingReencryption: keyRing.pendingReencryption },
        "credentials are still under a previous key; run `npm run keys:reencrypt`",
      );
    }
    logger.info({ keyVersion: keyRing.currentVersion }, "key ring verified");
    return { prisma, redis, keyRing, close: closeClients };
  } catch (error) {
    await closeClients();
    throw isMissingTable(error)
      ? new Error("the database has no schema yet; run `npm run db:migrate` (npm start does)", {
          cause: error,
        })
      : error;
  }
}

const isMissingTable = (error: unknown): boolean =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2021";
