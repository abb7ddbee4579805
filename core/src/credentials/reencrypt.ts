import type { PrismaClient } from "@agentry/prisma";
import type { KeyRing } from "../crypto/key-ring.js";
import { credentialIdentityOf, sealedFromRow, type SealedSecret } from "../crypto/seal.js";
import { DecryptionError, type Vault } from "../crypto/vault.js";
import type { Logger } from "../logging/logger.js";

export interface ReencryptOptions {
  /** Rows read per query and written per statement. */
  readonly batchSize: number;
  /** Passes over the table while rows keep being skipped (changed concurrently). Default 3. */
  readonly maxPasses?: number | undefined;
  readonly logger?: Pick<Logger, "debug" | "info" | "error"> | undefined;
}

export interface ReencryptResult {
  /** Row visits (a row skipped in one pass and retried in the next counts twice). */
  readonly scanned: number;
  /** Rows moved to the current key. */
  readonly reencrypted: number;
  /** Visits that found the row replaced meanwhile (left as the replacement wrote it). */
  readonly skipped: number;
  /** Rows that did not decrypt (left untouched; their ids are logged). */
  readonly failed: number;
  /** Rows still under a previous key when the run ended (0 = previous keys can be removed). */
  readonly remaining: number;
}

interface Move {
  readonly row: { readonly id: string; readonly keyVersion: number; readonly version: number };
  readonly sealed: SealedSecret;
}

/**
 * Writes a batch of re-sealed rows in one statement (one round trip and one commit for the
 * batch, not per row), each only if it is still the row that was read: same key version and
 * version, checked again on the row's latest version once it is locked, so a secret replaced
 * meanwhile is never overwritten with the old one. Rows are locked in id order, as the
 * lastUsedAt batcher locks them, so the two never deadlock; readers (resolveForRun) never wait
 * on it. updatedAt is not touched (raw SQL: no @updatedAt): re-encryption is not a change of the
 * secret anyone made. Returns the ids written.
 */
async function writeMoves(prisma: PrismaClient, moves: readonly Move[]): Promise<Set<string>> {
  if (moves.length === 0) return new Set();
  const rows = await prisma.$queryRaw<{ id: string }[]>`
    WITH input AS (
      SELECT * FROM unnest(
        ${moves.map((m) => m.row.id)}::uuid[],
        ${moves.map((m) => m.row.keyVersion)}::int[],
        ${moves.map((m) => m.row.version)}::int[],
        ${moves.map((m) => m.sealed.ciphertext.toString("hex"))}::text[],
        ${moves.map((m) => m.sealed.nonce.toString("hex"))}::text[],
        ${moves.map((m) => m.sealed.keyVersion)}::int[]
      ) AS t(id, read_key_version, read_version, ciphertext, nonce, key_version)
    ), locked AS (
      SELECT c."id" FROM "Credential" c JOIN input i ON i.id = c."id"
      WHERE c."keyVersion" = i.read_key_version AND c."version" = i.read_version
      ORDER BY c."id"
      FOR UPDATE OF c
    )
    UPDATE "Credential" AS c
    SET "ciphertext" = decode(i.ciphertext, 'hex'), "nonce" = decode(i.nonce, 'hex'),
        "keyVersion" = i.key_version
    FROM input i, locked l
    WHERE c."id" = i.id AND c."id" = l."id"
    RETURNING c."id"::text AS id`;
  return new Set(rows.map((row) => row.id));
}

/**
 * Moves every credential sealed under a previous key to the ring's current key, while the
 * system runs: readers keep decrypting throughout (the old key stays in the ring), and each
 * row is written only if it is still exactly the row that was read (same key version and
 * version), so a secret replaced concurrently is never overwritten with the old one.
 * `vault` must be built from `ring`.
 */
export async function reencryptCredentials(
  prisma: PrismaClient,
  vault: Vault,
  ring: KeyRing,
  options: ReencryptOptions,
): Promise<ReencryptResult> {
  const { batchSize, logger } = options;
  const maxPasses = options.maxPasses ?? 3;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new Error("batchSize must be a positive integer");
  const current = ring.current.version;
  let scanned = 0;
  let reencrypted = 0;
  let skipped = 0;
  const failed = new Set<string>();

  for (let pass = 1; pass <= maxPasses; pass += 1) {
    let passSkipped = 0;
    let after: string | undefined;
    for (;;) {
      // Keyset pagination by id: rows moved in this pass drop out of the filter, so an offset
      // would skip rows; the cursor does not.
      const rows = await prisma.credential.findMany({
        where: {
          keyVersion: { not: current },
          ...(after === undefined ? {} : { id: { gt: after } }),
          ...(failed.size === 0 ? {} : { NOT: { id: { in: [...failed] } } }),
        },
        orderBy: { id: "asc" },
        take: batchSize,
        select: {
          id: true,
          userId: true,
          sessionId: true,
          provider: true,
          kind: true,
          ciphertext: true,
          nonce: true,
          keyVersion: true,
          version: true,
        },
      });
      if (rows.length === 0) break;
      const moves: Move[] = [];
      for (const row of rows) {
        scanned += 1;
        const identity = credentialIdentityOf(row);
        let plaintext: string;
        try {
          plaintext = vault.open(identity, sealedFromRow(row));
        } catch (error) {
          if (!(error instanceof DecryptionError)) throw error;
          failed.add(row.id);
          logger?.error(
            { credentialId: row.id, keyVersion: row.keyVersion, reason: error.reason },
            "credential does not decrypt; left under its old key",
          );
          continue;
        }
        moves.push({ row, sealed: vault.seal(identity, plaintext) });
      }
      const written = await writeMoves(prisma, moves);
      for (const { row, sealed } of moves) {
        if (written.has(row.id)) {
          reencrypted += 1;
          logger?.debug(
            { credentialId: row.id, keyVersion: sealed.keyVersion },
            "credential re-encrypted",
          );
        } else {
          skipped += 1;
          passSkipped += 1;
          logger?.debug(
            { credentialId: row.id },
            "credential changed meanwhile; skipped for a later pass",
          );
        }
      }
      after = rows.at(-1)?.id;
      logger?.info(
        { pass, scanned, reencrypted, skipped, failed: failed.size },
        "re-encryption progress",
      );
    }
    if (passSkipped === 0) break;
  }

  const remaining = await prisma.credential.count({ where: { keyVersion: { not: current } } });
  return { scanned, reencrypted, skipped, failed: failed.size, remaining };
}
