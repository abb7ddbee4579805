import { randomBytes, randomUUID } from "node:crypto";
import { createLogger, KeyRingMismatchError, parseKeyRing, sealedColumns } from "@agentry/core";
import { createVault } from "@agentry/core/secrets";
import { createTestDatabase, type TestDatabase } from "@agentry/prisma/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadWorkerConfig, type WorkerConfig } from "../src/config.js";
import { startWorker } from "../src/worker.js";

const logger = createLogger({ name: "worker-test", level: "silent" });
const keyText = () => randomBytes(32).toString("hex");

// A database per test: which keys a boot accepts depends on every credential stored.
let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase("agentry_worker_boot");
});
afterEach(async () => {
  await db.drop();
});

function configFor(key: string, previous?: string): WorkerConfig {
  return loadWorkerConfig({
    DATABASE_URL: db.url,
    ENCRYPTION_KEY: key,
    ...(previous === undefined ? {} : { ENCRYPTION_KEYS_PREVIOUS: previous }),
  });
}

/** Stores one user credential sealed under `key`, as the api would. */
async function storeCredentialUnder(key: string): Promise<void> {
  const user = await db.prisma.user.create({
    data: { email: `boot-${randomUUID()}@example.test`, passwordHash: "not-a-real-hash" },
  });
  const id = randomUUID();
  const vault = createVault(parseKeyRing(key));
  const sealed = vault.seal(
    { id, owner: { type: "user", id: user.id }, provider: "ANTHROPIC", kind: "API_KEY" },
    `sk-test-${randomUUID()}`,
  );
  await db.prisma.credential.create({
    data: {
      id,
      userId: user.id,
      provider: "ANTHROPIC",
      kind: "API_KEY",
      hint: "abcd",
      ...sealedColumns(sealed),
    },
  });
}

describe("worker boot", () => {
  it("starts with the key the data was stored under and records its key check", async () => {
    const key = keyText();
    await storeCredentialUnder(key);
    const worker = await startWorker(configFor(key), logger);
    try {
      expect(worker.keyRing.pendingReencryption).toBe(0);
      expect(await worker.redis.ping()).toBe("PONG");
      const checks = await db.prisma.keyCheck.findMany();
      expect(checks.map((check) => check.keyVersion)).toContain(worker.keyRing.currentVersion);
    } finally {
      await worker.close();
    }
  });

  it("refuses to start with a key that cannot open the stored credentials", async () => {
    await storeCredentialUnder(keyText());
    await expect(startWorker(configFor(keyText()), logger)).rejects.toBeInstanceOf(
      KeyRingMismatchError,
    );
  });

  it("starts with a new key when the old one is kept as previous, and reports what to re-encrypt", async () => {
    const oldKey = keyText();
    await storeCredentialUnder(oldKey);
    const worker = await startWorker(configFor(keyText(), oldKey), logger);
    try {
      expect(worker.keyRing.pendingReencryption).toBe(1);
    } finally {
      await worker.close();
    }
  });
});
