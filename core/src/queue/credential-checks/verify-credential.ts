import { z } from "zod";
import { defineCredentialCheck } from "../credential-check-queue.js";

/** How a provider answered a cheap authenticated call made with a credential. */
export const VERIFICATION_RESULTS = ["VALID", "REFUSED", "UNREACHABLE"] as const;
export type VerificationResult = (typeof VERIFICATION_RESULTS)[number];

/**
 * verifyCredential: the worker opens the credential and makes one cheap authenticated call to its
 * provider (listing models). Read-only: nothing is stored either way. The api has already checked
 * that the acting user may see the credential.
 */
export const VERIFY_CREDENTIAL = defineCredentialCheck(
  "verify-credential",
  z.object({ credentialId: z.uuid(), actingUserId: z.uuid() }),
  z.object({
    result: z.enum(VERIFICATION_RESULTS),
    /** When the provider answered (or the call gave up), ISO 8601. */
    checkedAt: z.iso.datetime(),
    /** The HTTP status, when the provider answered at all. */
    status: z.number().int().nullable(),
    /** What happened, for people (never a secret or the provider's body). */
    message: z.string().nullable(),
  }),
);
