// Calls to an authorization server's endpoints. What comes back is the parsed JSON body and the
// status, or "unreachable"; nothing here logs, and no error message carries a body (token
// answers hold tokens) or a request (it holds a code or a verifier).

/** Where the sign-in flows talk to the authorization servers (worker config). */
export interface SignInEndpoints {
  /** OpenAI's issuer: the device sign-in's addresses derive from it (core's oauth-clients.ts). */
  readonly openaiIssuer: string;
  /** OpenAI's token endpoint: refresh, and the device sign-in's code exchange. */
  readonly openaiTokenUrl: string;
  readonly anthropicTokenUrl: string;
  /** How long one call may take before the server counts as unreachable. */
  readonly timeoutMs: number;
}

export type OAuthAnswer =
  | { readonly kind: "answered"; readonly status: number; readonly body: Record<string, unknown> }
  | { readonly kind: "unreachable"; readonly reason: string };

/**
 * POSTs `fields` form-encoded (RFC 6749's wire format) or as JSON (Claude's token endpoint, OpenAI's
 * device sign-in). `accept: application/json` goes with it unless `plain` (Codex sends its device
 * sign-in's calls with a Content-Type and nothing else of its own).
 */
export async function postOAuth(
  url: string,
  fields: Readonly<Record<string, string>>,
  options: { readonly json?: boolean; readonly plain?: boolean; readonly timeoutMs: number },
): Promise<OAuthAnswer> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type":
          options.json === true ? "application/json" : "application/x-www-form-urlencoded",
        ...(options.plain === true ? {} : { accept: "application/json" }),
      },
      body: options.json === true ? JSON.stringify(fields) : new URLSearchParams(fields).toString(),
      signal: AbortSignal.timeout(options.timeoutMs),
      redirect: "error",
    });
  } catch (error) {
    const timedOut = error instanceof Error && error.name === "TimeoutError";
    return { kind: "unreachable", reason: timedOut ? "timeout" : "connection failed" };
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  return {
    kind: "answered",
    status: response.status,
    body:
      typeof body === "object" && body !== null && !Array.isArray(body)
        ? (body as Record<string, unknown>)
        : {},
  };
}

/** RFC 6749 error codes are short ASCII words; anything else is not repeated to anyone. */
const ERROR_CODE = /^[a-z0-9_.-]{1,64}$/i;

/** An OAuth error answer's `error` (RFC 6749 5.2), or undefined. Safe to show and log. */
export const oauthError = (body: Record<string, unknown>): string | undefined => {
  let error = body["error"];
  // OpenAI's API-style errors: { error: { code } }.
  if (typeof error === "object" && error !== null)
    error = (error as Record<string, unknown>)["code"];
  return typeof error === "string" && ERROR_CODE.test(error) ? error : undefined;
};

/** A string field of a token answer, or undefined. */
export const stringField = (body: Record<string, unknown>, name: string): string | undefined => {
  const value = body[name];
  return typeof value === "string" && value !== "" ? value : undefined;
};

/** A positive integer field of a token answer, or undefined. */
export const countField = (body: Record<string, unknown>, name: string): number | undefined => {
  const value = body[name];
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : undefined;
};
