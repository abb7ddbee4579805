import { createHash, randomBytes } from "node:crypto";

// The OAuth clients the platform signs in as: the subscription CLIs' own public clients, so the
// tokens it gets are the ones those CLIs accept (and refresh) when an agent runs with them.
// Endpoints are configuration (api and worker config.ts), tested against the fake provider.

/** Codex's public client at auth.openai.com (ChatGPT sign-in). */
export const OPENAI_OAUTH_CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann";
/** The scopes Codex asks for. */
export const OPENAI_OAUTH_SCOPE = "openid profile email offline_access";
/** OpenAI's token endpoint (refresh, device-code grant): OPENAI_OAUTH_TOKEN_URL. */
export const DEFAULT_OPENAI_OAUTH_TOKEN_URL = "https://auth.openai.com/oauth/token";

/** Claude Code's public client. */
export const ANTHROPIC_OAUTH_CLIENT_ID = "9d1c250a-e61b-44d9-88ed-5944d1962f5e";
/** Where the user signs in: ANTHROPIC_OAUTH_AUTHORIZE_URL. */
export const DEFAULT_ANTHROPIC_OAUTH_AUTHORIZE_URL = "https://claude.ai/oauth/authorize";
/** Anthropic's token endpoint (code exchange, refresh): ANTHROPIC_OAUTH_TOKEN_URL. */
export const DEFAULT_ANTHROPIC_OAUTH_TOKEN_URL = "https://console.anthropic.com/v1/oauth/token";
/** The page that shows the user `code#state` to paste back (the CLI's redirect). */
export const ANTHROPIC_OAUTH_REDIRECT_URI = "https://console.anthropic.com/oauth/code/callback";
/** The scopes `claude` asks for. */
export const ANTHROPIC_OAUTH_SCOPES = ["org:create_api_key", "user:profile", "user:inference"];

/** A PKCE pair (RFC 7636, S256): the verifier stays sealed server-side, the challenge goes out. */
export interface Pkce {
  readonly verifier: string;
  readonly challenge: string;
}

/** S256 of a verifier, base64url without padding. */
export const pkceChallenge = (verifier: string): string =>
  createHash("sha256").update(verifier).digest("base64url");

/** A fresh verifier (43 characters of base64url, 256 bits) and its challenge. */
export function createPkce(): Pkce {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: pkceChallenge(verifier) };
}

/** The URL a user opens to sign in to Claude, as `claude` builds it. */
export function anthropicAuthorizeUrl(
  authorizeUrl: string,
  params: { readonly state: string; readonly challenge: string },
): string {
  const url = new URL(authorizeUrl);
  // `code=true` makes the callback page show the code to copy instead of redirecting to a CLI.
  url.searchParams.set("code", "true");
  url.searchParams.set("client_id", ANTHROPIC_OAUTH_CLIENT_ID);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("redirect_uri", ANTHROPIC_OAUTH_REDIRECT_URI);
  url.searchParams.set("scope", ANTHROPIC_OAUTH_SCOPES.join(" "));
  url.searchParams.set("code_challenge", params.challenge);
  url.searchParams.set("code_challenge_method", "S256");
  url.searchParams.set("state", params.state);
  return url.toString();
}

/** RFC 8628's grant type, polled at the token endpoint with a device code. */
export const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
