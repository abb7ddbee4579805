import { credentialIdentityOf, sealedColumns, sealedFromRow, type KeyRing } from "@agentry/core";
import { createVault } from "@agentry/core/secrets";
import type { PrismaClient } from "@agentry/prisma";

// The baseline: re-encryption as it was done before it was batched (commit 607ef12's
// reencryptCredentials): a page of rows read, then one guarded UPDATE per row, each its own
// transaction and commit. Run on rows of their own, so the command still has all of its own.

export async function reencryptRowByRow(
  prisma: PrismaClient,
  ring: KeyRing,
  ids: readonly string[],
  pageSize: number,
): Promise<number> {
  const vault = createVault(ring);
  let moved = 0;
  for (let start = 0; start < ids.length; start += pageSize) {
    const rows = await prisma.credential.findMany({
      where: {
        id: { in: ids.slice(start, start + pageSize) },
        keyVersion: { not: ring.current.version },
      },
      orderBy: { id: "asc" },
    });
    for (const row of rows) {
      const identity = credentialIdentityOf(row);
      const sealed = sealedColumns(vault.seal(identity, vault.open(identity, sealedFromRow(row))));
      const { count } = await prisma.credential.updateMany({
        where: { id: row.id, keyVersion: row.keyVersion, version: row.version },
        data: {
          ciphertext: sealed.ciphertext,
          nonce: sealed.nonce,
          keyVersion: sealed.keyVersion,
          updatedAt: row.updatedAt,
        },
      });
      moved += count;
    }
  }
  return moved;
}
