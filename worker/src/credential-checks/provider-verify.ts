import {
  parseClaudeCredentialsJson,
  parseCodexAuthJson,
  type CredentialKind,
  type Provider,
  type VerificationResult,
} from "@agentry/core";

// One cheap authenticated call per provider, with a credential in the clear, to learn whether the
// provider takes it: listing models (GitHub Copilot: the user's Copilot entry, the CLI's first
// call). Nothing is sent but the credential's own header; redirects are not followed (a header
// like x-api-key would go along to wherever the redirect points).

/** Base URLs as agents use them (unset = the provider's own); the same env variables. */
export interface VerifyBaseUrls {
  readonly ANTHROPIC?: string;
  readonly OPENAI?: string;
  readonly GEMINI?: string;
  readonly GITHUB_COPILOT?: string;
}

export interface ProviderVerification {
  readonly result: VerificationResult;
  readonly status: number | null;
  readonly message: string;
}

const DEFAULTS = {
  ANTHROPIC: "https://api.anthropic.com",
  OPENAI: "https://api.openai.com/v1",
  // A ChatGPT sign-in's calls go to ChatGPT's Codex API (as the Codex runner's do).
  OPENAI_CHATGPT: "https://chatgpt.com/backend-api/codex",
  GEMINI: "https://generativelanguage.googleapis.com",
  GITHUB_COPILOT: "https://api.github.com",
} as const;

const ANTHROPIC_VERSION = "2023-06-01";
const ANTHROPIC_OAUTH_BETA = "oauth-2025-04-20";

const trimSlash = (url: string): string => url.replace(/\/+$/, "");

/** The request that verifies (provider, kind, secret): its URL and headers; undefined: none. */
export function verificationRequest(
  provider: Provider,
  kind: CredentialKind,
  secret: string,
  baseUrls: VerifyBaseUrls,
): { readonly url: string; readonly headers: Record<string, string> } | undefined {
  switch (provider) {
    case "ANTHROPIC": {
      const base = trimSlash(baseUrls.ANTHROPIC ?? DEFAULTS.ANTHROPIC);
      const url = `${base}/v1/models?limit=1`;
      if (kind === "API_KEY") {
        return { url, headers: { "x-api-key": secret, "anthropic-version": ANTHROPIC_VERSION } };
      }
      // A setup token as is, or the access token of Claude's .credentials.json.
      const token = parseClaudeCredentialsJson(secret)?.accessToken ?? secret;
      return {
        url,
        headers: {
          authorization: `Bearer ${token}`,
          "anthropic-beta": ANTHROPIC_OAUTH_BETA,
          "anthropic-version": ANTHROPIC_VERSION,
        },
      };
    }
    case "OPENAI": {
      if (kind === "API_KEY") {
        const base = trimSlash(baseUrls.OPENAI ?? DEFAULTS.OPENAI);
        return { url: `${base}/models`, headers: { authorization: `Bearer ${secret}` } };
      }
      const base = trimSlash(baseUrls.OPENAI ?? DEFAULTS.OPENAI_CHATGPT);
      const signIn = parseCodexAuthJson(secret);
      const accountId = codexAccountId(secret);
      return {
        url: `${base}/models`,
        headers: {
          authorization: `Bearer ${signIn?.accessToken ?? secret}`,
          ...(accountId === undefined ? {} : { "chatgpt-account-id": accountId }),
        },
      };
    }
    case "GEMINI": {
      const base = trimSlash(baseUrls.GEMINI ?? DEFAULTS.GEMINI);
      return { url: `${base}/v1beta/models?pageSize=1`, headers: { "x-goog-api-key": secret } };
    }
    case "GITHUB_COPILOT": {
      const base = trimSlash(baseUrls.GITHUB_COPILOT ?? DEFAULTS.GITHUB_COPILOT);
      return {
        url: `${base}/copilot_internal/user`,
        headers: { authorization: `Bearer ${secret}`, accept: "application/json" },
      };
    }
    default:
      // Not a model provider this knows how to ask (e.g. a repository token).
      return undefined;
  }
}

/** auth.json's tokens.account_id, sent as ChatGPT's account header when present. */
function codexAccountId(secret: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(secret);
    const tokens = (parsed as { tokens?: { account_id?: unknown } } | null)?.tokens;
    return typeof tokens?.account_id === "string" && tokens.account_id !== ""
      ? tokens.account_id
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes the call and classifies the answer: 2xx VALID; 401/403 (and Gemini's 400
 * API_KEY_INVALID) REFUSED; any other status
 * UNREACHABLE with it (a rate limit or an outage says nothing about the credential); no answer
 * (refused connection, unknown host, `timeoutMs` passed) UNREACHABLE without a status. Messages
 * name what happened, never the secret or the provider's body.
 */
export async function verifyWithProvider(
  request: { readonly url: string; readonly headers: Record<string, string> },
  label: string,
  timeoutMs: number,
): Promise<ProviderVerification> {
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: "GET",
      headers: request.headers,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return { result: "UNREACHABLE", status: null, message: unreachable(error, label, timeoutMs) };
  }
  const { status } = response;
  // Gemini refuses an unknown key with 400 INVALID_ARGUMENT, reason API_KEY_INVALID.
  const keyInvalid = status === 400 && /"API_KEY_INVALID"/.test(await headOf(response));
  await response.body?.cancel().catch(() => undefined);
  if (status >= 200 && status < 300)
    return { result: "VALID", status, message: `${label} accepted it` };
  if (status === 401 || status === 403 || keyInvalid) {
    return { result: "REFUSED", status, message: `${label} refused it (HTTP ${status})` };
  }
  return {
    result: "UNREACHABLE",
    status,
    message:
      status === 429
        ? `${label} is rate-limiting requests (HTTP 429); try again later`
        : `${label} answered HTTP ${status}, which says nothing about the credential; try again later`,
  };
}

/** The first 64 KiB of a reply's body as text (an error reply is small); "" when unreadable. */
async function headOf(response: Response): Promise<string> {
  const reader: ReadableStreamDefaultReader<Uint8Array> | undefined = response.body?.getReader();
  if (reader === undefined) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < 64 * 1024) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // Cut off: what arrived is all there is.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function unreachable(error: unknown, label: string, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === "TimeoutError") {
    return `${label} did not answer within ${timeoutMs} ms`;
  }
  const code = errorCode(error);
  return code === undefined
    ? `${label} could not be reached`
    : `${label} could not be reached (${code})`;
}

/** The system error code of a failed fetch (ECONNREFUSED, ENOTFOUND, …), from its causes. */
function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^[A-Z_]+$/.test(code)) return code;
    current = current.cause;
  }
  return undefined;
}
