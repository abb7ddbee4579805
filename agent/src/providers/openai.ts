import OpenAI, { APIError } from "openai";
import {
  AgentRunError,
  httpFailure,
  providerErrorDetail,
  timeoutFailure,
  transportFailure,
} from "../errors.js";
import type { ProviderCall, TokenUsage } from "./provider.js";

const DEFAULT_BASE_URL = "https://api.openai.com/v1";

/**
 * One streamed Chat Completions call (every chat model answers there; the Responses API is
 * what Codex uses, not needed for plain chat). `stream_options.include_usage` makes the last
 * chunk carry the usage.
 */
export const callOpenAI: ProviderCall = async (request) => {
  if (request.credential.kind !== "API_KEY") {
    // A ChatGPT login (Codex's auth.json) is not accepted by the public API.
    throw new AgentRunError(
      "AGENT_FAILED",
      "The chat agent calls the OpenAI API, which takes an API key, not a ChatGPT subscription",
    );
  }
  const client = new OpenAI({
    apiKey: request.credential.secret,
    organization: null,
    project: null,
    baseURL: request.baseUrl ?? DEFAULT_BASE_URL,
    maxRetries: 0,
    timeout: request.timeoutMs,
    // The environment must not switch on request logging (ANTHROPIC_LOG / OPENAI_LOG=debug).
    logLevel: "warn",
  });

  let model = request.model;
  let usage: TokenUsage | undefined;
  let stopReason: string | undefined;
  let text = "";
  try {
    const stream = await client.chat.completions.create(
      {
        model: request.model,
        messages: request.turns.map((turn) => ({ role: turn.role, content: turn.text })),
        stream: true,
        stream_options: { include_usage: true },
      },
      { signal: request.signal },
    );
    for await (const chunk of stream) {
      if (chunk.model) model = chunk.model;
      const choice = chunk.choices[0];
      const delta = choice?.delta.content;
      if (typeof delta === "string" && delta.length > 0) {
        text += delta;
        request.onText(delta);
      }
      if (choice?.finish_reason) stopReason = choice.finish_reason;
      if (chunk.usage) {
        // prompt_tokens counts cached (and cache-written) tokens too; keep the classes apart.
        const cacheRead = chunk.usage.prompt_tokens_details?.cached_tokens ?? 0;
        const cacheWrite = chunk.usage.prompt_tokens_details?.cache_write_tokens ?? 0;
        usage = {
          inputTokens: Math.max(0, chunk.usage.prompt_tokens - cacheRead - cacheWrite),
          outputTokens: chunk.usage.completion_tokens,
          cacheReadTokens: cacheRead,
          cacheWriteTokens: cacheWrite,
          reasoningTokens: chunk.usage.completion_tokens_details?.reasoning_tokens ?? 0,
        };
      }
    }
  } catch (error) {
    if (request.signal.aborted) {
      throw timeoutFailure("OPENAI", request.timeoutMs, usage && { model, usage });
    }
    throw classify(error, usage && { model, usage });
  }
  // Some SDK streams end quietly, not with an error, when their signal aborts.
  if (request.signal.aborted) {
    throw timeoutFailure("OPENAI", request.timeoutMs, usage && { model, usage });
  }
  if (!usage) {
    // Without usage the call cannot be counted; an OpenAI-compatible server that ignores
    // include_usage is a misconfiguration worth failing loudly on.
    throw new AgentRunError(
      "AGENT_FAILED",
      "OpenAI stream ended without usage (stream_options.include_usage not honoured)",
    );
  }
  return { text, model, usage, stopReason };
};

function classify(
  error: unknown,
  partial: { model: string; usage: TokenUsage } | undefined,
): AgentRunError {
  if (error instanceof APIError) {
    const detail = providerErrorDetail(error.error);
    if (typeof error.status === "number") {
      return httpFailure("OPENAI", "API_KEY", error.status, detail, { partial, cause: error });
    }
    if (detail !== undefined) {
      const code = error.code === "rate_limit_exceeded" ? "RATE_LIMITED" : "AGENT_FAILED";
      return new AgentRunError(code, `OpenAI request failed: ${detail}`, { partial, cause: error });
    }
  }
  return transportFailure("OPENAI", error, partial);
}
