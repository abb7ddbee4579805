import { readFile, writeFile } from "node:fs/promises";
import type { AgentRunInput } from "@agentry/core/protocol";
import { AgentRunError } from "../errors.js";

// OpenCode reads its credentials from ~/.local/share/opencode/auth.json, one entry per
// provider: `{"type":"api","key"}` for API keys, `{"type":"oauth","access","refresh","expires"
// (ms),"accountId"?}` for sign-ins. A ChatGPT sign-in is stored as Codex's auth.json, so it is
// converted for the run and, when OpenCode refreshed it (rewriting its entry with a rotated
// refresh token), converted back so the stored credential keeps working.

/** OpenCode's provider ids for ours. */
export const OPENCODE_PROVIDER_ID = {
  ANTHROPIC: "anthropic",
  OPENAI: "openai",
  GEMINI: "google",
  GITHUB_COPILOT: "github-copilot",
} as const satisfies Record<AgentRunInput["provider"], string>;

export const CODEX_SIGN_IN_FIX =
  "run `codex login --device-auth` and save the new ~/.codex/auth.json as this credential";

type AuthEntry =
  | { type: "api"; key: string }
  | { type: "oauth"; access: string; refresh: string; expires: number; accountId?: string };

/** The credential as OpenCode takes it: its auth.json entry, and the secrets to scrub. */
export interface OpenCodeCredential {
  readonly providerId: string;
  readonly entry: AuthEntry;
  /** Every token in the entry (scrubbed from all output besides the stored secret). */
  readonly secrets: readonly string[];
  /** The stored Codex auth.json, for a ChatGPT sign-in (converted back after a refresh). */
  readonly codexAuth?: Record<string, unknown>;
}

const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

const nonEmpty = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim() !== "" ? value : undefined;

/** A JWT's claims (not verified: only its expiry and account are read). */
function jwtClaims(token: string): Record<string, unknown> | undefined {
  const payload = token.split(".")[1];
  if (payload === undefined || token.split(".").length !== 3) return undefined;
  try {
    return record(JSON.parse(Buffer.from(payload, "base64url").toString("utf8")));
  } catch {
    return undefined;
  }
}

/** ChatGPT's account id, where Codex and OpenCode find it in a token's claims. */
function accountIdOf(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const claims = jwtClaims(token);
  return (
    nonEmpty(claims?.["chatgpt_account_id"]) ??
    nonEmpty(record(claims?.["https://api.openai.com/auth"])?.["chatgpt_account_id"])
  );
}

/** Codex's auth.json as OpenCode's OAuth entry; undefined when it has no tokens. */
function fromCodexAuth(text: string): OpenCodeCredential | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const file = record(parsed);
  const tokens = record(file?.["tokens"]);
  const access = nonEmpty(tokens?.["access_token"]);
  const refresh = nonEmpty(tokens?.["refresh_token"]);
  if (file === undefined || access === undefined || refresh === undefined) return undefined;
  const idToken = nonEmpty(tokens?.["id_token"]);
  const exp = jwtClaims(access)?.["exp"];
  const accountId = nonEmpty(tokens?.["account_id"]) ?? accountIdOf(idToken) ?? accountIdOf(access);
  return {
    providerId: OPENCODE_PROVIDER_ID.OPENAI,
    entry: {
      type: "oauth",
      access,
      refresh,
      // An access token whose expiry cannot be read counts as expired: OpenCode refreshes it
      // first (and the rotated tokens are handed back), rather than failing on a stale one.
      expires: typeof exp === "number" && Number.isFinite(exp) ? exp * 1000 : 0,
      ...(accountId === undefined ? {} : { accountId }),
    },
    secrets: [access, refresh, ...(idToken === undefined ? [] : [idToken])],
    codexAuth: file,
  };
}

/** The run's credential for OpenCode, or why OpenCode cannot use it (before any call). */
export function openCodeCredential(input: AgentRunInput): OpenCodeCredential | AgentRunError {
  const { kind, secret } = input.credential;
  const providerId = OPENCODE_PROVIDER_ID[input.provider];
  if (input.provider === "GITHUB_COPILOT") {
    // OpenCode sends the GitHub token itself to Copilot's API (its `refresh` field) and never
    // refreshes it; `expires` is unused.
    return {
      providerId,
      entry: { type: "oauth", access: secret, refresh: secret, expires: 0 },
      secrets: [secret],
    };
  }
  if (kind === "API_KEY")
    return { providerId, entry: { type: "api", key: secret }, secrets: [secret] };
  if (input.provider === "ANTHROPIC") {
    return new AgentRunError(
      "AUTHENTICATION_FAILED",
      "OpenCode takes an Anthropic API key: it no longer accepts a Claude subscription (OAuth) token. Add an Anthropic API key for this agent, or use Claude Code with the subscription",
    );
  }
  if (input.provider === "OPENAI") {
    return (
      fromCodexAuth(secret) ??
      new AgentRunError(
        "AUTHENTICATION_FAILED",
        `The OpenAI subscription is not Codex's auth.json with tokens; ${CODEX_SIGN_IN_FIX}`,
      )
    );
  }
  return new AgentRunError(
    "AGENT_FAILED",
    "OpenCode runs with a Gemini API key only, not a subscription",
  );
}

/** Writes auth.json (owner-only) with the run's one entry. */
export async function writeOpenCodeAuth(
  path: string,
  credential: OpenCodeCredential,
): Promise<void> {
  await writeFile(path, `${JSON.stringify({ [credential.providerId]: credential.entry })}\n`, {
    mode: 0o600,
  });
}

/**
 * After the run: when OpenCode refreshed the ChatGPT sign-in (its entry holds other tokens), the
 * stored Codex auth.json with the new tokens, other fields kept; undefined when nothing changed
 * or the file is gone or unreadable.
 */
export async function rotatedCodexAuth(
  path: string,
  given: OpenCodeCredential,
): Promise<{ content: string; secrets: string[] } | undefined> {
  if (given.codexAuth === undefined || given.entry.type !== "oauth") return undefined;
  let entry: Record<string, unknown> | undefined;
  try {
    entry = record(record(JSON.parse(await readFile(path, "utf8")))?.[given.providerId]);
  } catch {
    return undefined;
  }
  const access = nonEmpty(entry?.["access"]);
  const refresh = nonEmpty(entry?.["refresh"]);
  if (access === undefined || refresh === undefined) return undefined;
  if (access === given.entry.access && refresh === given.entry.refresh) return undefined;
  const tokens = record(given.codexAuth["tokens"]) ?? {};
  const accountId = nonEmpty(entry?.["accountId"]) ?? nonEmpty(tokens["account_id"]);
  const content = JSON.stringify(
    {
      ...given.codexAuth,
      tokens: {
        ...tokens,
        access_token: access,
        refresh_token: refresh,
        ...(accountId === undefined ? {} : { account_id: accountId }),
      },
      last_refresh: new Date().toISOString(),
    },
    null,
    2,
  );
  return { content, secrets: [access, refresh] };
}
