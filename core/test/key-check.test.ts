import { createTestDatabase, type TestDatabase } from "@agentry/prisma/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { KeyRingMismatchError, verifyKeyRing } from "../src/crypto/key-check.js";
import { parseKeyRing } from "../src/crypto/key-ring.js";
import {
  createSession,
  createUser,
  newKeyText,
  newRing,
  storeCredential,
} from "./support/fixtures.js";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase("core_keycheck");
});
afterAll(async () => {
  await db.drop();
});
// The tests of this file share one database and run one after another; each starts empty.
beforeEach(async () => {
  await db.prisma.credential.deleteMany();
  await db.prisma.keyCheck.deleteMany();
});

async function storeSome(vault: ReturnType<typeof newRing>["vault"], count: number): Promise<void> {
  const user = await createUser(db.prisma);
  const session = await createSession(db.prisma, user.id);
  for (let i = 0; i < count; i += 1) {
    await storeCredential(db.prisma, vault, {
      owner: i % 2 === 0 ? { userId: (await createUser(db.prisma)).id } : { sessionId: session.id },
      provider: "ANTHROPIC",
      kind: i % 4 < 2 ? "API_KEY" : "SUBSCRIPTION",
    });
  }
}

const mismatch = async (run: Promise<unknown>): Promise<KeyRingMismatchError> => {
  const error: unknown = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KeyRingMismatchError);
  return error as KeyRingMismatchError;
};

describe("verifyKeyRing", () => {
  it("passes with the right key and records a key check for it, once", async () => {
    const { ring, vault } = newRing();
    await storeSome(vault, 3);
    const report = await verifyKeyRing(db.prisma, ring);
    expect(report).toEqual({
      currentVersion: ring.current.version,
      versionsInUse: [ring.current.version],
      pendingReencryption: 0,
      verifiedVersions: [ring.current.version],
    });
    expect(await db.prisma.keyCheck.findMany({ select: { keyVersion: true } })).toEqual([
      { keyVersion: ring.current.version },
    ]);
    await verifyKeyRing(db.prisma, ring);
    expect(await db.prisma.keyCheck.count()).toBe(1);
  });

  it("records one key check when several processes boot at once", async () => {
    const { ring } = newRing();
    await Promise.all(Array.from({ length: 5 }, () => verifyKeyRing(db.prisma, ring)));
    expect(await db.prisma.keyCheck.count()).toBe(1);
  });

  it("stops boot when credentials are stored under a key the ring does not hold, saying which version", async () => {
    const old = newRing();
    await storeSome(old.vault, 2);
    const error = await mismatch(verifyKeyRing(db.prisma, newRing().ring));
    expect(error.message).toContain(
      `Credentials are encrypted under key version(s) ${old.ring.current.version} not in ENCRYPTION_KEY/ENCRYPTION_KEYS_PREVIOUS`,
    );
    expect(error.message).toContain("the key is wrong or an old key is missing");
    expect(error.message).not.toContain(old.keyText.slice(0, 8));
    // Nothing recorded for a key that failed the check.
    expect(await db.prisma.keyCheck.count()).toBe(0);
  });

  it("stops boot with a different key even before any credential is stored", async () => {
    const first = newRing();
    await verifyKeyRing(db.prisma, first.ring);
    const error = await mismatch(verifyKeyRing(db.prisma, newRing().ring));
    expect(error.message).toContain("This database was set up with another encryption key");
    expect(error.message).not.toContain(first.keyText.slice(0, 8));
    // The first key still boots, and nothing was recorded for the refused one.
    await verifyKeyRing(db.prisma, first.ring);
    expect(await db.prisma.keyCheck.count()).toBe(1);
  });

  it("passes with a rotated ring that keeps the old key, counting the rows still to re-encrypt", async () => {
    const old = newRing();
    await storeSome(old.vault, 3);
    await verifyKeyRing(db.prisma, old.ring);
    const rotated = parseKeyRing(newKeyText(), old.keyText);
    const report = await verifyKeyRing(db.prisma, rotated);
    expect(report.pendingReencryption).toBe(3);
    expect(report.versionsInUse).toEqual([old.ring.current.version]);
    expect(report.verifiedVersions).toEqual(
      [old.ring.current.version, rotated.current.version].sort((a, b) => a - b),
    );
  });

  it("stops boot when a key check row was altered", async () => {
    const { ring } = newRing();
    await verifyKeyRing(db.prisma, ring);
    const row = await db.prisma.keyCheck.findUniqueOrThrow({
      where: { keyVersion: ring.current.version },
    });
    const ciphertext = new Uint8Array(row.ciphertext);
    ciphertext[0] = (ciphertext[0] ?? 0) ^ 0x80;
    await db.prisma.keyCheck.update({
      where: { keyVersion: row.keyVersion },
      data: { ciphertext },
    });
    const error = await mismatch(verifyKeyRing(db.prisma, ring));
    expect(error.message).toContain(
      `key check for key version ${ring.current.version} does not open`,
    );
  });

  it("checks the key check of a previous key too", async () => {
    const old = newRing();
    await verifyKeyRing(db.prisma, old.ring);
    const row = await db.prisma.keyCheck.findUniqueOrThrow({
      where: { keyVersion: old.ring.current.version },
    });
    const nonce = new Uint8Array(row.nonce);
    nonce[3] = (nonce[3] ?? 0) ^ 0x01;
    await db.prisma.keyCheck.update({ where: { keyVersion: row.keyVersion }, data: { nonce } });
    const error = await mismatch(verifyKeyRing(db.prisma, parseKeyRing(newKeyText(), old.keyText)));
    expect(error.message).toContain(`key version ${old.ring.current.version}`);
  });
});
