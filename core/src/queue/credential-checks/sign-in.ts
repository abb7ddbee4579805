import { z } from "zod";
import { defineCredentialCheck } from "../credential-check-queue.js";

// The sign-in flows' checks (core/src/sign-in): the worker talks to the authorization server
// with the flow's secrets, which only it opens. Data: the flow's id only; the flow's record in
// Redis holds the rest (its secrets sealed).

/**
 * startDeviceSignIn: the worker asks OpenAI's device sign-in for a device auth id (sealed into the
 * flow at once) and a user code, and starts polling for the user's approval.
 */
export const START_DEVICE_SIGN_IN = defineCredentialCheck(
  "start-device-sign-in",
  z.object({ flowId: z.uuid() }),
  z.object({
    userCode: z.string(),
    verificationUri: z.string(),
    verificationUriComplete: z.string().nullable(),
    /** Epoch ms. */
    expiresAt: z.number(),
    intervalSeconds: z.number().int(),
  }),
);

/**
 * completeCodeSignIn: the worker exchanges the pasted code (sealed into the flow by the api)
 * with the flow's PKCE verifier and stores the tokens as the user's credential.
 */
export const COMPLETE_CODE_SIGN_IN = defineCredentialCheck(
  "complete-code-sign-in",
  z.object({ flowId: z.uuid() }),
  z.object({ credentialId: z.uuid() }),
);
