import { credentialIdentityOf, sealedFromRow, type KeySource } from "@agentry/core";
import type { Vault } from "@agentry/core/secrets";
import type { PrismaClient } from "@agentry/prisma";

// The repository token for one clone or push: the session's GIT credential, else the acting
// user's own, opened at the moment git needs it. No system-wide fallback (see the registry's
// GIT). Null when there is none: a public repository clones without one.

export interface RepositoryToken {
  readonly secret: string;
  readonly source: Exclude<KeySource, "SYSTEM">;
  readonly hint: string;
  readonly credentialId: string;
}

export async function resolveRepositoryToken(
  deps: { readonly prisma: PrismaClient; readonly vault: Vault },
  query: { readonly sessionId: string; readonly actingUserId: string | null },
): Promise<RepositoryToken | null> {
  const rows = await deps.prisma.credential.findMany({
    where: {
      provider: "GIT",
      kind: "API_KEY",
      OR: [
        { sessionId: query.sessionId, userId: null },
        ...(query.actingUserId === null ? [] : [{ userId: query.actingUserId, sessionId: null }]),
      ],
    },
  });
  const row =
    rows.find((r) => r.sessionId === query.sessionId) ??
    rows.find((r) => r.userId !== null && r.userId === query.actingUserId);
  if (row === undefined) return null;
  const secret = deps.vault.open(credentialIdentityOf(row), sealedFromRow(row));
  // Using a key is not changing it: keep updatedAt as it was.
  await deps.prisma.credential.updateMany({
    where: { id: row.id, version: row.version },
    data: { lastUsedAt: new Date(), updatedAt: row.updatedAt },
  });
  return {
    secret,
    source: row.sessionId === null ? "ACCOUNT" : "SESSION",
    hint: row.hint,
    credentialId: row.id,
  };
}
