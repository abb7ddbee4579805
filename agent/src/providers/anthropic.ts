import Anthropic, { APIError } from "@anthropic-ai/sdk";
import {
  AgentRunError,
  httpFailure,
  providerErrorDetail,
  timeoutFailure,
  transportFailure,
} from "../errors.js";
import type { ProviderCall, TokenUsage } from "./provider.js";

const DEFAULT_BASE_URL = "https://api.anthropic.com";
/** The beta that lets a Claude subscription (OAuth) token call the Messages API. */
export const OAUTH_BETA = "oauth-2025-04-20";
// Messages API requires a cap; 8192 is within every current model's output limit.
const MAX_TOKENS = 8192;

/**
 * One streamed Messages API call. An API key and a subscription token (`sk-ant-oat01-…`, from
 * `claude setup-token`) both travel as a bearer credential; the token also needs the OAuth beta.
 */
export const callAnthropic: ProviderCall = async (request) => {
  const subscription = request.credential.kind === "SUBSCRIPTION";
  const client = new Anthropic({
    apiKey: subscription ? null : request.credential.secret,
    authToken: subscription ? request.credential.secret : null,
    baseURL: request.baseUrl ?? DEFAULT_BASE_URL,
    maxRetries: 0,
    timeout: request.timeoutMs,
    // The environment must not switch on request logging (ANTHROPIC_LOG / OPENAI_LOG=debug).
    logLevel: "warn",
    ...(subscription ? { defaultHeaders: { "anthropic-beta": OAUTH_BETA } } : {}),
  });

  let model = request.model;
  let usage: TokenUsage | undefined;
  let stopReason: string | undefined;
  let text = "";
  try {
    const stream = await client.messages.create(
      {
        model: request.model,
        max_tokens: MAX_TOKENS,
        messages: request.turns.map((turn) => ({ role: turn.role, content: turn.text })),
        // Every message resends the whole conversation: let Anthropic cache its prefix (a
        // marker on the last block), so the next message reads it at a tenth of the price.
        cache_control: { type: "ephemeral" },
        stream: true,
      },
      { signal: request.signal },
    );
    for await (const event of stream) {
      switch (event.type) {
        case "message_start": {
          model = event.message.model || model;
          const start = event.message.usage;
          usage = {
            inputTokens: start.input_tokens,
            outputTokens: start.output_tokens,
            cacheReadTokens: start.cache_read_input_tokens ?? 0,
            cacheWriteTokens: start.cache_creation_input_tokens ?? 0,
            reasoningTokens: start.output_tokens_details?.thinking_tokens ?? 0,
          };
          break;
        }
        case "content_block_delta":
          if (event.delta.type === "text_delta" && event.delta.text.length > 0) {
            text += event.delta.text;
            request.onText(event.delta.text);
          }
          break;
        case "message_delta": {
          stopReason = event.delta.stop_reason ?? stopReason;
          // The delta's counts are cumulative; a null means "unchanged since message_start".
          const delta = event.usage;
          const base = usage ?? {
            inputTokens: 0,
            outputTokens: 0,
            cacheReadTokens: 0,
            cacheWriteTokens: 0,
            reasoningTokens: 0,
          };
          usage = {
            inputTokens: delta.input_tokens ?? base.inputTokens,
            outputTokens: delta.output_tokens,
            cacheReadTokens: delta.cache_read_input_tokens ?? base.cacheReadTokens,
            cacheWriteTokens: delta.cache_creation_input_tokens ?? base.cacheWriteTokens,
            reasoningTokens: delta.output_tokens_details?.thinking_tokens ?? base.reasoningTokens,
          };
          break;
        }
        default:
          break;
      }
    }
  } catch (error) {
    if (request.signal.aborted) {
      throw timeoutFailure("ANTHROPIC", request.timeoutMs, usage && { model, usage });
    }
    throw classify(error, request.credential.kind, usage && { model, usage });
  }
  // Some SDK streams end quietly, not with an error, when their signal aborts.
  if (request.signal.aborted) {
    throw timeoutFailure("ANTHROPIC", request.timeoutMs, usage && { model, usage });
  }
  if (!usage) {
    throw new AgentRunError("AGENT_FAILED", "Anthropic stream ended without a message_start");
  }
  return { text, model, usage, stopReason };
};

function classify(
  error: unknown,
  kind: "API_KEY" | "SUBSCRIPTION",
  partial: { model: string; usage: TokenUsage } | undefined,
): AgentRunError {
  if (error instanceof APIError) {
    const detail = error.apiMessage ?? providerErrorDetail(error.error) ?? undefined;
    if (typeof error.status === "number") {
      return httpFailure("ANTHROPIC", kind, error.status, detail, { partial, cause: error });
    }
    // An `error` event inside an open stream carries no HTTP status, only its type.
    if (error.type === "rate_limit_error") {
      return new AgentRunError("RATE_LIMITED", `Anthropic rate limit reached: ${detail ?? ""}`, {
        partial,
        cause: error,
      });
    }
    if (detail !== undefined) {
      return new AgentRunError("AGENT_FAILED", `Anthropic request failed: ${detail}`, {
        partial,
        cause: error,
      });
    }
  }
  return transportFailure("ANTHROPIC", error, partial);
}
