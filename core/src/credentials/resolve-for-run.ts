import { directRows, directStatement, type PrismaClient } from "@agentry/prisma";
import { chooseCredential, toResolution, type ResolveQuery, type Resolution } from "./choose.js";
import type { LastUsedSink } from "./last-used.js";
import { noCredentialError, type ResolveDeps } from "./resolve.js";
import { credentialIdentityOf, sealedFromRow } from "../crypto/seal.js";
import type { Vault } from "../crypto/vault.js";
import type { CredentialKind, Provider } from "../domain/enums.js";
import { AppError } from "../errors/app-error.js";
import { agentCanUse } from "./compatibility.js";
import { CREDENTIAL_KIND_LABELS, PROVIDER_LABELS } from "./formats.js";
import { credentialFix, isExpiredUnrefreshable } from "./token-expiry.js";

// Resolving and decrypting in one step, for the worker's message runs: exported only from
// `@agentry/core/secrets`. Which credential applies (resolveCredential) is in resolve.ts.

export interface RunResolveDeps extends ResolveDeps {
  readonly vault: Vault;
  /**
   * Takes the lastUsedAt stamp off the message's path (the worker's batcher, flushed about once a
   * second and on close). Without it the stamp is written before resolveForRun returns.
   */
  readonly lastUsed?: LastUsedSink | undefined;
}

/** A candidate as resolveForRun decides on it: the decision's fields and the sealed secret. */
interface RunCandidate {
  readonly id: string;
  readonly userId: string | null;
  readonly sessionId: string | null;
  readonly provider: Provider;
  readonly kind: CredentialKind;
  readonly version: number;
  readonly hint: string;
  readonly expiresAt: Date | null;
  readonly refreshable: boolean;
  readonly ciphertext: Buffer;
  readonly nonce: Buffer;
  readonly keyVersion: number;
  readonly updatedAt: Date;
}

/**
 * The candidates with their ciphertexts: the same rows as candidatesWhere, written as SQL.
 * Timestamp columns are read AT TIME ZONE 'UTC' (timestamptz): Prisma stores them as UTC, and pg
 * would read a bare timestamp in the process's local zone. Prepared once per pooled connection
 * (directStatement names it after its text), then only bound and executed. A pooler in front of
 * Postgres must keep prepared statements per client (PgBouncer in transaction mode: 1.21 or later
 * with max_prepared_statements set).
 */
const RUN_CANDIDATES = directStatement(
  "run_candidates",
  `SELECT id::text, "userId"::text, "sessionId"::text, provider::text, kind::text, version, hint,
          "expiresAt" AT TIME ZONE 'UTC' AS "expiresAt", refreshable, ciphertext, nonce,
          "keyVersion", "updatedAt" AT TIME ZONE 'UTC' AS "updatedAt"
   FROM "Credential"
   WHERE provider = $1::"Provider"
     AND (("sessionId" = $2::uuid AND "userId" IS NULL)
       OR ("userId" = $3::uuid AND "sessionId" IS NULL))`,
);

/**
 * The candidates in one round trip, on the client's own pg pool (directRows), bytea read as
 * bytes: on every message, Prisma's paths cost more than the round trip — findMany's query
 * planning and result mapping, and even $queryRaw's trip through the client engine (argument
 * and result serialization, bytea as hex) took 0.3–0.5 ms of CPU against under 0.1 ms on pg.
 * The worker's outage-waiting client runs it through its wait, as it ran the $queryRaw.
 */
async function readRunCandidates(
  prisma: PrismaClient,
  query: ResolveQuery,
): Promise<readonly RunCandidate[]> {
  return directRows<RunCandidate>(prisma, RUN_CANDIDATES, [
    query.provider,
    query.sessionId,
    query.actingUserId,
  ]);
}

/**
 * Worker only: resolves and decrypts in one step, at the start of a message run, and stamps the
 * credential's lastUsedAt. Throws NO_API_KEY like requireCredential, and the vault's
 * DecryptionError when a stored secret does not open.
 */
export async function resolveForRun(
  deps: RunResolveDeps,
  query: ResolveQuery,
): Promise<{ readonly resolution: Resolution; readonly secret: string }> {
  const now = deps.now?.() ?? new Date();
  // One read gives the decision and the ciphertext of the same row version.
  const candidates = await readRunCandidates(deps.prisma, query);
  const choice = chooseCredential({
    query,
    candidates,
    systemKeys: deps.systemKeys,
    allowSystemKeys: deps.allowSystemKeys,
    now,
  });
  if (choice === null)
    throw expiredCredentialError(query, candidates, now) ?? noCredentialError(query);
  const resolution = toResolution(query.provider, choice);
  if (choice.source === "SYSTEM") return { resolution, secret: choice.secret };

  const row = choice.credential;
  const secret = deps.vault.open(credentialIdentityOf(row), sealedFromRow(row));
  if (deps.lastUsed !== undefined) {
    deps.lastUsed.record({ id: row.id, version: row.version, usedAt: now });
    return { resolution, secret };
  }
  // Using a key is not changing it: keep updatedAt (shown as the key's change time) as it was.
  // The version guard skips the stamp when the secret was replaced meanwhile: the new one was
  // not used.
  await deps.prisma.credential.updateMany({
    where: { id: row.id, version: row.version },
    data: { lastUsedAt: now, updatedAt: row.updatedAt },
  });
  return { resolution, secret };
}

/**
 * When nothing usable is left and the reason is an expired credential that cannot be refreshed
 * (the session's first, then the acting user's): AUTHENTICATION_FAILED naming it (provider,
 * kind, where it comes from, its hint) and what to run for a fresh one, with its id and version
 * in the details so the worker marks it refused. Undefined when no such credential exists.
 */
function expiredCredentialError(
  query: ResolveQuery,
  candidates: readonly RunCandidate[],
  now: Date,
): AppError | undefined {
  const expired = (row: RunCandidate) =>
    row.provider === query.provider &&
    agentCanUse(query.agentKind, row.provider, row.kind) &&
    isExpiredUnrefreshable(row, now);
  const row =
    candidates.find((c) => c.sessionId === query.sessionId && c.userId === null && expired(c)) ??
    candidates.find((c) => c.userId === query.actingUserId && c.sessionId === null && expired(c));
  if (row === undefined) return undefined;
  const source = row.sessionId === null ? "ACCOUNT" : "SESSION";
  const owner = source === "SESSION" ? "The session's" : "Your account's";
  const what = `${PROVIDER_LABELS[row.provider]} ${CREDENTIAL_KIND_LABELS[row.kind]} (…${row.hint})`;
  const when = row.expiresAt?.toISOString() ?? "";
  const fix = credentialFix(row.provider, row.kind);
  return new AppError(
    "AUTHENTICATION_FAILED",
    `${owner} ${what} expired at ${when} and cannot be refreshed; replace it. ${fix ?? ""}`.trim(),
    {
      provider: row.provider,
      kind: row.kind,
      source,
      hint: row.hint,
      credentialId: row.id,
      credentialVersion: row.version,
      ...(fix === null ? {} : { fix }),
    },
  );
}
