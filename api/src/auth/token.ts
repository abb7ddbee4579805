import { createHash, randomBytes } from "node:crypto";

// Bearer tokens: a prefix saying what the token is, then 32 random bytes as base64url. Only
// the SHA-256 of a token is stored (ApiToken.tokenHash); the token itself is shown once.

export const TOKEN_PREFIX = {
  /** Issued by signUp / signIn; expires. */
  signIn: "agt_",
  /** A personal access token from createApiToken, for programs; lives until revoked. */
  personal: "agp_",
} as const;

const TOKEN_FORMAT = /^ag[tp]_[A-Za-z0-9_-]{43}$/;

export interface IssuedToken {
  readonly token: string;
  readonly tokenHash: string;
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function issueToken(kind: keyof typeof TOKEN_PREFIX): IssuedToken {
  const token = TOKEN_PREFIX[kind] + randomBytes(32).toString("base64url");
  return { token, tokenHash: hashToken(token) };
}

/** Whether a string can be one of our tokens at all (spares a database lookup when not). */
export const isTokenShaped = (value: string): boolean => TOKEN_FORMAT.test(value);

/** The token of an `Authorization: Bearer <token>` value; undefined when absent or malformed. */
export function bearerToken(header: string | undefined | null): string | undefined {
  if (header === undefined || header === null) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
