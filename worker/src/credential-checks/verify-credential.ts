import {
  AppError,
  credentialIdentityOf,
  PROVIDER_LABELS,
  providerBaseUrlsFromEnv,
  sealedFromRow,
  VERIFY_CREDENTIAL,
} from "@agentry/core";
import { checkHandler } from "./check-handler.js";
import { verificationRequest, verifyWithProvider } from "./provider-verify.js";

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
    const verdict = await verifyWithProvider(request, PROVIDER_LABELS[row.provider], timeoutMs);
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
