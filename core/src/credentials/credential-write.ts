import { randomUUID } from "node:crypto";
import type { Prisma } from "@agentry/prisma";
import { AppError } from "../errors/app-error.js";
import type { CredentialKind, Provider } from "../domain/enums.js";
import { sealedColumns, type CredentialIdentity, type SealingVault } from "../crypto/seal.js";
import { hintFor } from "./formats.js";
import { tokenLifetime } from "./token-expiry.js";

// Storing a credential, wherever it comes from: a user saving one (the api's setAccountCredential,
// setSessionKey, createSession) or a sign-in the platform ran (the worker). One path: sealed
// under the row's identity, a new version of the row it replaces (one per user, provider and
// kind; one per session and provider), its hint and lifetime read from the secret, and an audit
// event in the same transaction. Nothing here decrypts.

export interface CredentialWrite {
  /** Whose it is: a user's own, or a session's key. */
  readonly owner: { readonly type: "user" | "session"; readonly id: string };
  readonly provider: Provider;
  readonly kind: CredentialKind;
  /** The secret, already validated and normalized (core's validateSecret). */
  readonly secret: string;
  /** Who stores it (audit). */
  readonly actorId: string;
  /**
   * A session key may be written only while this user owns the session (checked under the
   * session's lock): for writes decided before the transaction (a sign-in that completes later).
   */
  readonly sessionOwnerId?: string;
  /** How it came (audit details), when not saved by hand. */
  readonly via?: "sign-in";
}

export interface WrittenCredential {
  readonly id: string;
  readonly version: number;
  /** False when it replaced the owner's previous one. */
  readonly created: boolean;
}

/** Stores `write` inside the caller's transaction (see above). */
export async function writeCredential(
  tx: Prisma.TransactionClient,
  vault: SealingVault,
  write: CredentialWrite,
): Promise<WrittenCredential> {
  const { owner, provider, kind, secret } = write;
  const hint = hintFor(provider, kind, secret);
  const lifetime = tokenLifetime(provider, kind, secret);
  // Serializes one owner's credential changes: "one per provider (and kind)" holds under concurrency.
  if (owner.type === "session") {
    const locked = await tx.$queryRaw<{ ownerId: string }[]>`
      SELECT "ownerId" FROM "Session" WHERE "id" = ${owner.id}::uuid FOR UPDATE`;
    if (write.sessionOwnerId !== undefined && locked[0]?.ownerId !== write.sessionOwnerId) {
      throw new AppError(
        "NOT_FOUND",
        "The session is gone or no longer yours; nothing was stored",
        {
          field: "sessionId",
        },
      );
    }
  } else {
    await tx.$executeRaw`SELECT 1 FROM "User" WHERE "id" = ${owner.id}::uuid FOR UPDATE`;
  }
  // A session holds one key per provider, whatever its kind; a user one per provider and kind.
  const existing = await tx.credential.findFirst({
    where:
      owner.type === "user"
        ? { userId: owner.id, sessionId: null, provider, kind }
        : { sessionId: owner.id, userId: null, provider },
    select: { id: true },
  });
  const id = existing?.id ?? randomUUID();
  const identity: CredentialIdentity = { id, owner, provider, kind };
  const stored = { kind, ...sealedColumns(vault.seal(identity, secret)), hint, ...lifetime };
  const ownerColumn = owner.type === "user" ? { userId: owner.id } : { sessionId: owner.id };
  const { version } =
    existing === null
      ? await tx.credential.create({
          data: { id, ...ownerColumn, provider, ...stored },
          select: { version: true },
        })
      : await tx.credential.update({
          where: { id },
          data: {
            ...stored,
            version: { increment: 1 },
            secretSetAt: new Date(),
            lastUsedAt: null,
            refusedAt: null,
          },
          select: { version: true },
        });
  const scope = owner.type === "user" ? "account_credential" : "session_key";
  await tx.auditEvent.create({
    data: {
      actorId: write.actorId,
      action: `${scope}.${existing === null ? "set" : "replace"}`,
      targetType: "credential",
      targetId: id,
      details: {
        ...(owner.type === "user" ? { userId: owner.id } : { sessionId: owner.id }),
        provider,
        kind,
        hint,
        version,
        ...(write.via === undefined ? {} : { via: write.via }),
      },
    },
  });
  return { id, version, created: existing === null };
}
