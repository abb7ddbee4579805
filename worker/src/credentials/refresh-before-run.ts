import {
  ANTHROPIC_OAUTH_CLIENT_ID,
  AppError,
  CREDENTIAL_KIND_LABELS,
  credentialFix,
  credentialIdentityOf,
  isAppError,
  OPENAI_OAUTH_CLIENT_ID,
  PROVIDER_LABELS,
  sealedFromRow,
  tokenLifetime,
  validateSecret,
  type Logger,
  type Resolution,
} from "@agentry/core";
import type { Vault } from "@agentry/core/secrets";
import type { Prisma, PrismaClient } from "@agentry/prisma";
import { oauthError, postOAuth, stringField } from "../sign-in/oauth-http.js";
import { markCredentialRefused, storeRenewedSecret } from "./credential-updates.js";

// Refreshing a subscription ourselves before a run, when its access token is about to expire (or
// has): the CLI would refresh it too, but only once it runs, inside the container, and a refused
// refresh would then surface as a failed run; done here, the run starts with a fresh token, and a
// refused refresh token fails the message before anything runs, naming the fix.
//
// Refresh tokens are single-use: two runs refreshing the same credential at once must not both
// spend it. The refresh happens under the credential row's lock (SELECT … FOR UPDATE), and the
// row is re-read under it: a run that waited finds the new version and uses it.

export interface RefreshConfig {
  /** Token endpoints (ANTHROPIC_OAUTH_TOKEN_URL, OPENAI_OAUTH_TOKEN_URL). */
  readonly anthropicTokenUrl: string;
  readonly openaiTokenUrl: string;
  /** Refresh when the access token expires within this long (OAUTH_REFRESH_AHEAD_SECONDS). */
  readonly aheadMs: number;
  /** How long the token endpoint may take to answer (VERIFY_TIMEOUT_MS). */
  readonly timeoutMs: number;
}

export interface RefreshDeps {
  readonly prisma: PrismaClient;
  readonly vault: Vault;
  readonly logger: Logger;
  readonly config: RefreshConfig;
  readonly now?: () => Date;
}

/** What a run goes ahead with: the resolution (its version may be newer) and the secret. */
export interface RunCredential {
  readonly resolution: Resolution;
  readonly secret: string;
}

/** The refresh grant's wire format per stored format, and how the answer goes back into it. */
interface RefreshFormat {
  readonly tokenUrl: (config: RefreshConfig) => string;
  readonly fields: (refreshToken: string) => Record<string, string>;
  /** The stored secret with the new tokens, other fields kept. */
  readonly rotate: (secret: Record<string, unknown>, tokens: Record<string, unknown>) => unknown;
}

type Json = Record<string, unknown>;
const objectAt = (value: unknown, key: string): Json | undefined => {
  const inner = (value as Json | null | undefined)?.[key];
  return typeof inner === "object" && inner !== null && !Array.isArray(inner)
    ? (inner as Json)
    : undefined;
};

/** Claude Code's .credentials.json, refreshed as the CLI does (JSON body, its client id). */
const CLAUDE: RefreshFormat = {
  tokenUrl: (config) => config.anthropicTokenUrl,
  fields: (refreshToken) => ({
    grant_type: "refresh_token",
    refresh_token: refreshToken,
    client_id: ANTHROPIC_OAUTH_CLIENT_ID,
  }),
  rotate: (secret, tokens) => {
    const oauth = objectAt(secret, "claudeAiOauth") ?? {};
    const expiresIn = tokens["expires_in"];
    const scope = stringField(tokens, "scope");
    return {
      ...secret,
      claudeAiOauth: {
        ...oauth,
        accessToken: stringField(tokens, "access_token"),
        // A server that keeps the refresh token says nothing of it.
        refreshToken: stringField(tokens, "refresh_token") ?? oauth["refreshToken"],
        expiresAt: Date.now() + (typeof expiresIn === "number" ? expiresIn : 3600) * 1000,
        ...(scope === undefined ? {} : { scopes: scope.split(" ").filter(Boolean) }),
      },
    };
  },
};

/** Codex's auth.json, refreshed as the CLI does. */
const CODEX: RefreshFormat = {
  tokenUrl: (config) => config.openaiTokenUrl,
  fields: (refreshToken) => ({
    client_id: OPENAI_OAUTH_CLIENT_ID,
    grant_type: "refresh_token",
    refresh_token: refreshToken,
    scope: "openid profile email",
  }),
  rotate: (secret, tokens) => {
    const old = objectAt(secret, "tokens") ?? {};
    return {
      ...secret,
      tokens: {
        ...old,
        access_token: stringField(tokens, "access_token"),
        refresh_token: stringField(tokens, "refresh_token") ?? old["refresh_token"],
        ...(stringField(tokens, "id_token") === undefined
          ? {}
          : { id_token: stringField(tokens, "id_token") }),
      },
      last_refresh: new Date().toISOString(),
    };
  },
};

/** The format and refresh token of a stored subscription, when the platform can refresh it. */
function refreshableAs(
  resolution: Resolution,
  secret: string,
): { readonly format: RefreshFormat; readonly refreshToken: string } | undefined {
  if (resolution.kind !== "SUBSCRIPTION" || !secret.startsWith("{")) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(secret);
  } catch {
    return undefined;
  }
  if (resolution.provider === "ANTHROPIC") {
    const token = objectAt(parsed, "claudeAiOauth")?.["refreshToken"];
    return typeof token === "string" && token !== ""
      ? { format: CLAUDE, refreshToken: token }
      : undefined;
  }
  if (resolution.provider === "OPENAI") {
    const token = objectAt(parsed, "tokens")?.["refresh_token"];
    return typeof token === "string" && token !== ""
      ? { format: CODEX, refreshToken: token }
      : undefined;
  }
  return undefined;
}

/**
 * Before a run: a stored, refreshable subscription whose access token expires within `aheadMs`
 * (or has expired) is refreshed at its provider's token endpoint and stored as the credential's
 * next version (audited as credential.refreshed; never over a version the user saved meanwhile),
 * and the run gets the new token. Anything else goes through as it is.
 *
 * - The refresh token refused (400 invalid_grant, 401, 403): the credential is marked refused and
 *   AUTHENTICATION_FAILED is thrown, naming it and the fix; the message is not retried.
 * - The endpoint unreachable or answering otherwise (5xx, 429): the run goes ahead with the
 *   current token while it has not expired; past its expiry, UNAVAILABLE with `details.retry`,
 *   which the message processor retries with backoff.
 */
export async function refreshBeforeRun(
  deps: RefreshDeps,
  current: RunCredential,
): Promise<RunCredential> {
  const { resolution } = current;
  if (resolution.credentialId === null || resolution.credentialVersion === null) return current;
  const now = deps.now?.() ?? new Date();
  const lifetime = tokenLifetime(resolution.provider, resolution.kind, current.secret);
  if (!lifetime.refreshable || lifetime.expiresAt === null) return current;
  if (lifetime.expiresAt.getTime() - now.getTime() > deps.config.aheadMs) return current;
  if (refreshableAs(resolution, current.secret) === undefined) return current;
  const expired = lifetime.expiresAt.getTime() <= now.getTime();
  const log = deps.logger.child({ credentialId: resolution.credentialId });

  const outcome = await deps.prisma.$transaction(
    (tx) => refreshLocked(tx, deps, resolution),
    // The lock is held across the call to the token endpoint (and a wait for another refresh).
    { maxWait: deps.config.timeoutMs + 5_000, timeout: 2 * deps.config.timeoutMs + 10_000 },
  );
  switch (outcome.kind) {
    case "refreshed":
      log.info(
        { version: outcome.run.resolution.credentialVersion },
        "refreshed the subscription before the run",
      );
      return outcome.run;
    case "newer":
      log.info(
        { version: outcome.run.resolution.credentialVersion },
        "the credential changed while waiting to refresh it; the run uses the new version",
      );
      return outcome.run;
    case "gone":
      return current;
    case "refused":
      log.warn({ status: outcome.status }, "the provider refused the refresh token");
      await markCredentialRefused(deps.prisma, resolution, now);
      throw refusedError(resolution, outcome.status);
    case "unreachable":
      if (!expired) {
        log.warn(
          { reason: outcome.reason },
          "could not refresh the subscription; the run goes ahead with its current token",
        );
        return current;
      }
      log.warn({ reason: outcome.reason }, "could not refresh the expired subscription");
      throw new AppError(
        "UNAVAILABLE",
        `${describeCredential(resolution)} has expired and ${PROVIDER_LABELS[resolution.provider]}'s sign-in service could not be reached to refresh it (${outcome.reason}); the message will be tried again`,
        { retry: true, credentialId: resolution.credentialId },
      );
  }
}

type LockedOutcome =
  | { readonly kind: "refreshed" | "newer"; readonly run: RunCredential }
  | { readonly kind: "gone" }
  | { readonly kind: "refused"; readonly status: number }
  | { readonly kind: "unreachable"; readonly reason: string };

async function refreshLocked(
  tx: Prisma.TransactionClient,
  deps: RefreshDeps,
  resolution: Resolution,
): Promise<LockedOutcome> {
  const id = resolution.credentialId ?? "";
  // Waits for a refresh of this credential in progress elsewhere; then sees its result.
  await tx.$executeRaw`SELECT 1 FROM "Credential" WHERE "id" = ${id}::uuid FOR UPDATE`;
  const row = await tx.credential.findUnique({
    where: { id },
    select: {
      id: true,
      userId: true,
      sessionId: true,
      provider: true,
      kind: true,
      version: true,
      hint: true,
      ciphertext: true,
      nonce: true,
      keyVersion: true,
    },
  });
  if (row === null) return { kind: "gone" };
  const secret = deps.vault.open(credentialIdentityOf(row), sealedFromRow(row));
  if (row.version !== resolution.credentialVersion) {
    return {
      kind: "newer",
      run: {
        resolution: { ...resolution, credentialVersion: row.version, hint: row.hint },
        secret,
      },
    };
  }
  const refreshable = refreshableAs(resolution, secret);
  if (refreshable === undefined) return { kind: "gone" };
  const answer = await postOAuth(
    refreshable.format.tokenUrl(deps.config),
    refreshable.format.fields(refreshable.refreshToken),
    { json: true, timeoutMs: deps.config.timeoutMs },
  );
  if (answer.kind === "unreachable") return { kind: "unreachable", reason: answer.reason };
  const { status, body } = answer;
  if (status === 401 || status === 403 || (status === 400 && oauthError(body) === "invalid_grant"))
    return { kind: "refused", status };
  if (status < 200 || status >= 300 || stringField(body, "access_token") === undefined)
    return { kind: "unreachable", reason: `HTTP ${status}` };

  let rotated: string;
  try {
    const parsed = JSON.parse(secret) as Json;
    rotated = validateSecret(
      resolution.provider,
      resolution.kind,
      JSON.stringify(refreshable.format.rotate(parsed, body)),
    );
  } catch (error) {
    if (!isAppError(error)) throw error;
    return { kind: "unreachable", reason: "the token endpoint's answer held no usable tokens" };
  }
  // The run about to start uses it (resolveForRun's stamp was for the version before).
  const { version, hint } = await storeRenewedSecret(
    tx,
    deps.vault,
    row,
    rotated,
    "credential.refreshed",
    { lastUsedAt: new Date() },
  );
  return {
    kind: "refreshed",
    run: {
      resolution: { ...resolution, credentialVersion: version, hint },
      secret: rotated,
    },
  };
}

const describeCredential = (resolution: Resolution): string => {
  const owner = resolution.source === "SESSION" ? "The session's" : "Your account's";
  return `${owner} ${PROVIDER_LABELS[resolution.provider]} ${CREDENTIAL_KIND_LABELS[resolution.kind]} (…${resolution.hint})`;
};

/** AUTHENTICATION_FAILED naming the credential and the fix, as an expired one's (resolve-for-run). */
function refusedError(resolution: Resolution, status: number): AppError {
  const fix = credentialFix(resolution.provider, resolution.kind);
  return new AppError(
    "AUTHENTICATION_FAILED",
    `${describeCredential(resolution)} could not be refreshed: ${PROVIDER_LABELS[resolution.provider]} refused its refresh token; replace it. ${fix ?? ""}`.trim(),
    {
      provider: resolution.provider,
      kind: resolution.kind,
      source: resolution.source,
      hint: resolution.hint,
      credentialId: resolution.credentialId,
      credentialVersion: resolution.credentialVersion,
      status,
      ...(fix === null ? {} : { fix }),
    },
  );
}
