import { randomBytes, randomUUID } from "node:crypto";
import type { PrismaClient } from "@agentry/prisma";
import { parseKeyRing, type KeyRing } from "../../src/crypto/key-ring.js";
import { sealedColumns } from "../../src/crypto/seal.js";
import { createVault, type Vault } from "../../src/crypto/vault.js";
import { secretHint } from "../../src/credentials/formats.js";
import type { CredentialKind, Provider } from "../../src/domain/enums.js";

export const newKeyText = (): string => randomBytes(32).toString("hex");

export function newRing(previous?: string): { ring: KeyRing; vault: Vault; keyText: string } {
  const keyText = newKeyText();
  const ring = parseKeyRing(keyText, previous);
  return { ring, vault: createVault(ring), keyText };
}

export async function createUser(prisma: PrismaClient): Promise<{ id: string }> {
  return prisma.user.create({
    data: { email: `user-${randomUUID()}@example.test`, passwordHash: "not-a-real-hash" },
    select: { id: true },
  });
}

export async function createSession(
  prisma: PrismaClient,
  ownerId: string,
): Promise<{ id: string }> {
  return prisma.session.create({
    data: { ownerId, name: `session ${randomUUID()}` },
    select: { id: true },
  });
}

export interface StoredCredential {
  readonly id: string;
  readonly secret: string;
  readonly version: number;
  readonly hint: string;
}

/** Inserts a Credential row as the api would: id chosen first, the secret sealed to it. */
export async function storeCredential(
  prisma: PrismaClient,
  vault: Vault,
  spec: {
    readonly owner: { readonly userId: string } | { readonly sessionId: string };
    readonly provider: Provider;
    readonly kind: CredentialKind;
    readonly secret?: string;
    readonly version?: number;
    readonly expiresAt?: Date | null;
  },
): Promise<StoredCredential> {
  const id = randomUUID();
  const secret = spec.secret ?? `secret-${spec.provider}-${spec.kind}-${randomUUID()}`;
  const owner =
    "userId" in spec.owner
      ? ({ type: "user", id: spec.owner.userId } as const)
      : ({ type: "session", id: spec.owner.sessionId } as const);
  const sealed = vault.seal({ id, owner, provider: spec.provider, kind: spec.kind }, secret);
  const version = spec.version ?? 1;
  const hint = secretHint(secret);
  await prisma.credential.create({
    data: {
      id,
      ...("userId" in spec.owner
        ? { userId: spec.owner.userId }
        : { sessionId: spec.owner.sessionId }),
      provider: spec.provider,
      kind: spec.kind,
      ...sealedColumns(sealed),
      version,
      hint,
      expiresAt: spec.expiresAt ?? null,
    },
  });
  return { id, secret, version, hint };
}

/** A promise with its resolve handle, for ordering concurrent work without sleeps. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
