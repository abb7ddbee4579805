import type { PrismaClient } from "@agentry/prisma";
import {
  chooseCredential,
  toResolution,
  type ResolveQuery,
  type Resolution,
  type SystemKeys,
} from "./choose.js";
import { AGENT_KIND_LABELS, PROVIDER_CREDENTIAL_KINDS } from "./compatibility.js";
import { PROVIDER_LABELS } from "./formats.js";
import { providersOf, usableKinds } from "../registry/index.js";
import { credentialIdentityOf, sealedFromRow, type Vault } from "../crypto/vault.js";
import type { AgentKind, CredentialKind, Provider } from "../domain/enums.js";
import { AppError } from "../errors/app-error.js";
import type { LastUsedSink } from "./last-used.js";

export type { ResolveQuery, Resolution, SystemKeys } from "./choose.js";
export * from "./last-used.js";

export interface ResolveDeps {
  readonly prisma: PrismaClient;
  readonly systemKeys: SystemKeys;
  readonly allowSystemKeys: boolean;
  /** The clock expiry is judged by; defaults to the system clock. */
  readonly now?: (() => Date) | undefined;
}

export const NO_API_KEY_MESSAGE = "No API key configured for this session";

const candidateSelect = {
  id: true,
  userId: true,
  sessionId: true,
  provider: true,
  kind: true,
  version: true,
  hint: true,
  expiresAt: true,
} as const;

// The session's keys and the acting user's own credentials for the provider: every row the
// decision may take, and (through the owner filter) none it must not.
const candidatesWhere = (query: ResolveQuery) => ({
  provider: query.provider,
  OR: [
    { sessionId: query.sessionId, userId: null },
    { userId: query.actingUserId, sessionId: null },
  ],
});

/** session key > acting user's own (subscription before API key) > system key (if allowed) > null. */
export async function resolveCredential(
  deps: ResolveDeps,
  query: ResolveQuery,
): Promise<Resolution | null> {
  const candidates = await deps.prisma.credential.findMany({
    where: candidatesWhere(query),
    select: candidateSelect,
  });
  const choice = chooseCredential({
    query,
    candidates,
    systemKeys: deps.systemKeys,
    allowSystemKeys: deps.allowSystemKeys,
    now: deps.now?.() ?? new Date(),
  });
  return choice === null ? null : toResolution(query.provider, choice);
}

/** What a user should do when nothing resolves (the `hint` of a NO_API_KEY error). */
export function noCredentialHint(provider: Provider, agentKind: AgentKind): string {
  const label = PROVIDER_LABELS[provider];
  const usableHere = usableKinds(agentKind, provider);
  if (usableHere.length === 0) {
    const usable = providersOf(agentKind)
      .map((p) => PROVIDER_LABELS[p])
      .join(", ");
    return `${AGENT_KIND_LABELS[agentKind]} agents run with ${usable} credentials, not ${label}`;
  }
  const providerKinds: readonly CredentialKind[] = PROVIDER_CREDENTIAL_KINDS[provider];
  const kinds = providerKinds.filter((kind) => usableHere.includes(kind));
  const what =
    kinds.length === 2
      ? `${label} API key or subscription token`
      : kinds[0] === "SUBSCRIPTION"
        ? `${label} subscription token`
        : `${label} API key`;
  const needed =
    provider === "GITHUB_COPILOT"
      ? "a GitHub token for GitHub Copilot"
      : `${/^[AEIOU]/.test(label) ? "an" : "a"} ${what}`;
  return `Add ${needed} in Session Settings → Provider API Key or Account settings → API Keys`;
}

function noCredential(query: ResolveQuery): AppError {
  return new AppError("NO_API_KEY", NO_API_KEY_MESSAGE, {
    provider: query.provider,
    hint: noCredentialHint(query.provider, query.agentKind),
  });
}

/** As resolveCredential, but throws AppError NO_API_KEY ("No API key configured for this session", details.hint) when nothing resolves. */
export async function requireCredential(
  deps: ResolveDeps,
  query: ResolveQuery,
): Promise<Resolution> {
  const resolution = await resolveCredential(deps, query);
  if (resolution === null) throw noCredential(query);
  return resolution;
}

export interface RunResolveDeps extends ResolveDeps {
  readonly vault: Vault;
  /**
   * Takes the lastUsedAt stamp off the message's path (the worker's batcher, flushed about once a
   * second and on close). Without it the stamp is written before resolveForRun returns.
   */
  readonly lastUsed?: LastUsedSink | undefined;
}

interface RunCandidateRow {
  readonly id: string;
  readonly userId: string | null;
  readonly sessionId: string | null;
  readonly provider: Provider;
  readonly kind: CredentialKind;
  readonly version: number;
  readonly hint: string;
  readonly expiresAt: Date | null;
  readonly ciphertextHex: string;
  readonly nonceHex: string;
  readonly keyVersion: number;
  readonly updatedAt: Date;
}

/**
 * The candidates with their ciphertexts, in one round trip. The same rows as candidatesWhere,
 * written as SQL: on every message, findMany's query planning and result mapping cost more
 * than the round trip itself (about 2× a bare SELECT 1 against 1.2× for this). Bytes come back
 * hex-encoded (the raw path does not deserialize bytea).
 */
async function readRunCandidates(prisma: PrismaClient, query: ResolveQuery) {
  const rows = await prisma.$queryRaw<RunCandidateRow[]>`
    SELECT id::text, "userId"::text, "sessionId"::text, provider::text, kind::text, version,
           hint, "expiresAt", encode(ciphertext, 'hex') AS "ciphertextHex",
           encode(nonce, 'hex') AS "nonceHex", "keyVersion", "updatedAt"
    FROM "Credential"
    WHERE provider = ${query.provider}::"Provider"
      AND (("sessionId" = ${query.sessionId}::uuid AND "userId" IS NULL)
        OR ("userId" = ${query.actingUserId}::uuid AND "sessionId" IS NULL))`;
  return rows.map(({ ciphertextHex, nonceHex, ...row }) => ({
    ...row,
    ciphertext: Buffer.from(ciphertextHex, "hex"),
    nonce: Buffer.from(nonceHex, "hex"),
  }));
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
  if (choice === null) throw noCredential(query);
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
