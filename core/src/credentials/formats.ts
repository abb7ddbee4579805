import { AppError } from "../errors/app-error.js";
import type { CredentialKind, Provider } from "../domain/enums.js";
import { byProvider, CREDENTIAL_KIND_NAMES } from "../registry/index.js";

// What each (provider, kind) accepts. Every refusal is a BAD_USER_INPUT whose message names the
// provider and kind and says what is expected — built from constants only, never from the secret.
// The documented public prefixes (sk-ant-, gho_, …) may appear in messages; nothing else does.

/** How a provider is named to people (from the registry). */
export const PROVIDER_LABELS: Readonly<Record<Provider, string>> = byProvider(
  (descriptor) => descriptor.label,
);

/** How a credential kind is named to people (from the registry). */
export const CREDENTIAL_KIND_LABELS: Readonly<Record<CredentialKind, string>> =
  CREDENTIAL_KIND_NAMES;

/** Longest API key or token accepted (characters). */
export const MAX_TOKEN_LENGTH = 512;
/** Largest credentials file accepted: Codex's auth.json, Claude's .credentials.json (UTF-8 bytes). */
export const MAX_AUTH_JSON_BYTES = 16 * 1024;
/** Shortest Gemini API key accepted (they are 39 characters today). */
export const MIN_GEMINI_KEY_LENGTH = 20;

const ANTHROPIC_OAUTH_PREFIX = "sk-ant-oat";
const ANTHROPIC_SUBSCRIPTION_PREFIX = "sk-ant-oat01-";
const ANTHROPIC_API_KEY_PREFIX = "sk-ant-";
const OPENAI_API_KEY_PREFIX = "sk-";
const GITHUB_TOKEN_PREFIXES = ["gho_", "ghu_", "github_pat_"] as const;
// Printable ASCII without the space: 0x21..0x7e.
const TOKEN_CHARSET = /^[\x21-\x7e]+$/;

function refuse(message: string): AppError {
  return new AppError("BAD_USER_INPUT", message, { field: "secret" });
}

const what = (provider: Provider, kind: CredentialKind): string =>
  `${PROVIDER_LABELS[provider]} ${CREDENTIAL_KIND_LABELS[kind]}`;

/** Checks a single-line token: not empty, within the cap, printable ASCII without whitespace. */
function checkToken(provider: Provider, kind: CredentialKind, secret: string): void {
  const label = what(provider, kind);
  if (secret === "") throw refuse(`The ${label} is empty`);
  if (secret.length > MAX_TOKEN_LENGTH) {
    throw refuse(
      `The ${label} is too long: ${secret.length} characters, at most ${MAX_TOKEN_LENGTH} are accepted`,
    );
  }
  if (!TOKEN_CHARSET.test(secret)) {
    throw refuse(
      `The ${label} may contain only printable ASCII characters, without spaces, line breaks or control characters`,
    );
  }
}

/** The parsed parts of a Codex (ChatGPT sign-in) auth.json that matter here. */
export interface CodexAuthJson {
  readonly accessToken: string;
  readonly refreshToken: string;
}

/** Reads a Codex auth.json's tokens, or undefined when `text` is not one. Never throws. */
export function parseCodexAuthJson(text: string): CodexAuthJson | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
  const tokens: unknown = (parsed as Record<string, unknown>)["tokens"];
  if (typeof tokens !== "object" || tokens === null) return undefined;
  const accessToken: unknown = (tokens as Record<string, unknown>)["access_token"];
  const refreshToken: unknown = (tokens as Record<string, unknown>)["refresh_token"];
  if (typeof accessToken !== "string" || typeof refreshToken !== "string") return undefined;
  if (accessToken.trim() === "" || refreshToken.trim() === "") return undefined;
  return { accessToken, refreshToken };
}

function validateCodexAuthJson(secret: string): void {
  const label = what("OPENAI", "SUBSCRIPTION");
  if (secret === "") throw refuse(`The ${label} is empty; paste the contents of Codex's auth.json`);
  const bytes = Buffer.byteLength(secret, "utf8");
  if (bytes > MAX_AUTH_JSON_BYTES) {
    throw refuse(
      `The ${label} is too large: ${bytes} bytes, at most ${MAX_AUTH_JSON_BYTES} (16 KiB) are accepted`,
    );
  }
  if (!secret.startsWith("{")) {
    throw refuse(
      secret.startsWith(OPENAI_API_KEY_PREFIX)
        ? `An ${label} is the contents of Codex's auth.json, not an sk- key; add an sk- key with kind API_KEY`
        : `An ${label} is the contents of Codex's auth.json (a JSON object)`,
    );
  }
  // JSON.parse's own message quotes the input, so it is never passed on.
  if (parseCodexAuthJson(secret) === undefined) {
    throw refuse(
      `An ${label} must be Codex's auth.json: a JSON object with non-empty string fields tokens.access_token and tokens.refresh_token (sign in with \`codex login\`, then paste ~/.codex/auth.json)`,
    );
  }
}

/** The parsed parts of Claude Code's `~/.claude/.credentials.json` that matter here. */
export interface ClaudeCredentialsJson {
  readonly accessToken: string;
  readonly refreshToken: string;
  /** When the access token expires (epoch milliseconds), if the file says. */
  readonly expiresAt: number | undefined;
}

/** Why a text is not Claude's .credentials.json (names fields only, never values). */
type ClaudeCredentialsProblem =
  "not-object" | "no-oauth" | "tokens" | "token-format" | "expires" | "scopes";

function inspectClaudeCredentialsJson(
  text: string,
): { ok: true; value: ClaudeCredentialsJson } | { ok: false; problem: ClaudeCredentialsProblem } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, problem: "not-object" };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { ok: false, problem: "not-object" };
  }
  const oauth: unknown = (parsed as Record<string, unknown>)["claudeAiOauth"];
  if (typeof oauth !== "object" || oauth === null || Array.isArray(oauth)) {
    return { ok: false, problem: "no-oauth" };
  }
  const fields = oauth as Record<string, unknown>;
  const accessToken = fields["accessToken"];
  const refreshToken = fields["refreshToken"];
  if (typeof accessToken !== "string" || typeof refreshToken !== "string") {
    return { ok: false, problem: "tokens" };
  }
  if (accessToken.trim() === "" || refreshToken.trim() === "")
    return { ok: false, problem: "tokens" };
  const tokenShaped = (token: string): boolean =>
    token.length <= MAX_TOKEN_LENGTH && TOKEN_CHARSET.test(token);
  if (!tokenShaped(accessToken) || !tokenShaped(refreshToken)) {
    return { ok: false, problem: "token-format" };
  }
  const expiresAt = fields["expiresAt"];
  if (expiresAt !== undefined && (typeof expiresAt !== "number" || !Number.isFinite(expiresAt))) {
    return { ok: false, problem: "expires" };
  }
  const scopes = fields["scopes"];
  if (
    scopes !== undefined &&
    (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === "string"))
  ) {
    return { ok: false, problem: "scopes" };
  }
  return { ok: true, value: { accessToken, refreshToken, expiresAt } };
}

/** Reads Claude Code's .credentials.json tokens, or undefined when `text` is not one. Never throws. */
export function parseClaudeCredentialsJson(text: string): ClaudeCredentialsJson | undefined {
  const result = inspectClaudeCredentialsJson(text);
  return result.ok ? result.value : undefined;
}

const CLAUDE_CREDENTIALS_SHAPE =
  "Claude's .credentials.json: a JSON object whose claudeAiOauth holds non-empty string fields accessToken and refreshToken, expiresAt in milliseconds and scopes (sign in with `claude`, then paste ~/.claude/.credentials.json)";

const CLAUDE_CREDENTIALS_PROBLEMS = {
  "not-object": `must be ${CLAUDE_CREDENTIALS_SHAPE}`,
  "no-oauth": `must be ${CLAUDE_CREDENTIALS_SHAPE}; claudeAiOauth is missing`,
  tokens: `must be ${CLAUDE_CREDENTIALS_SHAPE}; claudeAiOauth.accessToken or claudeAiOauth.refreshToken is missing or not a non-empty string`,
  "token-format": `has a claudeAiOauth.accessToken or claudeAiOauth.refreshToken that is longer than ${MAX_TOKEN_LENGTH} characters or holds spaces, line breaks or other characters than printable ASCII`,
  expires: "has a claudeAiOauth.expiresAt that is not a number (milliseconds since 1970)",
  scopes: "has a claudeAiOauth.scopes that is not a list of strings",
} as const satisfies Record<ClaudeCredentialsProblem, string>;

function validateClaudeCredentialsJson(secret: string): void {
  const label = what("ANTHROPIC", "SUBSCRIPTION");
  const bytes = Buffer.byteLength(secret, "utf8");
  if (bytes > MAX_AUTH_JSON_BYTES) {
    throw refuse(
      `The ${label} is too large: ${bytes} bytes, at most ${MAX_AUTH_JSON_BYTES} (16 KiB) are accepted`,
    );
  }
  // JSON.parse's own message quotes the input, so it is never passed on.
  const result = inspectClaudeCredentialsJson(secret);
  if (!result.ok) {
    throw refuse(`An ${label} given as JSON ${CLAUDE_CREDENTIALS_PROBLEMS[result.problem]}`);
  }
}

/** The fewest characters a token has after its prefix: a prefix alone is a paste cut short. */
export const MIN_TOKEN_BODY = 8;

function requireBody(value: string, prefix: string, label: string): void {
  if (value.length - prefix.length < MIN_TOKEN_BODY) {
    throw refuse(
      `This is only the start of ${/^[aeiou]/i.test(label) ? "an" : "a"} ${label}: paste the whole token (more than ${prefix})`,
    );
  }
}

/**
 * Validates a secret's format for (provider, kind) and size caps; throws AppError BAD_USER_INPUT
 * (details `{ field: "secret" }`) with a message that never contains the secret. Returns the
 * normalized secret (trimmed).
 */
export function validateSecret(provider: Provider, kind: CredentialKind, secret: string): string {
  const value = secret.trim();
  const label = what(provider, kind);
  switch (provider) {
    case "ANTHROPIC":
      if (value.startsWith("{")) {
        if (kind === "API_KEY") {
          throw refuse(
            `This looks like Claude's .credentials.json, not an API key; add it with kind SUBSCRIPTION. An ${label} starts with ${ANTHROPIC_API_KEY_PREFIX}`,
          );
        }
        validateClaudeCredentialsJson(value);
        return value;
      }
      checkToken(provider, kind, value);
      if (kind === "API_KEY") {
        if (value.startsWith(ANTHROPIC_OAUTH_PREFIX)) {
          throw refuse(
            `This is an Anthropic subscription token (${ANTHROPIC_SUBSCRIPTION_PREFIX}…, from \`claude setup-token\`), not an API key; add it with kind SUBSCRIPTION`,
          );
        }
        if (!value.startsWith(ANTHROPIC_API_KEY_PREFIX)) {
          throw refuse(`An ${label} starts with ${ANTHROPIC_API_KEY_PREFIX}`);
        }
        requireBody(value, ANTHROPIC_API_KEY_PREFIX, label);
      } else if (!value.startsWith(ANTHROPIC_SUBSCRIPTION_PREFIX)) {
        throw refuse(
          value.startsWith(ANTHROPIC_API_KEY_PREFIX)
            ? `This looks like an Anthropic API key; add it with kind API_KEY. An ${label} token starts with ${ANTHROPIC_SUBSCRIPTION_PREFIX} (run \`claude setup-token\`), or is Claude's .credentials.json`
            : `An ${label} token starts with ${ANTHROPIC_SUBSCRIPTION_PREFIX} (run \`claude setup-token\`), or is Claude's .credentials.json`,
        );
      } else {
        requireBody(value, ANTHROPIC_SUBSCRIPTION_PREFIX, label);
      }
      return value;
    case "OPENAI":
      if (kind === "SUBSCRIPTION") {
        validateCodexAuthJson(value);
        return value;
      }
      if (value.startsWith("{")) {
        throw refuse(
          `This looks like Codex's auth.json, not an API key; add it with kind SUBSCRIPTION. An ${label} starts with ${OPENAI_API_KEY_PREFIX}`,
        );
      }
      checkToken(provider, kind, value);
      if (!value.startsWith(OPENAI_API_KEY_PREFIX)) {
        throw refuse(`An ${label} starts with ${OPENAI_API_KEY_PREFIX}`);
      }
      requireBody(value, OPENAI_API_KEY_PREFIX, label);
      return value;
    case "GEMINI":
      if (kind === "SUBSCRIPTION") throw refuse("Gemini takes an API key only (kind API_KEY)");
      checkToken(provider, kind, value);
      if (value.length < MIN_GEMINI_KEY_LENGTH) {
        throw refuse(`A ${label} has at least ${MIN_GEMINI_KEY_LENGTH} characters`);
      }
      return value;
    case "GITHUB_COPILOT":
      if (kind === "API_KEY")
        throw refuse("GitHub Copilot takes a GitHub token (kind SUBSCRIPTION)");
      checkToken(provider, kind, value);
      if (!GITHUB_TOKEN_PREFIXES.some((prefix) => value.startsWith(prefix))) {
        throw refuse(
          `GitHub Copilot takes a GitHub token with the Copilot permission, starting with ${GITHUB_TOKEN_PREFIXES.join(", ")} (classic ghp_ tokens are not accepted)`,
        );
      }
      requireBody(
        value,
        GITHUB_TOKEN_PREFIXES.find((prefix) => value.startsWith(prefix)) ?? "",
        label,
      );
      return value;
    case "GIT":
      // Any host's token or password, optionally `username:token` (sent as basic auth).
      if (kind === "SUBSCRIPTION") throw refuse("A repository token is kind API_KEY");
      checkToken(provider, kind, value);
      if (value.startsWith(":") || value.endsWith(":")) {
        throw refuse("A repository token given as username:token needs both parts");
      }
      return value;
  }
}

/** For a session key given without a kind: which kind it is (e.g. sk-ant-oat01- is a subscription). */
export function inferCredentialKind(provider: Provider, secret: string): CredentialKind {
  const value = secret.trim();
  switch (provider) {
    case "ANTHROPIC":
      // A token from `claude setup-token`, or Claude's .credentials.json.
      return value.startsWith(ANTHROPIC_OAUTH_PREFIX) || value.startsWith("{")
        ? "SUBSCRIPTION"
        : "API_KEY";
    case "OPENAI":
      return value.startsWith("{") ? "SUBSCRIPTION" : "API_KEY";
    case "GEMINI":
      return "API_KEY";
    case "GITHUB_COPILOT":
      return "SUBSCRIPTION";
    case "GIT":
      return "API_KEY";
  }
}

const HINT_LENGTH = 4;

const tail = (value: string): string => {
  const length = Math.min(HINT_LENGTH, Math.floor(value.length / 4));
  return length === 0 ? "" : value.slice(-length);
};

/** The access token inside a credentials file (Codex's auth.json, Claude's .credentials.json). */
function fileAccessToken(value: string): string | undefined {
  if (!value.startsWith("{")) return undefined;
  return (parseCodexAuthJson(value) ?? parseClaudeCredentialsJson(value))?.accessToken.trim();
}

/**
 * At most the last 4 characters, and never more than a quarter of the secret (floor), so short
 * secrets get a shorter hint or "". A Codex auth.json or a Claude .credentials.json is
 * recognised and hinted from the end of its access token (the end of the JSON text is always
 * `}`, which tells nobody anything).
 */
export function secretHint(secret: string): string {
  const value = secret.trim();
  return tail(fileAccessToken(value) ?? value);
}

/**
 * The hint to store for a validated secret of (provider, kind): as secretHint, but decided by
 * the kind rather than by the secret's shape (an OpenAI subscription is always an auth.json; an
 * Anthropic subscription given as JSON is Claude's .credentials.json).
 */
export function hintFor(provider: Provider, kind: CredentialKind, secret: string): string {
  const value = secret.trim();
  if (provider === "OPENAI" && kind === "SUBSCRIPTION") {
    const codex = parseCodexAuthJson(value);
    return codex === undefined ? "" : tail(codex.accessToken.trim());
  }
  if (provider === "ANTHROPIC" && kind === "SUBSCRIPTION" && value.startsWith("{")) {
    const claude = parseClaudeCredentialsJson(value);
    return claude === undefined ? "" : tail(claude.accessToken.trim());
  }
  return tail(value);
}
