import { randomBytes, randomUUID } from "node:crypto";
import {
  credentialIdentityOf,
  parseKeyRing,
  sealedFromRow,
  type CredentialKind,
  type Provider,
  type SealingVault,
} from "@agentry/core";
import { createVault } from "@agentry/core/secrets";
import type { PrismaClient } from "@agentry/prisma";

// A key rotation at scale, for the test and the bench that re-encrypt while messages run: many
// stored credentials sealed under the old key, written in a few statements, and the check that
// afterwards every one opens under the new key alone, to the same secret.

const PROVIDERS: readonly Provider[] = ["ANTHROPIC", "OPENAI", "GEMINI", "GITHUB_COPILOT"];
const KINDS: readonly CredentialKind[] = ["API_KEY", "SUBSCRIPTION"];
/** Each seeded user holds one credential per (provider, kind), and so does one session of theirs. */
const PER_OWNER = PROVIDERS.length * KINDS.length;

export interface SeededCredentials {
  /** Credential id → its secret. */
  readonly secrets: ReadonlyMap<string, string>;
  readonly users: number;
  readonly sessions: number;
}

/**
 * `count` credentials sealed by `vault` (the api's sealing vault for the old key), half of them
 * users' own, half sessions' keys, every provider and kind, in statements of `chunk` rows.
 */
export async function seedSealedCredentials(
  prisma: PrismaClient,
  vault: SealingVault,
  count: number,
  chunk = 5000,
): Promise<SeededCredentials> {
  const owners = Math.ceil(count / (2 * PER_OWNER));
  const userIds = Array.from({ length: owners }, () => randomUUID());
  const sessionIds = Array.from({ length: owners }, () => randomUUID());
  const tag = randomBytes(4).toString("hex");
  for (let start = 0; start < owners; start += chunk) {
    const users = userIds.slice(start, start + chunk);
    const sessions = sessionIds.slice(start, start + chunk);
    await prisma.$executeRaw`
      INSERT INTO "User" ("id", "email", "passwordHash", "updatedAt")
      SELECT id, 'rotation-' || ${tag} || '-' || (${start}::int + n) || '@example.test', 'not-used', now()
      FROM unnest(${users}::uuid[]) WITH ORDINALITY AS t(id, n)`;
    await prisma.$executeRaw`
      INSERT INTO "Session" ("id", "ownerId", "name", "updatedAt")
      SELECT s, u, 'rotation', now() FROM unnest(${sessions}::uuid[], ${users}::uuid[]) AS t(s, u)`;
  }

  const secrets = new Map<string, string>();
  const rows: {
    id: string;
    userId: string | null;
    sessionId: string | null;
    provider: Provider;
    kind: CredentialKind;
  }[] = [];
  for (let index = 0; index < count; index += 1) {
    const owner = Math.floor(index / (2 * PER_OWNER));
    const slot = index % (2 * PER_OWNER);
    const bySession = slot >= PER_OWNER;
    rows.push({
      id: randomUUID(),
      userId: bySession ? null : (userIds[owner] ?? null),
      sessionId: bySession ? (sessionIds[owner] ?? null) : null,
      provider: PROVIDERS[slot % PROVIDERS.length] ?? "ANTHROPIC",
      kind: KINDS[Math.floor(slot / PROVIDERS.length) % KINDS.length] ?? "API_KEY",
    });
  }
  for (let start = 0; start < rows.length; start += chunk) {
    const part = rows.slice(start, start + chunk);
    const sealed = part.map((row) => {
      const secret = `rotation-${randomBytes(24).toString("base64url")}`;
      secrets.set(row.id, secret);
      return { secret, ...vault.seal(credentialIdentityOf(row), secret) };
    });
    await prisma.$executeRaw`
      INSERT INTO "Credential" ("id", "userId", "sessionId", "provider", "kind", "ciphertext",
        "nonce", "keyVersion", "hint", "updatedAt")
      SELECT id, user_id, session_id, provider, kind, decode(ciphertext, 'hex'), decode(nonce, 'hex'),
        key_version, hint, now()
      FROM unnest(${part.map((row) => row.id)}::uuid[], ${part.map((row) => row.userId)}::uuid[],
        ${part.map((row) => row.sessionId)}::uuid[], ${part.map((row) => row.provider)}::"Provider"[],
        ${part.map((row) => row.kind)}::"CredentialKind"[],
        ${sealed.map((s) => s.ciphertext.toString("hex"))}::text[],
        ${sealed.map((s) => s.nonce.toString("hex"))}::text[],
        ${sealed.map((s) => s.keyVersion)}::int[], ${sealed.map((s) => s.secret.slice(-4))}::text[])
        AS t(id, user_id, session_id, provider, kind, ciphertext, nonce, key_version, hint)`;
  }
  return { secrets, users: owners, sessions: owners };
}

export interface RotationCheck {
  /** Rows of `secrets` still under another key than `newKey`'s. */
  readonly notMoved: number;
  /** Rows of `secrets` that did not open under `newKey` alone, or opened to another secret. */
  readonly wrong: number;
}

/** Opens every seeded credential with `newKey` alone (no previous key in the ring). */
export async function checkRotated(
  prisma: PrismaClient,
  newKey: string,
  secrets: ReadonlyMap<string, string>,
): Promise<RotationCheck> {
  const ring = parseKeyRing(newKey);
  const vault = createVault(ring);
  let notMoved = 0;
  let wrong = 0;
  let after: string | undefined;
  for (;;) {
    const rows = await prisma.credential.findMany({
      where: after === undefined ? {} : { id: { gt: after } },
      orderBy: { id: "asc" },
      take: 5000,
    });
    if (rows.length === 0) break;
    after = rows.at(-1)?.id;
    for (const row of rows) {
      const expected = secrets.get(row.id);
      if (expected === undefined) continue;
      if (row.keyVersion !== ring.current.version) {
        notMoved += 1;
        continue;
      }
      try {
        if (vault.open(credentialIdentityOf(row), sealedFromRow(row)) !== expected) wrong += 1;
      } catch {
        wrong += 1;
      }
    }
  }
  return { notMoved, wrong };
}
