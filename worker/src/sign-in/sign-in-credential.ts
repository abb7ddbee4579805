import { randomUUID } from "node:crypto";
import {
  AppError,
  hintFor,
  sealedColumns,
  tokenLifetime,
  validateSecret,
  type CredentialIdentity,
  type SealingVault,
  type SignInFlow,
} from "@agentry/core";
import type { PrismaClient } from "@agentry/prisma";
import { stringField } from "./oauth-http.js";

// What a finished sign-in stores: the tokens as the credential file the agent's CLI reads (and
// the registry accepts for its provider's subscription), saved as setAccountCredential and
// setSessionKey save one — validated by core, sealed under the row's identity, a new version of
// the row it replaces, an audit event — so it is like any credential from then on (expiry,
// refreshable, rotation by the CLI, refresh before a run).

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
  const hint = hintFor(provider, kind, secret);
  const lifetime = tokenLifetime(provider, kind, secret);
  const { prisma, vault } = deps;
  return prisma.$transaction(async (tx) => {
    const sessionId = flow.sessionId;
    if (sessionId !== null) {
      // As writeSessionKey: the session's key changes are serialized on its row.
      const owned = await tx.$queryRaw<{ ownerId: string }[]>`
        SELECT "ownerId" FROM "Session" WHERE "id" = ${sessionId}::uuid FOR UPDATE`;
      if (owned[0]?.ownerId !== flow.userId) {
        throw new AppError(
          "NOT_FOUND",
          "The session is gone or no longer yours; nothing was stored",
          { field: "sessionId" },
        );
      }
    } else {
      await tx.$executeRaw`SELECT 1 FROM "User" WHERE "id" = ${flow.userId}::uuid FOR UPDATE`;
    }
    // A session holds one key per provider, whatever its kind; a user one per (provider, kind).
    const existing = await tx.credential.findFirst({
      where:
        sessionId === null
          ? { userId: flow.userId, sessionId: null, provider, kind }
          : { sessionId, userId: null, provider },
      select: { id: true },
    });
    const id = existing?.id ?? randomUUID();
    const identity: CredentialIdentity = {
      id,
      owner:
        sessionId === null ? { type: "user", id: flow.userId } : { type: "session", id: sessionId },
      provider,
      kind,
    };
    const stored = { kind, ...sealedColumns(vault.seal(identity, secret)), hint, ...lifetime };
    const owner = sessionId === null ? { userId: flow.userId } : { sessionId };
    const record =
      existing === null
        ? await tx.credential.create({
            data: { id, ...owner, provider, ...stored },
            select: { version: true },
          })
        : await tx.credential.update({
            where: { id },
            data: { ...stored, version: { increment: 1 }, lastUsedAt: null, refusedAt: null },
            select: { version: true },
          });
    const action =
      sessionId === null
        ? existing === null
          ? "account_credential.set"
          : "account_credential.replace"
        : existing === null
          ? "session_key.set"
          : "session_key.replace";
    await tx.auditEvent.create({
      data: {
        actorId: flow.userId,
        action,
        targetType: "credential",
        targetId: id,
        details: {
          ...(sessionId === null ? { userId: flow.userId } : { sessionId }),
          provider,
          kind,
          hint,
          version: record.version,
          via: "sign-in",
        },
      },
    });
    return id;
  });
}
