import {
  ANTHROPIC_OAUTH_CLIENT_ID,
  ANTHROPIC_OAUTH_REDIRECT_URI,
  ANTHROPIC_OAUTH_SCOPES,
  AppError,
  MAX_WRONG_CODES,
  sealedFromJson,
  signInSecretIdentity,
  type Logger,
  type SignInStore,
} from "@agentry/core";
import type { Vault } from "@agentry/core/secrets";
import type { PrismaClient } from "@agentry/prisma";
import { oauthError, postOAuth, stringField, type SignInEndpoints } from "./oauth-http.js";
import { claudeCredentialsJson, storeSignInCredential } from "./sign-in-credential.js";

// Anthropic's code flow, its second half: the api has put the pasted code (sealed) into the flow
// and moved it to EXCHANGING, so no second paste can race this one. The worker opens the code and
// the PKCE verifier, exchanges them at the token endpoint, and stores the tokens as a Claude
// Code subscription (.credentials.json). A wrong code leaves the flow usable for another paste,
// up to MAX_WRONG_CODES; an unreachable server leaves it as it was.

export interface CodeSignInDeps {
  readonly prisma: PrismaClient;
  readonly vault: Vault;
  readonly flows: SignInStore;
  readonly endpoints: SignInEndpoints;
  readonly logger: Logger;
}

export function createCodeSignIn(deps: CodeSignInDeps) {
  const { flows, endpoints } = deps;

  return async function complete(
    flowId: string,
    now = Date.now(),
  ): Promise<{ credentialId: string }> {
    const flow = await flows.get(flowId);
    if (
      flow?.type !== "code" ||
      flow.phase !== "EXCHANGING" ||
      flow.verifier === null ||
      flow.code === null
    ) {
      throw new AppError("NOT_FOUND", "The sign-in is gone");
    }
    const log = deps.logger.child({ flowId, userId: flow.userId });
    const fail = async (message: string) => {
      await flows.transition(flow, {
        from: ["EXCHANGING"],
        to: "FAILED",
        patch: { verifier: null, code: null, message },
      });
    };
    if (now >= flow.expiresAt) {
      await flows.transition(flow, {
        from: ["EXCHANGING"],
        to: "EXPIRED",
        patch: { verifier: null, code: null, message: "The sign-in expired" },
      });
      throw new AppError("BAD_USER_INPUT", "This sign-in has expired; start a new one", {
        field: "id",
        reason: "expired",
      });
    }
    const answer = await postOAuth(
      endpoints.anthropicTokenUrl,
      {
        grant_type: "authorization_code",
        code: deps.vault.open(signInSecretIdentity(flow, "code"), sealedFromJson(flow.code)),
        state: flow.oauthState ?? "",
        client_id: ANTHROPIC_OAUTH_CLIENT_ID,
        redirect_uri: ANTHROPIC_OAUTH_REDIRECT_URI,
        code_verifier: deps.vault.open(
          signInSecretIdentity(flow, "verifier"),
          sealedFromJson(flow.verifier),
        ),
      },
      // Claude's token endpoint takes JSON, as `claude` sends it.
      { json: true, timeoutMs: endpoints.timeoutMs },
    );
    if (answer.kind === "unreachable" || answer.status >= 500) {
      await flows.transition(flow, { from: ["EXCHANGING"], to: "PENDING", patch: { code: null } });
      log.warn(
        { reason: answer.kind === "unreachable" ? answer.reason : `status ${answer.status}` },
        "code sign-in exchange got no answer",
      );
      throw new AppError(
        "UNAVAILABLE",
        "Anthropic's sign-in server did not answer; paste the code again shortly",
      );
    }
    if (answer.status === 200 && stringField(answer.body, "access_token") !== undefined) {
      try {
        const credentialId = await storeSignInCredential(
          deps,
          flow,
          claudeCredentialsJson(answer.body, ANTHROPIC_OAUTH_SCOPES),
        );
        await flows.transition(flow, {
          from: ["EXCHANGING"],
          to: "SUCCEEDED",
          patch: { credentialId, verifier: null, code: null, message: null },
        });
        log.info({ credentialId }, "code sign-in succeeded; credential stored");
        return { credentialId };
      } catch (error) {
        await fail(
          error instanceof AppError ? error.message : "The credential could not be stored",
        );
        throw error;
      }
    }
    const error = oauthError(answer.body);
    if (error === "invalid_grant") {
      const wrongCodes = flow.wrongCodes + 1;
      const left = MAX_WRONG_CODES - wrongCodes;
      if (left <= 0) {
        await fail("Too many wrong codes; start a new sign-in");
      } else {
        await flows.transition(flow, {
          from: ["EXCHANGING"],
          to: "PENDING",
          patch: { code: null, wrongCodes },
        });
      }
      log.info({ wrongCodes }, "code sign-in: the server refused the code");
      throw new AppError(
        "BAD_USER_INPUT",
        left <= 0
          ? "Anthropic refused this code (wrong, expired or already used), and that was the last try: start a new sign-in"
          : `Anthropic refused this code (wrong, expired or already used); paste the code the page shows exactly (${left} ${left === 1 ? "try" : "tries"} left)`,
        { field: "code", reason: "invalid_grant", triesLeft: Math.max(0, left) },
      );
    }
    await fail(
      `Anthropic's sign-in server refused the exchange (${error ?? `status ${answer.status}`})`,
    );
    log.warn({ error: error ?? null, status: answer.status }, "code sign-in refused");
    throw new AppError(
      "AUTHENTICATION_FAILED",
      `Anthropic's sign-in server refused the exchange (${error ?? `status ${answer.status}`}); start a new sign-in`,
      { reason: "exchange_refused" },
    );
  };
}

export type CodeSignIn = ReturnType<typeof createCodeSignIn>;
