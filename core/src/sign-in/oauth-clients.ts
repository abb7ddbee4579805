import { createHash, randomBytes } from "node:crypto";

// The OAuth clients the platform signs in as: the subscription CLIs' own public clients, so the
// tokens it gets are the ones those CLIs accept (and refresh) when an agent runs with them.
// Endpoints are configuration (api and worker config.ts), tested against the fake provider.

/** Codex's public client at auth.openai.com (ChatGPT sign-in). */
export const OPENAI_OAUTH_CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann";
/** OpenAI's token endpoint (refresh, the device sign-in's code exchange): OPENAI_OAUTH_TOKEN_URL. */
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

// OpenAI's device sign-in as `codex login --device-auth` runs it (openai/codex, read at
// codex-rs/login/src/device_code_auth.rs @2cb626376fc5f38b348d08f0b87797cb91fbd2bd, the token
// exchange in codex-rs/login/src/server.rs @0483fd17ab6791a7c9dbc6a5906b0be26f4a841b, the client
// id in codex-rs/login/src/auth/manager.rs @0126a9dd8ce398bce4ee305279fcd2030a7f24ed). It is not
// RFC 8628; every address derives from the issuer (Codex's `opts.issuer`, default
// https://auth.openai.com):
//   1. POST {issuer}/api/accounts/deviceauth/usercode, JSON {"client_id"}
//      → 200 {device_auth_id, user_code (alias usercode), interval (a string of seconds)};
//      404: device sign-in is not enabled there.
//   2. The user opens {issuer}/codex/device and types the user code (Codex: "expires in 15
//      minutes").
//   3. POST {issuer}/api/accounts/deviceauth/token, JSON {"device_auth_id", "user_code"}, at the
//      interval: 403 or 404 → not yet approved, poll again; 2xx → {authorization_code,
//      code_challenge, code_verifier} (the PKCE pair is minted by the server); any other status
//      ends the login. Codex gives up after 15 minutes.
//   4. POST {issuer}/oauth/token, form-encoded grant_type=authorization_code, code,
//      redirect_uri={issuer}/deviceauth/callback, client_id, code_verifier
//      → {id_token, access_token, refresh_token}.
// Both device-auth calls go out with Content-Type: application/json and none of Codex's default
// headers (its "raw auth" client); the exchange is form-encoded.

/** Codex's issuer: OPENAI_OAUTH_ISSUER. */
export const DEFAULT_OPENAI_OAUTH_ISSUER = "https://auth.openai.com";

/** How long Codex waits for a device sign-in to be approved (and tells the user its code lives). */
export const OPENAI_DEVICE_SIGN_IN_LIFETIME_MS = 15 * 60_000;

/** The addresses of OpenAI's device sign-in under an issuer, as Codex builds them. */
export interface OpenAiDeviceAuthEndpoints {
  /** Step 1: a device auth id and a user code. */
  readonly userCodeUrl: string;
  /** Step 3: polled until the user approves. */
  readonly pollUrl: string;
  /** Where the user enters the code. */
  readonly verificationUrl: string;
  /** The redirect URI the authorization code is bound to (sent with the exchange). */
  readonly redirectUri: string;
}

export function openaiDeviceAuthEndpoints(issuer: string): OpenAiDeviceAuthEndpoints {
  const base = issuer.replace(/\/+$/, "");
  return {
    userCodeUrl: `${base}/api/accounts/deviceauth/usercode`,
    pollUrl: `${base}/api/accounts/deviceauth/token`,
    verificationUrl: `${base}/codex/device`,
    redirectUri: `${base}/deviceauth/callback`,
  };
}
