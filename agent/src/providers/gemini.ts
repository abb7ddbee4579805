import { ApiError, GoogleGenAI, type GenerateContentResponseUsageMetadata } from "@google/genai";
import {
  AgentRunError,
  httpFailure,
  providerErrorDetail,
  timeoutFailure,
  transportFailure,
} from "../errors.js";
import type { ProviderCall, TokenUsage } from "./provider.js";

const DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com";

/** One streamed `streamGenerateContent` call on the Gemini API (not Vertex). */
export const callGemini: ProviderCall = async (request) => {
  if (request.credential.kind !== "API_KEY") {
    throw new AgentRunError(
      "AGENT_FAILED",
      "The chat agent calls the Gemini API, which takes an API key, not a Google login",
    );
  }
  const client = new GoogleGenAI({
    apiKey: request.credential.secret,
    vertexai: false,
    httpOptions: {
      baseUrl: request.baseUrl ?? DEFAULT_BASE_URL,
      timeout: request.timeoutMs,
      // One attempt: the worker owns retries, and every attempt is a billed call.
      retryOptions: { attempts: 1 },
    },
  });

  let model = request.model;
  let usage: TokenUsage | undefined;
  let stopReason: string | undefined;
  let text = "";
  try {
    const stream = await client.models.generateContentStream({
      model: request.model,
      contents: request.turns.map((turn) => ({
        role: turn.role === "assistant" ? "model" : "user",
        parts: [{ text: turn.text }],
      })),
      // Continuation would open further requests behind one stream: calls we could not count.
      config: { automaticContinuation: false, abortSignal: request.signal },
    });
    for await (const chunk of stream) {
      if (chunk.modelVersion) model = chunk.modelVersion;
      const candidate = chunk.candidates?.[0];
      for (const part of candidate?.content?.parts ?? []) {
        if (typeof part.text === "string" && part.text.length > 0 && part.thought !== true) {
          text += part.text;
          request.onText(part.text);
        }
      }
      if (candidate?.finishReason) stopReason = candidate.finishReason;
      // Each chunk's usageMetadata is cumulative; the last one is the call's.
      if (chunk.usageMetadata) usage = mapUsage(chunk.usageMetadata);
    }
  } catch (error) {
    if (request.signal.aborted) {
      throw timeoutFailure("GEMINI", request.timeoutMs, usage && { model, usage });
    }
    throw classify(error, usage && { model, usage });
  }
  // Some SDK streams end quietly, not with an error, when their signal aborts.
  if (request.signal.aborted) {
    throw timeoutFailure("GEMINI", request.timeoutMs, usage && { model, usage });
  }
  if (!usage) {
    throw new AgentRunError("AGENT_FAILED", "Gemini stream ended without usageMetadata");
  }
  return { text, model, usage, stopReason };
};

function mapUsage(metadata: GenerateContentResponseUsageMetadata): TokenUsage {
  const cached = metadata.cachedContentTokenCount ?? 0;
  const thoughts = metadata.thoughtsTokenCount ?? 0;
  return {
    // promptTokenCount includes the cached part; tool-use prompt tokens are billed as input.
    inputTokens:
      Math.max(0, (metadata.promptTokenCount ?? 0) - cached) +
      (metadata.toolUsePromptTokenCount ?? 0),
    // Thoughts are billed as output but not counted in candidatesTokenCount.
    outputTokens: (metadata.candidatesTokenCount ?? 0) + thoughts,
    cacheReadTokens: cached,
    cacheWriteTokens: 0,
    reasoningTokens: thoughts,
  };
}

function classify(
  error: unknown,
  partial: { model: string; usage: TokenUsage } | undefined,
): AgentRunError {
  if (error instanceof ApiError) {
    // The SDK's message is the JSON error body.
    const detail = providerErrorDetail(error.message);
    const keyRejected =
      error.status === 400 &&
      (error.message.includes("API_KEY_INVALID") || /API key not valid/i.test(error.message));
    return httpFailure("GEMINI", "API_KEY", error.status, detail, {
      keyRejected,
      partial,
      cause: error,
    });
  }
  return transportFailure("GEMINI", error, partial);
}
