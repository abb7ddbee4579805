import {
  credentialIdentityOf,
  hintFor,
  isAppError,
  sealedColumns,
  tokenLifetime,
  validateSecret,
  type Resolution,
  type SealingVault,
} from "@agentry/core";
import type { Prisma, PrismaClient } from "@agentry/prisma";
import type { Logger } from "pino";

export interface CredentialUpdateDeps {
  readonly prisma: PrismaClient;
  readonly vault: SealingVault;
  readonly logger: Logger;
}

export type RotationOutcome =
  | "stored"
  /** The run used a system key from the environment: nothing stored to update. */
  | "system-key"
  /** The user replaced or removed the credential during the run: theirs wins. */
  | "superseded"
  /** What the CLI wrote back is not a valid credential of its kind: the old one is kept. */
  | "invalid";

/**
 * Stores a credential a CLI rotated during a run (it refreshed its subscription and rewrote its
 * credential file with a new refresh token, after which the old one stops working): re-encrypted
 * into the same row, same owner, a new version, with an audit event. Only if the row still holds
 * the version the run started with — a secret the user saved meanwhile is never overwritten.
 */
export async function storeRotatedCredential(
  deps: CredentialUpdateDeps,
  resolution: Resolution,
  rotatedSecret: string,
): Promise<RotationOutcome> {
  if (resolution.credentialId === null || resolution.credentialVersion === null)
    return "system-key";
  const log = deps.logger.child({ credentialId: resolution.credentialId });
  let secret: string;
  try {
    secret = validateSecret(resolution.provider, resolution.kind, rotatedSecret);
  } catch (error) {
    if (!isAppError(error)) throw error;
    log.warn("the agent wrote back a credential that is not valid for its kind; kept the old one");
    return "invalid";
  }
  return deps.prisma.$transaction(async (tx) => {
    const row = await tx.credential.findUnique({
      where: { id: resolution.credentialId ?? "" },
      select: {
        id: true,
        userId: true,
        sessionId: true,
        provider: true,
        kind: true,
        version: true,
      },
    });
    if (row?.version !== resolution.credentialVersion) {
      log.info("credential changed during the run; the rotated one is not stored");
      return "superseded";
    }
    const { version } = await storeRenewedSecret(tx, deps.vault, row, secret, "credential.rotated");
    log.info({ version }, "stored a credential the agent rotated");
    return "stored";
  });
}

/** The row a renewed secret is stored into (locked or version-checked by the caller). */
export type RenewedRow = Pick<
  Prisma.CredentialGetPayload<object>,
  "id" | "userId" | "sessionId" | "provider" | "kind"
>;

/**
 * Stores a renewed secret — tokens refreshed by the platform before a run, or rotated by a CLI
 * during one — into the same row as its next version: sealed under the row's identity, its hint
 * and expiry read from it, no longer refused, its age reset, audited as `action`. The caller
 * checked (in this transaction) that the row still holds the version the secret came from.
 */
export async function storeRenewedSecret(
  tx: Prisma.TransactionClient,
  vault: SealingVault,
  row: RenewedRow,
  secret: string,
  action: "credential.refreshed" | "credential.rotated",
  extra: { readonly lastUsedAt?: Date } = {},
): Promise<{ readonly version: number; readonly hint: string }> {
  const hint = hintFor(row.provider, row.kind, secret);
  // Renewed tokens carry their own expiry (and maybe no refresh token any more).
  const lifetime = tokenLifetime(row.provider, row.kind, secret);
  const { version } = await tx.credential.update({
    where: { id: row.id },
    data: {
      ...sealedColumns(vault.seal(credentialIdentityOf(row), secret)),
      hint,
      ...lifetime,
      version: { increment: 1 },
      secretSetAt: new Date(),
      refusedAt: null,
      ...extra,
    },
    select: { version: true },
  });
  await tx.auditEvent.create({
    data: {
      actorId: null,
      action,
      targetType: "credential",
      targetId: row.id,
      details: {
        ...(row.sessionId === null ? { userId: row.userId } : { sessionId: row.sessionId }),
        provider: row.provider,
        kind: row.kind,
        hint,
        version,
      },
    },
  });
  return { version, hint };
}

/**
 * Marks the credential a run used as refused by its provider (shown to its owner, cleared when
 * the secret is replaced). Only the version the run used: a replacement saved meanwhile stays
 * unmarked.
 */
export async function markCredentialRefused(
  prisma: PrismaClient,
  resolution: Pick<Resolution, "credentialId" | "credentialVersion">,
  at: Date = new Date(),
): Promise<void> {
  if (resolution.credentialId === null || resolution.credentialVersion === null) return;
  await prisma.credential.updateMany({
    where: { id: resolution.credentialId, version: resolution.credentialVersion },
    data: { refusedAt: at },
  });
}
