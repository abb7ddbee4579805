import type { CredentialKind, Provider } from "../domain/enums.js";
import { credentialFormat } from "../registry/index.js";
import { parseClaudeCredentialsJson, parseCodexAuthJson } from "./formats.js";

// What a secret says about its own lifetime, read when it is stored or rotated (the only moments
// a process holds it in the clear) and kept as metadata: when its access token expires and
// whether it carries a refresh token. Nothing here verifies a signature: an expiry read from a
// token only decides what to show and whether a run is worth starting.

/** The lifetime metadata of a secret (no part of the secret). */
export interface TokenLifetime {
  /** When its access token expires; null when the secret does not say (API keys, setup tokens). */
  readonly expiresAt: Date | null;
  /** Whether it carries a refresh token the platform or the CLI can use. */
  readonly refreshable: boolean;
}

const UNKNOWN: TokenLifetime = { expiresAt: null, refreshable: false };

/**
 * Reads a validated secret's lifetime: Claude's .credentials.json (claudeAiOauth.expiresAt, ms),
 * Codex's auth.json (the access token's JWT `exp`, s), an OpenCode OAuth entry (`expires`, ms);
 * anything else is unknown and not refreshable. Never throws.
 */
export function tokenLifetime(
  provider: Provider,
  kind: CredentialKind,
  secret: string,
): TokenLifetime {
  if (kind !== "SUBSCRIPTION" || !secret.startsWith("{")) return UNKNOWN;
  if (provider === "ANTHROPIC") {
    const claude = parseClaudeCredentialsJson(secret);
    if (claude !== undefined) return { expiresAt: fromMillis(claude.expiresAt), refreshable: true };
  }
  if (provider === "OPENAI") {
    const codex = parseCodexAuthJson(secret);
    if (codex !== undefined) {
      const exp = jwtExpiry(codex.accessToken);
      return { expiresAt: exp === undefined ? null : fromMillis(exp * 1000), refreshable: true };
    }
  }
  return openCodeOAuth(secret) ?? UNKNOWN;
}

/** A JWT's `exp` claim (seconds), read from its payload without verifying it; undefined if none. */
export function jwtExpiry(token: string): number | undefined {
  const parts = token.split(".");
  if (parts.length !== 3 || parts[1] === undefined) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
    if (typeof payload !== "object" || payload === null) return undefined;
    const exp = (payload as Record<string, unknown>)["exp"];
    return typeof exp === "number" && Number.isFinite(exp) ? exp : undefined;
  } catch {
    return undefined;
  }
}

/** OpenCode's auth.json entry `{ type: "oauth", refresh, access, expires }` (expires in ms). */
function openCodeOAuth(secret: string): TokenLifetime | undefined {
  try {
    const parsed: unknown = JSON.parse(secret);
    if (typeof parsed !== "object" || parsed === null) return undefined;
    const entry = parsed as Record<string, unknown>;
    if (entry["type"] !== "oauth") return undefined;
    const refresh = entry["refresh"];
    const expires = entry["expires"];
    return {
      expiresAt: typeof expires === "number" ? fromMillis(expires) : null,
      refreshable: typeof refresh === "string" && refresh !== "",
    };
  } catch {
    return undefined;
  }
}

function fromMillis(ms: number | undefined): Date | null {
  if (ms === undefined || !Number.isFinite(ms)) return null;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** How a credential stands, from its metadata (GraphQL CredentialStatus). */
export type CredentialStatus = "VALID" | "EXPIRING" | "EXPIRED" | "REFUSED";

export interface CredentialStatusInput {
  readonly expiresAt: Date | null;
  readonly refreshable: boolean;
  readonly refusedAt: Date | null;
}

/**
 * REFUSED when the provider refused it; else VALID when refreshable (the platform or the CLI
 * refreshes it); else EXPIRED when its expiry has passed, EXPIRING within `expiringMs`, VALID
 * otherwise (and when the expiry is unknown).
 */
export function credentialStatus(
  credential: CredentialStatusInput,
  now: Date,
  expiringMs: number,
): CredentialStatus {
  if (credential.refusedAt !== null) return "REFUSED";
  if (credential.refreshable || credential.expiresAt === null) return "VALID";
  const left = credential.expiresAt.getTime() - now.getTime();
  if (left <= 0) return "EXPIRED";
  return left <= expiringMs ? "EXPIRING" : "VALID";
}

/** Whether a run with this credential cannot succeed: expired with nothing to refresh it with. */
export function isExpiredUnrefreshable(
  credential: Pick<CredentialStatusInput, "expiresAt" | "refreshable">,
  now: Date,
): boolean {
  return (
    !credential.refreshable &&
    credential.expiresAt !== null &&
    credential.expiresAt.getTime() <= now.getTime()
  );
}

/**
 * What a person does to get a fresh credential of (provider, kind): the first setup step the
 * registry lists for it (e.g. "… run `claude setup-token` …", "Run `codex login --device-auth` …").
 */
export function credentialFix(provider: Provider, kind: CredentialKind): string | null {
  return credentialFormat(provider, kind)?.steps[0] ?? null;
}
