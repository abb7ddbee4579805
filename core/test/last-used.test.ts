import { createTestDatabase, type TestDatabase } from "@agentry/prisma/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createLastUsedBatcher, type LastUsedBatcher } from "../src/credentials/last-used.js";
import { resolveForRun } from "../src/credentials/resolve-for-run.js";
import type { Vault } from "../src/crypto/vault.js";
import { createLogger } from "../src/logging/logger.js";
import { createSession, createUser, newRing, storeCredential } from "./support/fixtures.js";

let db: TestDatabase;
let vault: Vault;

beforeAll(async () => {
  db = await createTestDatabase("core_last_used");
  vault = newRing().vault;
});
afterAll(async () => {
  await db.drop();
});

function capture() {
  const lines: string[] = [];
  const logger = createLogger({
    name: "test",
    level: "debug",
    destination: { write: (line: string) => lines.push(line) },
  });
  return { lines, logger };
}

// An interval no test waits out: only flush() and close() write, unless a test says otherwise.
const batcher = (intervalMs = 3_600_000): LastUsedBatcher =>
  createLastUsedBatcher({ prisma: db.prisma, logger: capture().logger, intervalMs });

async function storedKey(secret = "sk-ant-api03-the-real-plaintext") {
  const user = await createUser(db.prisma);
  const session = await createSession(db.prisma, user.id);
  const key = await storeCredential(db.prisma, vault, {
    owner: { sessionId: session.id },
    provider: "ANTHROPIC",
    kind: "API_KEY",
    secret,
  });
  const query = {
    sessionId: session.id,
    actingUserId: user.id,
    provider: "ANTHROPIC",
    agentKind: "CHAT",
  } as const;
  return { user, session, key, query };
}

const row = (id: string) => db.prisma.credential.findUniqueOrThrow({ where: { id } });

describe("lastUsedAt off the message's path", () => {
  it("resolveForRun with the batcher returns without writing, and the stamp lands when the batcher closes", async () => {
    const { key, query } = await storedKey();
    const before = await row(key.id);
    const stamps = batcher();
    const now = new Date(Date.now() + 5_000);

    const run = await resolveForRun(
      {
        prisma: db.prisma,
        systemKeys: {},
        allowSystemKeys: false,
        vault,
        lastUsed: stamps,
        now: () => now,
      },
      query,
    );

    expect(run.secret).toBe("sk-ant-api03-the-real-plaintext");
    expect(run.resolution).toMatchObject({ source: "SESSION", credentialId: key.id });
    expect((await row(key.id)).lastUsedAt).toBeNull();
    expect(stamps.pending).toBe(1);

    await stamps.close();
    const after = await row(key.id);
    expect(after.lastUsedAt).toEqual(now);
    expect(after.updatedAt).toEqual(before.updatedAt);
    expect(stamps.pending).toBe(0);
  });

  it("writes on its own within the interval, without a close", async () => {
    const { key, query } = await storedKey();
    const stamps = batcher(20);
    const now = new Date(Date.now() + 7_000);
    await resolveForRun(
      {
        prisma: db.prisma,
        systemKeys: {},
        allowSystemKeys: false,
        vault,
        lastUsed: stamps,
        now: () => now,
      },
      query,
    );
    await vi.waitFor(async () => {
      expect((await row(key.id)).lastUsedAt).toEqual(now);
    });
    await stamps.close();
  });

  it("many uses between flushes leave each key's latest time, and a late, older use never moves it back", async () => {
    const a = await storedKey();
    const b = await storedKey();
    const stamps = batcher();
    const t = (seconds: number) => new Date(Date.UTC(2030, 0, 1, 12, 0, seconds));
    stamps.record({ id: a.key.id, version: 1, usedAt: t(2) });
    stamps.record({ id: a.key.id, version: 1, usedAt: t(5) });
    stamps.record({ id: a.key.id, version: 1, usedAt: t(3) });
    stamps.record({ id: b.key.id, version: 1, usedAt: t(1) });
    expect(stamps.pending).toBe(2);
    await stamps.flush();
    expect((await row(a.key.id)).lastUsedAt).toEqual(t(5));
    expect((await row(b.key.id)).lastUsedAt).toEqual(t(1));

    stamps.record({ id: a.key.id, version: 1, usedAt: t(4) });
    stamps.record({ id: b.key.id, version: 1, usedAt: t(9) });
    await stamps.close();
    expect((await row(a.key.id)).lastUsedAt).toEqual(t(5));
    expect((await row(b.key.id)).lastUsedAt).toEqual(t(9));
  });

  it("does not stamp a key whose secret was replaced after it was used (the new secret was not)", async () => {
    const { key } = await storedKey();
    const stamps = batcher();
    stamps.record({ id: key.id, version: 1, usedAt: new Date() });
    await db.prisma.credential.update({ where: { id: key.id }, data: { version: 2 } });
    await stamps.close();
    expect((await row(key.id)).lastUsedAt).toBeNull();
  });

  it("keeps the stamps when the write fails and writes them on the next flush", async () => {
    const { key } = await storedKey();
    const { lines, logger } = capture();
    const stamps = createLastUsedBatcher({ prisma: db.prisma, logger, intervalMs: 3_600_000 });
    const usedAt = new Date(Date.UTC(2031, 5, 1));
    stamps.record({ id: key.id, version: 1, usedAt });
    // The table is away for a moment: the write fails for real.
    await db.prisma.$executeRawUnsafe(`ALTER TABLE "Credential" RENAME TO "CredentialAway"`);
    try {
      await stamps.flush();
    } finally {
      await db.prisma.$executeRawUnsafe(`ALTER TABLE "CredentialAway" RENAME TO "Credential"`);
    }
    expect(stamps.pending).toBe(1);
    expect(lines.join("")).toContain("will retry");
    expect((await row(key.id)).lastUsedAt).toBeNull();

    await stamps.close();
    expect((await row(key.id)).lastUsedAt).toEqual(usedAt);
  });
});

describe("resolveForRun's one read", () => {
  it("reads dates as dates: an expired session key is passed over for the account key, which opens", async () => {
    const { user, session, key, query } = await storedKey();
    await db.prisma.credential.update({
      where: { id: key.id },
      data: { expiresAt: new Date(Date.now() - 60_000) },
    });
    const account = await storeCredential(db.prisma, vault, {
      owner: { userId: user.id },
      provider: "ANTHROPIC",
      kind: "API_KEY",
      secret: "sk-ant-api03-the-account-key",
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    const stamps = batcher();
    const run = await resolveForRun(
      { prisma: db.prisma, systemKeys: {}, allowSystemKeys: false, vault, lastUsed: stamps },
      { ...query, sessionId: session.id },
    );
    expect(run.secret).toBe("sk-ant-api03-the-account-key");
    expect(run.resolution).toMatchObject({ source: "ACCOUNT", credentialId: account.id });
    await stamps.close();
    expect((await row(account.id)).lastUsedAt).not.toBeNull();
    expect((await row(key.id)).lastUsedAt).toBeNull();
  });
});
