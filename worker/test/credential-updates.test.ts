import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pino from "pino";
import {
  credentialIdentityOf,
  parseKeyRing,
  sealedColumns,
  sealedFromRow,
  type Resolution,
} from "@agentry/core";
import { createVault, type Vault } from "@agentry/core/secrets";
import { createTestDatabase, type TestDatabase } from "@agentry/prisma/testing";
import {
  markCredentialRefused,
  storeRotatedCredential,
} from "../src/credentials/credential-updates.js";
import { costsDisagree } from "../src/usage/usage.recorder.js";

// A Codex auth.json as `codex login` writes it; the rotated one differs in its tokens.
const authJson = (access: string, refresh: string): string =>
  JSON.stringify({
    auth_mode: "chatgpt",
    tokens: { id_token: "id", access_token: access, refresh_token: refresh, account_id: "acct" },
    last_refresh: new Date().toISOString(),
  });

let db: TestDatabase;
let vault: Vault;
const logger = pino({ level: "silent" });

beforeAll(async () => {
  db = await createTestDatabase("worker_credentials");
  vault = createVault(parseKeyRing(randomBytes(32).toString("hex")));
});
afterAll(async () => {
  await db.drop();
});

async function storedSubscription(secret: string): Promise<Resolution & { userId: string }> {
  const user = await db.prisma.user.create({
    data: { email: `u-${randomUUID()}@example.test`, passwordHash: "x" },
  });
  const id = randomUUID();
  const identity = credentialIdentityOf({
    id,
    userId: user.id,
    sessionId: null,
    provider: "OPENAI",
    kind: "SUBSCRIPTION",
  });
  await db.prisma.credential.create({
    data: {
      id,
      userId: user.id,
      provider: "OPENAI",
      kind: "SUBSCRIPTION",
      ...sealedColumns(vault.seal(identity, secret)),
      hint: "old1",
    },
  });
  return {
    userId: user.id,
    source: "ACCOUNT",
    provider: "OPENAI",
    kind: "SUBSCRIPTION",
    credentialId: id,
    credentialVersion: 1,
    hint: "old1",
  };
}

async function openStored(id: string): Promise<{ secret: string; version: number; hint: string }> {
  const row = await db.prisma.credential.findUniqueOrThrow({ where: { id } });
  return {
    secret: vault.open(credentialIdentityOf(row), sealedFromRow(row)),
    version: row.version,
    hint: row.hint,
  };
}

describe("a credential the CLI rotated", () => {
  it("is re-encrypted into the same row as a new version, with an audit event that holds no secret", async () => {
    const resolution = await storedSubscription(authJson("access-old-0000", "refresh-old-0000"));
    const rotated = authJson("access-token-new-9f3a", "refresh-new-77aa");

    await expect(
      storeRotatedCredential({ prisma: db.prisma, vault, logger }, resolution, rotated),
    ).resolves.toBe("stored");

    const stored = await openStored(resolution.credentialId ?? "");
    expect(stored).toEqual({ secret: rotated, version: 2, hint: "9f3a" });
    const audit = await db.prisma.auditEvent.findMany({
      where: { targetId: resolution.credentialId },
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "credential.rotated", actorId: null });
    expect(JSON.stringify(audit[0]?.details)).not.toContain("refresh-new");
    expect(JSON.stringify(audit[0]?.details)).not.toContain("access-new");
  });

  it("takes the rotated tokens' expiry (the access token's JWT exp) and refreshability", async () => {
    const resolution = await storedSubscription(authJson("access-old-1111", "refresh-old-1111"));
    const exp = Math.floor(Date.now() / 1000) + 864_000;
    const jwt = [
      Buffer.from('{"alg":"RS256"}').toString("base64url"),
      Buffer.from(JSON.stringify({ exp })).toString("base64url"),
      "c2ln",
    ].join(".");
    await storeRotatedCredential(
      { prisma: db.prisma, vault, logger },
      resolution,
      authJson(jwt, "refresh-new-2222"),
    );
    const row = await db.prisma.credential.findUniqueOrThrow({
      where: { id: resolution.credentialId ?? "" },
    });
    expect({ expiresAt: row.expiresAt, refreshable: row.refreshable }).toEqual({
      expiresAt: new Date(exp * 1000),
      refreshable: true,
    });
  });

  it("never overwrites a secret the user saved during the run", async () => {
    const resolution = await storedSubscription(authJson("access-old-1111", "refresh-old-1111"));
    await db.prisma.credential.update({
      where: { id: resolution.credentialId ?? "" },
      data: { version: 2 },
    });

    await expect(
      storeRotatedCredential(
        { prisma: db.prisma, vault, logger },
        resolution,
        authJson("access-new-2222", "refresh-new-2222"),
      ),
    ).resolves.toBe("superseded");
    expect((await openStored(resolution.credentialId ?? "")).secret).toContain("access-old-1111");
  });

  it("keeps the old credential when what came back is not a valid one of its kind", async () => {
    const resolution = await storedSubscription(authJson("access-old-3333", "refresh-old-3333"));

    await expect(
      storeRotatedCredential({ prisma: db.prisma, vault, logger }, resolution, '{"tokens":{}}'),
    ).resolves.toBe("invalid");
    expect(await openStored(resolution.credentialId ?? "")).toMatchObject({ version: 1 });
  });

  it("stores nothing for a system key", async () => {
    await expect(
      storeRotatedCredential(
        { prisma: db.prisma, vault, logger },
        {
          source: "SYSTEM",
          provider: "OPENAI",
          kind: "API_KEY",
          credentialId: null,
          credentialVersion: null,
          hint: "",
        },
        "sk-anything-at-all",
      ),
    ).resolves.toBe("system-key");
  });
});

describe("a credential the provider refused", () => {
  it("is marked refused, and only the version the run used", async () => {
    const refused = await storedSubscription(authJson("access-4444", "refresh-4444"));
    await markCredentialRefused(db.prisma, refused);
    const row = await db.prisma.credential.findUniqueOrThrow({
      where: { id: refused.credentialId ?? "" },
    });
    expect(row.refusedAt).toBeInstanceOf(Date);

    const replaced = await storedSubscription(authJson("access-5555", "refresh-5555"));
    await db.prisma.credential.update({
      where: { id: replaced.credentialId ?? "" },
      data: { version: 2 },
    });
    await markCredentialRefused(db.prisma, replaced);
    const untouched = await db.prisma.credential.findUniqueOrThrow({
      where: { id: replaced.credentialId ?? "" },
    });
    expect(untouched.refusedAt).toBeNull();
  });
});

describe("a CLI's own cost beside ours", () => {
  it("disagrees past 5% of the larger, and not when either is unknown", () => {
    expect(costsDisagree(1, 1.04)).toBe(false);
    expect(costsDisagree(1, 1.06)).toBe(true);
    expect(costsDisagree(0.5, 0)).toBe(true);
    expect(costsDisagree(0, 0)).toBe(false);
    expect(costsDisagree(null, 1)).toBe(false);
    expect(costsDisagree(1, undefined)).toBe(false);
  });
});
