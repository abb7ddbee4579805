import type { PrismaClient } from "@agentry/prisma";
import type { Logger } from "../logging/logger.js";

// Stamping lastUsedAt is a write (a commit) on every message's path, and nothing reads the stamp
// at second precision: record it in memory and write the batch about once a second, in one
// statement. A worker that closes flushes first; a crash loses at most the last interval's
// stamps (the runs themselves are recorded on their messages: keySource, credentialId).

/** One use of a stored credential: which row, which version of its secret, when. */
export interface CredentialUse {
  readonly id: string;
  readonly version: number;
  readonly usedAt: Date;
}

/** Where resolveForRun records a use instead of writing it on the message's path. */
export interface LastUsedSink {
  record(use: CredentialUse): void;
}

export interface LastUsedBatcher extends LastUsedSink {
  /** Writes what is recorded so far; resolves once it is written (or the write failed and was logged). */
  flush(): Promise<void>;
  /** Stops the timer and flushes; call before the database client disconnects. */
  close(): Promise<void>;
  /** Uses recorded and not yet written. */
  readonly pending: number;
}

export interface LastUsedBatcherOptions {
  readonly prisma: PrismaClient;
  readonly logger: Logger;
  /** How long a recorded use may wait before it is written; default 1 s. */
  readonly intervalMs?: number;
}

export const LAST_USED_FLUSH_MS = 1_000;

export function createLastUsedBatcher(options: LastUsedBatcherOptions): LastUsedBatcher {
  const { prisma, logger } = options;
  const intervalMs = options.intervalMs ?? LAST_USED_FLUSH_MS;
  // One entry per (credential, version): many messages on one key between flushes are one row.
  const pending = new Map<string, CredentialUse>();
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  const keep = (use: CredentialUse) => {
    const key = `${use.id}:${String(use.version)}`;
    const seen = pending.get(key);
    if (seen === undefined || seen.usedAt.getTime() < use.usedAt.getTime()) pending.set(key, use);
  };
  const schedule = () => {
    // unref: a pending stamp never holds the process open; close() flushes it.
    timer ??= setTimeout(() => {
      timer = undefined;
      void flush();
    }, intervalMs).unref();
  };

  const write = async (): Promise<void> => {
    if (pending.size === 0) return;
    const batch = [...pending.values()];
    pending.clear();
    try {
      // GREATEST: a late batch never moves a stamp back. The version guard skips a use of a
      // secret that was replaced meanwhile (the new one was not used), and updatedAt, the key's
      // change time, is not touched (raw SQL: no @updatedAt). Rows are locked in id order, as
      // re-encryption's batches lock them, so a flush and a re-encryption batch never deadlock.
      await prisma.$executeRaw`
        WITH u AS (
          SELECT * FROM unnest(
            ${batch.map((use) => use.id)}::uuid[],
            ${batch.map((use) => use.version)}::int[],
            ${batch.map((use) => use.usedAt.toISOString())}::timestamp(3)[]
          ) AS t(id, version, used_at)
        ), locked AS (
          SELECT c.id FROM "Credential" c JOIN u ON u.id = c.id AND u.version = c.version
          ORDER BY c.id
          FOR UPDATE OF c
        )
        UPDATE "Credential" AS c
        SET "lastUsedAt" = GREATEST(c."lastUsedAt", u.used_at)
        FROM u, locked l
        WHERE c.id = u.id AND c.version = u.version AND c.id = l.id`;
    } catch (error) {
      // Kept for the next attempt (the database may be back by then).
      for (const use of batch) keep(use);
      schedule();
      logger.warn(
        { pending: pending.size, err: { message: (error as Error).message } },
        "could not write credentials' lastUsedAt; will retry",
      );
    }
  };

  const flush = (): Promise<void> => {
    // One write at a time, in order: a flush waits for the one before it.
    writing = writing.then(write);
    return writing;
  };

  return {
    record(use) {
      keep(use);
      schedule();
    },
    flush,
    async close() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      await flush();
      if (pending.size > 0) {
        // The last write failed (and scheduled a retry that will not come): these are lost.
        clearTimeout(timer);
        timer = undefined;
        logger.error({ lost: pending.size }, "credentials' lastUsedAt not written at shutdown");
      }
    },
    get pending() {
      return pending.size;
    },
  };
}
