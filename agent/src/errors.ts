import type { AgentEvent, AgentRunInput } from "@agentry/core/protocol";
import type { TokenUsage } from "./providers/provider.js";

export type AgentErrorCode = Extract<AgentEvent, { type: "error" }>["code"];

/** Usage known when a call failed part way (the provider had already counted the tokens). */
export interface PartialCall {
  model: string;
  usage: TokenUsage;
}

/** A failed run, already classified into the protocol's error codes. */
export class AgentRunError extends Error {
  readonly code: AgentErrorCode;
  /** The provider's HTTP status, when the failure came from the provider. */
  readonly status: number | undefined;
  readonly partial: PartialCall | undefined;

  constructor(
    code: AgentErrorCode,
    message: string,
    options: {
      status?: number | undefined;
      partial?: PartialCall | undefined;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "AgentRunError";
    this.code = code;
    this.status = options.status;
    this.partial = options.partial;
  }
}

const PROVIDER_LABEL = { ANTHROPIC: "Anthropic", OPENAI: "OpenAI", GEMINI: "Gemini" } as const;
export type ChatProvider = keyof typeof PROVIDER_LABEL;

const MAX_DETAIL = 400;

/** The `error.message` (or `message`) of a provider's JSON error body, if it has one. */
export function providerErrorDetail(body: unknown): string | undefined {
  if (typeof body === "string") {
    try {
      return providerErrorDetail(JSON.parse(body)) ?? body;
    } catch {
      return body;
    }
  }
  if (typeof body !== "object" || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const nested = record["error"];
  if (typeof nested === "object" && nested !== null) {
    const message = (nested as Record<string, unknown>)["message"];
    if (typeof message === "string") return message;
  }
  const message = record["message"];
  return typeof message === "string" ? message : undefined;
}

/**
 * Classifies a provider's HTTP refusal. 401/403 is the key's fault (or, for a subscription
 * token, an expired or refused login); `keyRejected` covers providers that answer a bad key
 * with another status (Gemini: 400 API_KEY_INVALID).
 */
export function httpFailure(
  provider: ChatProvider,
  credentialKind: AgentRunInput["credential"]["kind"],
  status: number,
  detail: string | undefined,
  options: { keyRejected?: boolean; partial?: PartialCall | undefined; cause?: unknown } = {},
): AgentRunError {
  const label = PROVIDER_LABEL[provider];
  const suffix = detail ? `: ${detail.slice(0, MAX_DETAIL)}` : "";
  const common = { status, partial: options.partial, cause: options.cause };
  if (status === 401 || status === 403 || options.keyRejected === true) {
    return credentialKind === "SUBSCRIPTION"
      ? new AgentRunError(
          "AUTHENTICATION_FAILED",
          `${label} refused the subscription token; it may have expired (HTTP ${status})${suffix}`,
          common,
        )
      : new AgentRunError(
          "INVALID_API_KEY",
          `${label} refused the API key (HTTP ${status})${suffix}`,
          common,
        );
  }
  if (status === 429) {
    return new AgentRunError(
      "RATE_LIMITED",
      `${label} rate limit reached (HTTP 429)${suffix}`,
      common,
    );
  }
  return new AgentRunError(
    "AGENT_FAILED",
    `${label} request failed (HTTP ${status})${suffix}`,
    common,
  );
}

/** A failure with no HTTP status: connection refused, timeout, a stream cut short. */
export function transportFailure(
  provider: ChatProvider,
  error: unknown,
  partial?: PartialCall,
): AgentRunError {
  const detail = error instanceof Error ? error.message : String(error);
  return new AgentRunError(
    "AGENT_FAILED",
    `${PROVIDER_LABEL[provider]} request failed: ${detail.slice(0, MAX_DETAIL)}`,
    { partial, cause: error },
  );
}

/** The call outlived its deadline (the whole streamed call, not just the first byte). */
export function timeoutFailure(
  provider: ChatProvider,
  timeoutMs: number,
  partial?: PartialCall,
): AgentRunError {
  return new AgentRunError(
    "AGENT_FAILED",
    `${PROVIDER_LABEL[provider]} request timed out after ${Math.round(timeoutMs / 1000)} s`,
    { partial },
  );
}
