import {
  AppError,
  credentialIdentityOf,
  PROVIDER_LABELS,
  tokenLifetime,
  type TokenLifetime,
  providerBaseUrlsFromEnv,
  sealedFromRow,
  VERIFY_CREDENTIAL,
} from "@agentry/core";
import { checkHandler } from "./check-handler.js";
import {
  verificationRequest,
  verifyWithProvider,
  type ProviderVerification,
} from "./provider-verify.js";

/**
 * verifyCredential's worker half: opens the credential and asks its provider, at the base URL
 * agents use, whether it takes it. Read-only: nothing is stored, marked or stamped either way
 * (not even lastUsedAt: no agent used it). An expired access token is not refreshed here: the
 * provider's answer to the stored token is the answer.
 */
export const verifyCredentialCheck = checkHandler(VERIFY_CREDENTIAL, (deps) => {
  const baseUrls = providerBaseUrlsFromEnv(deps.env);
  const timeoutMs = deps.env.VERIFY_TIMEOUT_MS;
  return async ({ credentialId, actingUserId }) => {
    const row = await deps.prisma.credential.findUnique({
      where: { id: credentialId },
      select: {
        id: true,
        userId: true,
        sessionId: true,
        provider: true,
        kind: true,
        version: true,
        ciphertext: true,
        nonce: true,
        keyVersion: true,
      },
    });
    // Removed since the api looked it up.
    if (row === null) throw new AppError("NOT_FOUND", "Credential not found", { field: "id" });
    const secret = deps.vault.open(credentialIdentityOf(row), sealedFromRow(row));
    const request = verificationRequest(row.provider, row.kind, secret, baseUrls);
    if (request === undefined) {
      throw new AppError("BAD_USER_INPUT", "This kind of credential cannot be verified", {
        field: "id",
      });
    }
    const answer = await verifyWithProvider(request, PROVIDER_LABELS[row.provider], timeoutMs);
    const verdict = withExpiryNote(answer, tokenLifetime(row.provider, row.kind, secret));
    deps.logger.info(
      {
        credentialId,
        actingUserId,
        version: row.version,
        result: verdict.result,
        status: verdict.status,
      },
      "credential verified",
    );
    return { ...verdict, checkedAt: new Date().toISOString() };
  };
});

/**
 * A refreshable sign-in whose access token has expired is refused by the provider, yet a run
 * would refresh it first: the answer says so, since the sign-in itself may well be good.
 */
function withExpiryNote(
  answer: ProviderVerification,
  lifetime: TokenLifetime,
  now = new Date(),
): ProviderVerification {
  const expiresAt = lifetime.expiresAt;
  if (answer.result !== "REFUSED" || !lifetime.refreshable || expiresAt === null) return answer;
  if (expiresAt.getTime() > now.getTime()) return answer;
  return {
    ...answer,
    message: `${answer.message}; its access token expired at ${expiresAt.toISOString()}, and a run refreshes it first, so the sign-in itself may still be good`,
  };
}
