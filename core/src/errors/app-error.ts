/** Every error code a client may see in `extensions.code` (the public contract). */
export const ERROR_CODES = [
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "BAD_USER_INPUT",
  "NO_API_KEY",
  "INVALID_API_KEY",
  "AUTHENTICATION_FAILED",
  "RATE_LIMITED",
  "AGENT_FAILED",
  "BUDGET_EXCEEDED",
  // The session's repository could not be cloned or pushed to: unreachable, not found, or the
  // repository token refused (the message says which, never the token). The next message tries
  // the clone again.
  "REPOSITORY_UNAVAILABLE",
  // A part the system depends on (Redis, the queue) is down for now: retry shortly. Nothing
  // was done, so retrying is safe.
  "UNAVAILABLE",
  "INTERNAL",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * The one error type of the system. `message` is shown to users as is, so it must never hold
 * a secret; `details` are non-secret, machine-readable facts (e.g. `{ keySource, hint }`).
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.details = details;
  }
}

export const isAppError = (value: unknown): value is AppError => value instanceof AppError;
