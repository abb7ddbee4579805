import { createPrismaClient, type PrismaClient } from "@agentry/prisma";
import { createTestDatabase, type TestDatabase } from "@agentry/prisma/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLastUsedBatcher } from "../src/credentials/last-used.js";
import { reencryptCredentials } from "../src/credentials/reencrypt.js";
import { parseKeyRing } from "../src/crypto/key-ring.js";
import { credentialIdentityOf, sealedColumns, sealedFromRow } from "../src/crypto/seal.js";
import { createVault, type Vault } from "../src/crypto/vault.js";
import type { CredentialKind, Provider } from "../src/domain/enums.js";
import { createLogger } from "../src/logging/logger.js";
import {
  createSession,
  createUser,
  deferred,
  newKeyText,
  storeCredential,
} from "./support/fixtures.js";

let db: TestDatabase;
// Separate clients stand for separate processes: the re-encrypt run and a worker reading keys.
let reencryptClient: PrismaClient;
let readerClient: PrismaClient;

beforeAll(async () => {
  db = await createTestDatabase("core_reencrypt");
  reencryptClient = createPrismaClient(db.url, { poolSize: 2 });
  readerClient = createPrismaClient(db.url, { poolSize: 2 });
});
afterAll(async () => {
  await reencryptClient.$disconnect();
  await readerClient.$disconnect();
  await db.drop();
});
beforeEach(async () => {
  await db.prisma.credential.deleteMany();
});

const PROVIDERS: readonly Provider[] = ["ANTHROPIC", "OPENAI", "GEMINI", "GITHUB_COPILOT"];
const KINDS: readonly CredentialKind[] = ["API_KEY", "SUBSCRIPTION"];

/** `count` credentials under `vault`'s key, of every owner type, provider and kind; id → secret. */
async function storeRows(vault: Vault, count: number): Promise<Map<string, string>> {
  const secrets = new Map<string, string>();
  const owner = await createUser(db.prisma);
  for (let i = 0; i < count; i += 1) {
    const stored = await storeCredential(db.prisma, vault, {
      owner:
        i % 2 === 0
          ? { userId: (await createUser(db.prisma)).id }
          : { sessionId: (await createSession(db.prisma, owner.id)).id },
      provider: PROVIDERS[i % 4] ?? "ANTHROPIC",
      kind: KINDS[Math.floor(i / 4) % 2] ?? "API_KEY",
    });
    secrets.set(stored.id, stored.secret);
  }
  return secrets;
}

/** Reads every row as a worker would and opens it; returns the key versions seen and any failures. */
async function readAll(
  prisma: PrismaClient,
  vault: Vault,
  accept: (id: string, secret: string) => boolean,
): Promise<{ versions: Set<number>; failures: string[] }> {
  const rows = await prisma.credential.findMany();
  const versions = new Set<number>();
  const failures: string[] = [];
  for (const row of rows) {
    versions.add(row.keyVersion);
    try {
      const secret = vault.open(credentialIdentityOf(row), sealedFromRow(row));
      if (!accept(row.id, secret)) failures.push(`${row.id}: wrong plaintext`);
    } catch (error) {
      failures.push(`${row.id}: ${String(error)}`);
    }
  }
  return { versions, failures };
}

describe("reencryptCredentials", () => {
  it("moves every row to the current key while readers keep decrypting, without clobbering a concurrent replacement", async () => {
    const keyA = newKeyText();
    const keyB = newKeyText();
    const vaultA = createVault(parseKeyRing(keyA));
    const ring = parseKeyRing(keyB, keyA);
    const vault = createVault(ring);
    const secrets = await storeRows(vaultA, 40);
    const before = new Map(
      (await db.prisma.credential.findMany()).map((row) => [row.id, row.updatedAt.getTime()]),
    );
    const ids = (
      await db.prisma.credential.findMany({ orderBy: { id: "asc" }, select: { id: true } })
    ).map((row) => row.id);
    // Batches of 5 by id: the run reads rows 10..14 together and writes them in one statement,
    // which locks 10 and 11, then waits on row 12, which a transaction holds; row 13, already
    // read, is replaced meanwhile.
    const [beforeLocked, locked, replaced] = [ids[11], ids[12], ids[13]];
    if (beforeLocked === undefined || locked === undefined || replaced === undefined)
      throw new Error("too few rows");

    const holding = deferred();
    const release = deferred();
    const lockTx = db.prisma.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT "id" FROM "Credential" WHERE "id" = ${locked}::uuid FOR UPDATE`;
        holding.resolve();
        await release.promise;
      },
      { timeout: 60_000, maxWait: 10_000 },
    );
    await holding.promise;

    // A worker that keeps decrypting every row until the run ends.
    const replacement = `replaced-${crypto.randomUUID()}`;
    const acceptable = (id: string, secret: string): boolean =>
      secret === secrets.get(id) || (id === replaced && secret === replacement);
    const state = { stop: false };
    let readerPasses = 0;
    const readerFailures: string[] = [];
    const reader = (async () => {
      while (!state.stop) {
        const { failures } = await readAll(readerClient, vault, acceptable);
        readerFailures.push(...failures);
        readerPasses += 1;
      }
    })();

    const logger = createLogger({
      name: "reencrypt-test",
      level: "debug",
      destination: { write: () => undefined },
    });
    const run = reencryptCredentials(reencryptClient, vault, ring, { batchSize: 5, logger });

    // The run has reached row 12 once one of its statements waits on a lock.
    const reachedLock = async () => {
      for (;;) {
        const [waiting] = await db.prisma.$queryRaw<{ count: number }[]>`
          SELECT count(*)::int AS count FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'`;
        if ((waiting?.count ?? 0) > 0) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    await reachedLock();
    // Mid-run: rows before the held one are under B, the rest under A, and all of them open.
    const midway = await readAll(readerClient, vault, acceptable);
    expect(midway.failures).toEqual([]);
    expect(midway.versions).toEqual(new Set([ring.current.version, ring.previous[0]?.version]));
    // The waiting batch is one statement: none of its rows is written before all are.
    const waitingBatch = await readerClient.credential.findUniqueOrThrow({
      where: { id: beforeLocked },
    });
    expect(waitingBatch.keyVersion).toBe(ring.previous[0]?.version);

    // An old api process (its ring still has A as current) replaces row 13's secret.
    const row13 = await db.prisma.credential.findUniqueOrThrow({ where: { id: replaced } });
    await db.prisma.credential.update({
      where: { id: replaced },
      data: {
        ...sealedColumns(vaultA.seal(credentialIdentityOf(row13), replacement)),
        version: { increment: 1 },
      },
    });
    release.resolve();
    await lockTx;
    const result = await run;
    state.stop = true;
    await reader;

    expect(result).toMatchObject({ reencrypted: 40, skipped: 1, failed: 0, remaining: 0 });
    expect(readerFailures).toEqual([]);
    expect(readerPasses).toBeGreaterThan(0);

    // Only B is needed now: every row opens with a ring that holds B alone.
    const onlyB = createVault(parseKeyRing(keyB));
    const after = await db.prisma.credential.findMany();
    expect(after.every((row) => row.keyVersion === ring.current.version)).toBe(true);
    for (const row of after) {
      const secret = onlyB.open(credentialIdentityOf(row), sealedFromRow(row));
      expect(secret).toBe(row.id === replaced ? replacement : secrets.get(row.id));
      if (row.id !== replaced) {
        expect(row.version).toBe(1);
        expect(row.updatedAt.getTime()).toBe(before.get(row.id));
      }
    }
  });

  it("leaves a row that does not decrypt under its old key, reports it, and moves the rest", async () => {
    const keyA = newKeyText();
    const vaultA = createVault(parseKeyRing(keyA));
    const ring = parseKeyRing(newKeyText(), keyA);
    const secrets = await storeRows(vaultA, 6);
    const [broken] = [...secrets.keys()];
    if (broken === undefined) throw new Error("no rows");
    const row = await db.prisma.credential.findUniqueOrThrow({ where: { id: broken } });
    const ciphertext = new Uint8Array(row.ciphertext);
    ciphertext[2] = (ciphertext[2] ?? 0) ^ 0x04;
    await db.prisma.credential.update({ where: { id: broken }, data: { ciphertext } });

    const result = await reencryptCredentials(db.prisma, createVault(ring), ring, { batchSize: 2 });
    expect(result).toEqual({ scanned: 6, reencrypted: 5, skipped: 0, failed: 1, remaining: 1 });
    const left = await db.prisma.credential.findMany({
      where: { keyVersion: { not: ring.current.version } },
    });
    expect(left.map((r) => r.id)).toEqual([broken]);
  });

  it("never deadlocks with the lastUsedAt batcher writing the same rows at the same time", async () => {
    // Both write many rows in one statement: locked in different orders, two such statements
    // deadlock and Postgres aborts one (the re-encryption's run would fail). Here the stamps
    // come in descending id order, the re-encryption goes ascending, over and over.
    const keyA = newKeyText();
    const keyB = newKeyText();
    const rings = [parseKeyRing(keyB, keyA), parseKeyRing(keyA, keyB)];
    const secrets = await storeRows(createVault(parseKeyRing(keyA)), 60);
    // Plans as on a large table (index lookups row by row, in the statement's own order), not
    // this small table's sequential scan, which happens to visit rows in one order for both.
    const [{ name } = { name: "" }] = await db.prisma.$queryRaw<{ name: string }[]>`
      SELECT current_database() AS name`;
    await db.prisma.$executeRawUnsafe(
      `ALTER DATABASE "${name}" SET enable_seqscan = off; ALTER DATABASE "${name}" SET enable_hashjoin = off; ALTER DATABASE "${name}" SET enable_mergejoin = off`,
    );
    const stamper = createPrismaClient(db.url, { poolSize: 1 });
    const mover = createPrismaClient(db.url, { poolSize: 1 });
    const rows = await db.prisma.credential.findMany({ orderBy: { id: "desc" } });
    const warnings: string[] = [];
    const batcher = createLastUsedBatcher({
      prisma: stamper,
      intervalMs: 3_600_000,
      logger: createLogger({
        name: "batcher",
        level: "warn",
        destination: { write: (line: string) => void warnings.push(line) },
      }),
    });
    const state = { stop: false };
    const stamping = (async () => {
      while (!state.stop) {
        for (const row of rows) batcher.record({ id: row.id, version: 1, usedAt: new Date() });
        await batcher.flush();
      }
    })();
    try {
      for (let round = 0; round < 16; round += 1) {
        const ring = rings[round % 2] ?? rings[0];
        if (ring === undefined) throw new Error("no ring");
        const result = await reencryptCredentials(mover, createVault(ring), ring, {
          batchSize: 60,
        });
        expect(result).toMatchObject({ reencrypted: 60, failed: 0, remaining: 0 });
      }
    } finally {
      state.stop = true;
      await stamping;
      await batcher.close();
      await Promise.all([stamper.$disconnect(), mover.$disconnect()]);
      await db.prisma.$executeRawUnsafe(`ALTER DATABASE "${name}" RESET ALL`);
    }
    expect(warnings).toEqual([]);
    const after = await db.prisma.credential.findMany();
    expect(after.every((row) => row.lastUsedAt !== null)).toBe(true);
    const vault = createVault(rings[0] ?? parseKeyRing(keyA));
    for (const row of after)
      expect(vault.open(credentialIdentityOf(row), sealedFromRow(row))).toBe(secrets.get(row.id));
  });

  it("does nothing when every row is under the current key", async () => {
    const key = newKeyText();
    const ring = parseKeyRing(key);
    await storeRows(createVault(ring), 3);
    expect(
      await reencryptCredentials(db.prisma, createVault(ring), ring, { batchSize: 10 }),
    ).toEqual({
      scanned: 0,
      reencrypted: 0,
      skipped: 0,
      failed: 0,
      remaining: 0,
    });
  });
});
