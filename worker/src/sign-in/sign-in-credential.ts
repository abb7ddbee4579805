import {
  AppError,
  validateSecret,
  writeCredential,
  type SealingVault,
  type SignInFlow,
} from "@agentry/core";
import type { PrismaClient } from "@agentry/prisma";
import { stringField } from "./oauth-http.js";

// What a finished sign-in stores: the tokens as the credential file the agent's CLI reads (and
// the registry accepts for its provider's subscription), saved through the path
// setAccountCredential and setSessionKey use (core's writeCredential: validated, sealed under the
// row's identity, a new version of the row it replaces, an audit event), so it is like any
// credential from then on (expiry, refreshable, rotation by the CLI, refresh before a run).

/** Codex's auth.json after a ChatGPT sign-in, from the token endpoint's answer. */
export function codexAuthJson(tokens: Record<string, unknown>, now = new Date()): string {
  const idToken = stringField(tokens, "id_token") ?? "";
  const accessToken = stringField(tokens, "access_token") ?? "";
  const refreshToken = stringField(tokens, "refresh_token") ?? "";
  return JSON.stringify({
    auth_mode: "chatgpt",
    OPENAI_API_KEY: null,
    tokens: {
      id_token: idToken,
      access_token: accessToken,
      refresh_token: refreshToken,
      account_id: chatgptAccountId(idToken) ?? chatgptAccountId(accessToken) ?? null,
    },
    last_refresh: now.toISOString(),
  });
}

/** The ChatGPT account id Codex sends as `chatgpt-account-id`, from a token's claims. */
function chatgptAccountId(jwt: string): string | undefined {
  if (jwt.split(".").length !== 3) return undefined;
  try {
    const payload: unknown = JSON.parse(
      Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8"),
    );
    const auth = (payload as Record<string, unknown> | null)?.["https://api.openai.com/auth"];
    const id = (auth as Record<string, unknown> | null | undefined)?.["chatgpt_account_id"];
    return typeof id === "string" ? id : undefined;
  } catch {
    return undefined;
  }
}

/** Claude Code's .credentials.json, from the token endpoint's answer. */
export function claudeCredentialsJson(
  tokens: Record<string, unknown>,
  requestedScopes: readonly string[],
  now = Date.now(),
): string {
  const expiresIn = tokens["expires_in"];
  const scope = stringField(tokens, "scope");
  return JSON.stringify({
    claudeAiOauth: {
      accessToken: stringField(tokens, "access_token") ?? "",
      refreshToken: stringField(tokens, "refresh_token") ?? "",
      expiresAt: now + (typeof expiresIn === "number" ? expiresIn : 3600) * 1000,
      scopes: scope === undefined ? [...requestedScopes] : scope.split(" ").filter(Boolean),
    },
  });
}

/**
 * Stores `secret` as the flow's credential: the session's key for the provider when the flow
 * names a session (still owned by the user: ownership is checked again here), else the user's
 * own subscription for the provider, replacing what was there. Returns the credential's id.
 * Tokens the registry does not accept (the server answered something that is no sign-in) fail
 * the flow AUTHENTICATION_FAILED, and nothing is stored.
 */
export async function storeSignInCredential(
  deps: { readonly prisma: PrismaClient; readonly vault: SealingVault },
  flow: Pick<SignInFlow, "id" | "userId" | "sessionId" | "provider">,
  rawSecret: string,
): Promise<string> {
  const { provider } = flow;
  const kind = "SUBSCRIPTION" as const;
  let secret: string;
  try {
    secret = validateSecret(provider, kind, rawSecret);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    throw new AppError(
      "AUTHENTICATION_FAILED",
      "The authorization server's answer held no usable tokens; nothing was stored. Start the sign-in again",
      { reason: "unusable_tokens" },
    );
  }
  const { sessionId } = flow;
  const written = await deps.prisma.$transaction((tx) =>
    writeCredential(tx, deps.vault, {
      owner:
        sessionId === null ? { type: "user", id: flow.userId } : { type: "session", id: sessionId },
      provider,
      kind,
      secret,
      actorId: flow.userId,
      // Access was checked when the flow started; ownership is checked again as it is stored.
      ...(sessionId === null ? {} : { sessionOwnerId: flow.userId }),
      via: "sign-in",
    }),
  );
  return written.id;
}
