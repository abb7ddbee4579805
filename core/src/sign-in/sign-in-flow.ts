import { z } from "zod";
import type { CredentialIdentity, SealedSecret } from "../crypto/seal.js";
import type { Provider } from "../domain/enums.js";

// A sign-in flow the platform runs for a user (OpenAI's device-code flow, Anthropic's code
// flow): its state lives in Redis (sign-in-store.ts), bound to the user, readable by the api
// without opening anything. Its secrets (the device flow's device auth id, the PKCE verifier, a
// pasted authorization code) are sealed there; only the worker opens them, to talk to the
// authorization server.

/** What a user sees of a flow (the schema's SignInStatus). */
export const SIGN_IN_STATUSES = [
  "PENDING",
  "SUCCEEDED",
  "DENIED",
  "EXPIRED",
  "CANCELLED",
  "FAILED",
] as const;
export type SignInStatus = (typeof SIGN_IN_STATUSES)[number];

/**
 * Where a flow is, internally. STARTING: reserved by the api, the worker has not yet asked the
 * authorization server for a user code. EXCHANGING: a pasted code (or a device flow's tokens)
 * is being turned into a stored credential; nothing else may happen to the flow meanwhile. Both
 * show as PENDING.
 */
export const SIGN_IN_PHASES = [
  "STARTING",
  "PENDING",
  "EXCHANGING",
  "SUCCEEDED",
  "DENIED",
  "EXPIRED",
  "CANCELLED",
  "FAILED",
] as const;
export type SignInPhase = (typeof SIGN_IN_PHASES)[number];

/** Phases a flow never leaves. */
export const FINAL_SIGN_IN_PHASES: readonly SignInPhase[] = [
  "SUCCEEDED",
  "DENIED",
  "EXPIRED",
  "CANCELLED",
  "FAILED",
];

/** Pending flows (not yet ended or expired) one user may have at once. */
export const MAX_PENDING_SIGN_INS = 5;
/** How long a code flow waits for its code to be pasted back. */
export const CODE_SIGN_IN_TTL_MS = 10 * 60_000;
/** How long the api waits for the worker to open a device flow (its record lives this long). */
export const DEVICE_SIGN_IN_START_TTL_MS = 60_000;
/** How long an ended or expired flow's status stays readable (its secrets are gone by then). */
export const SIGN_IN_STATUS_GRACE_MS = 2 * 60_000;
/** Wrong codes a code flow takes before it fails (a typo may be pasted again until then). */
export const MAX_WRONG_CODES = 3;
/** When the device sign-in's poll is answered 429 (too many requests), the interval grows by 5 seconds, for good. */
export const SLOW_DOWN_STEP_SECONDS = 5;
/** Longest code accepted from a user (`code#state`). */
export const MAX_PASTED_CODE_LENGTH = 2048;

/** A SealedSecret as JSON (base64 bytes). */
const sealedJsonSchema = z.object({
  ciphertext: z.string(),
  nonce: z.string(),
  keyVersion: z.number().int(),
});
export type SealedJson = z.infer<typeof sealedJsonSchema>;

export const sealedToJson = (sealed: SealedSecret): SealedJson => ({
  ciphertext: sealed.ciphertext.toString("base64"),
  nonce: sealed.nonce.toString("base64"),
  keyVersion: sealed.keyVersion,
});

export const sealedFromJson = (json: SealedJson): SealedSecret => ({
  ciphertext: Buffer.from(json.ciphertext, "base64"),
  nonce: Buffer.from(json.nonce, "base64"),
  keyVersion: json.keyVersion,
});

/** The stored record of a flow. Times are epoch milliseconds. */
export const signInFlowSchema = z.object({
  id: z.uuid(),
  type: z.enum(["device", "code"]),
  userId: z.uuid(),
  /** The session whose key it becomes (the user owns it), or null: the user's own credential. */
  sessionId: z.uuid().nullable(),
  provider: z.enum(["ANTHROPIC", "OPENAI"]),
  agentKind: z.enum(["CLAUDE_CODE", "CODEX", "OPENCODE"]),
  phase: z.enum(SIGN_IN_PHASES),
  createdAt: z.number(),
  expiresAt: z.number(),
  // The device-code flow's public half (the user code it shows), and its device auth id (sealed in
  // `deviceCode`: with the user code it fetches the authorization code, so it is a secret).
  userCode: z.string().nullable(),
  verificationUri: z.string().nullable(),
  verificationUriComplete: z.string().nullable(),
  intervalSeconds: z.number().int().nullable(),
  deviceCode: sealedJsonSchema.nullable(),
  // The code flow: its `state` (public: it is in the authorize URL), the URL, the PKCE verifier
  // and, while it is exchanged, the pasted code (both sealed).
  oauthState: z.string().nullable(),
  authorizeUrl: z.string().nullable(),
  verifier: sealedJsonSchema.nullable(),
  code: sealedJsonSchema.nullable(),
  wrongCodes: z.number().int(),
  /** The credential it stored, once SUCCEEDED. */
  credentialId: z.uuid().nullable(),
  /** Why it ended as it did, for people (never a secret or the server's body). */
  message: z.string().nullable(),
});
export type SignInFlow = z.infer<typeof signInFlowSchema>;

/** The fields a new flow starts with, before its type's own. */
export const blankSignInFlow = {
  userCode: null,
  verificationUri: null,
  verificationUriComplete: null,
  intervalSeconds: null,
  deviceCode: null,
  oauthState: null,
  authorizeUrl: null,
  verifier: null,
  code: null,
  wrongCodes: 0,
  credentialId: null,
  message: null,
} as const satisfies Partial<SignInFlow>;

/** The secrets a flow holds, each sealed under an identity of its own. */
export type SignInSecretName = "device_code" | "verifier" | "code";

/**
 * The identity a flow's secret is sealed under. Its id is not a UUID, so no such ciphertext can
 * ever be taken for a stored credential's (whose ids are), nor moved to another flow or user.
 */
export const signInSecretIdentity = (
  flow: Pick<SignInFlow, "id" | "userId" | "provider">,
  name: SignInSecretName,
): CredentialIdentity => ({
  id: `sign-in/${flow.id}/${name}`,
  owner: { type: "user", id: flow.userId },
  provider: flow.provider satisfies Provider,
  kind: "SUBSCRIPTION",
});

/** The status a user sees: STARTING and EXCHANGING are PENDING; PENDING past its expiry is EXPIRED. */
export function signInStatus(
  flow: Pick<SignInFlow, "phase" | "expiresAt">,
  now = Date.now(),
): SignInStatus {
  switch (flow.phase) {
    case "STARTING":
    case "EXCHANGING":
      return "PENDING";
    case "PENDING":
      return now >= flow.expiresAt ? "EXPIRED" : "PENDING";
    default:
      return flow.phase;
  }
}
