import { asRecord, sendJson, SseWriter } from "../http-util.js";
import { countWords, echoReply, randomId } from "../reply.js";
import type { FakeUsage, ScriptedToolCall } from "../types.js";
import type {
  Credential,
  ErrorCause,
  ErrorReply,
  ParsedRequest,
  ProviderAdapter,
  ReplyChannel,
} from "./adapter.js";
import { sampleForSchema } from "./json-sample.js";
import { lastMatching, stringField, textOf } from "./text.js";

/** `/v1beta/models/{model}:generateContent` and `:streamGenerateContent` (also v1, v1alpha). */
export const GEMINI_PATH =
  /^\/(?:v1|v1beta|v1alpha)\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;

const STATUS_NAMES: Readonly<Record<number, string>> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

const STATUS_MESSAGES: Readonly<Record<number, string>> = {
  400: "Request contains an invalid argument.",
  401: "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
  403: "The caller does not have permission",
  404: "models/unknown is not found for API version v1beta, or is not supported for generateContent.",
  429: "You exceeded your current quota, please check your plan and billing details.",
  500: "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
  503: "The model is overloaded. Please try again later.",
};

const googleError = (status: number, message: string, details?: unknown[]): ErrorReply => ({
  status,
  headers: {
    "content-type": "application/json; charset=UTF-8",
    ...(status === 429 ? { "retry-after": "0" } : {}),
  },
  body: {
    error: {
      code: status,
      message,
      status: STATUS_NAMES[status] ?? (status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION"),
      ...(details === undefined ? {} : { details }),
    },
  },
});

const INVALID_KEY_MESSAGE = "API key not valid. Please pass a valid API key.";

// Real Gemini answers an unknown key with 400 INVALID_ARGUMENT (not 401), reason API_KEY_INVALID.
const invalidKey = (): ErrorReply =>
  googleError(400, INVALID_KEY_MESSAGE, [
    {
      "@type": "type.googleapis.com/google.rpc.ErrorInfo",
      reason: "API_KEY_INVALID",
      domain: "googleapis.com",
      metadata: { service: "generativelanguage.googleapis.com" },
    },
    {
      "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
      locale: "en-US",
      message: INVALID_KEY_MESSAGE,
    },
  ]);

// Real Gemini's 429 names the exhausted quota. A daily one, as here, is final: Gemini CLI gives up
// at once instead of retrying with backoff for minutes.
const quotaExhausted = (): ErrorReply =>
  googleError(429, STATUS_MESSAGES[429] ?? "Quota exceeded", [
    {
      "@type": "type.googleapis.com/google.rpc.QuotaFailure",
      violations: [
        {
          quotaMetric: "generativelanguage.googleapis.com/generate_content_free_tier_requests",
          quotaId: "GenerateRequestsPerDayPerProjectPerModel-FreeTier",
          quotaValue: "250",
        },
      ],
    },
    {
      "@type": "type.googleapis.com/google.rpc.Help",
      links: [
        {
          description: "Learn more about Gemini API quotas",
          url: "https://ai.google.dev/gemini-api/docs/rate-limits",
        },
      ],
    },
  ]);

const geminiFromUrl = (url: URL): { model: string; stream: boolean } => {
  const match = GEMINI_PATH.exec(url.pathname);
  return {
    model: decodeURIComponent(match?.[1] ?? ""),
    stream: match?.[2] === "streamGenerateContent",
  };
};

interface GeminiRequest extends ParsedRequest {
  /** `?alt=sse` on a streaming call: SSE `data:` events; without it a JSON array. */
  sse: boolean;
  jsonSchema: unknown;
  wantsJson: boolean;
}

const usageMetadata = (usage: FakeUsage) => {
  const prompt = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  const candidates = usage.outputTokens - usage.reasoningTokens;
  // Like the real API, counts that are zero are left out.
  return {
    promptTokenCount: prompt,
    candidatesTokenCount: candidates,
    totalTokenCount: prompt + usage.outputTokens,
    ...(usage.cacheReadTokens > 0 ? { cachedContentTokenCount: usage.cacheReadTokens } : {}),
    ...(usage.reasoningTokens > 0 ? { thoughtsTokenCount: usage.reasoningTokens } : {}),
    promptTokensDetails: [{ modality: "TEXT", tokenCount: prompt }],
  };
};

/** A scripted tool call: one answer whose only part is a `functionCall` (Gemini CLI runs it). */
async function replyWithFunctionCall(
  toolCall: ScriptedToolCall,
  parsed: GeminiRequest,
  channel: ReplyChannel,
  rest: Record<string, unknown>,
): Promise<void> {
  const answer = {
    candidates: [
      {
        content: {
          parts: [{ functionCall: { name: toolCall.name, args: toolCall.arguments } }],
          role: "model",
        },
        finishReason: "STOP",
        index: 0,
      },
    ],
    ...rest,
  };
  if (!(await channel.pace(0))) return;
  const headers = { "content-type": "application/json; charset=UTF-8" };
  if (!parsed.stream) {
    sendJson(channel.res, 200, answer, headers);
  } else if (parsed.sse) {
    const sse = new SseWriter(channel.res);
    sse.data(answer);
    sse.end();
  } else {
    channel.res.writeHead(200, headers);
    channel.res.end(`[${JSON.stringify(answer)}]`);
  }
}

/** Gemini's generateContent API, as @google/genai and Gemini CLI call it. */
export const geminiGenerateContent: ProviderAdapter<GeminiRequest> = {
  provider: "GEMINI",
  api: "generateContent",

  credential({ url, headers }): Credential {
    const headerKey = headers["x-goog-api-key"];
    if (typeof headerKey === "string" && headerKey !== "")
      return { key: headerKey, auth: "x-goog-api-key" };
    const queryKey = url.searchParams.get("key");
    if (queryKey !== null && queryKey !== "") return { key: queryKey, auth: "query-key" };
    const match = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? "");
    if (match?.[1] !== undefined) return { key: match[1].trim(), auth: "bearer" };
    return { key: null, auth: "none" };
  },

  checkAuth(credential, isKnown) {
    if (credential.key === null) {
      return googleError(
        403,
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
      );
    }
    // This API takes API keys only; an OAuth bearer token is for other Google endpoints.
    if (credential.auth === "bearer")
      return googleError(401, STATUS_MESSAGES[401] ?? "Unauthenticated");
    return isKnown(credential.key) ? null : invalidKey();
  },

  fromUrl: geminiFromUrl,

  parse(body, { url }) {
    const { model, stream } = geminiFromUrl(url);
    const request = asRecord(body);
    const contents = request?.["contents"];
    if (request === undefined || !Array.isArray(contents)) {
      return googleError(400, "* GenerateContentRequest.contents: contents is not specified\n");
    }
    const systemParts = asRecord(request["systemInstruction"])?.["parts"];
    const texts = [
      textOf(systemParts),
      ...contents.map((content) => textOf(asRecord(content)?.["parts"])),
    ];
    const config = asRecord(request["generationConfig"]) ?? {};
    return {
      model,
      stream,
      sse: url.searchParams.get("alt") === "sse",
      wantsJson: stringField(config, "responseMimeType") === "application/json",
      jsonSchema: config["responseJsonSchema"] ?? config["responseSchema"],
      prompt: lastMatching(contents, (content) => {
        const record = asRecord(content);
        const role = record?.["role"];
        return role === undefined || role === "user" ? textOf(record?.["parts"]) : undefined;
      }),
      promptWords: texts.reduce((sum, text) => sum + countWords(text), 0),
      prefix: JSON.stringify({ systemParts, contents: contents.slice(0, -1) }),
      cacheControl: false,
      thinking: false,
    };
  },

  error(cause: ErrorCause) {
    switch (cause.kind) {
      case "status":
        return cause.status === 429
          ? quotaExhausted()
          : googleError(cause.status, STATUS_MESSAGES[cause.status] ?? "Request failed");
      case "invalid-json":
        return googleError(400, "Invalid JSON payload received. Unexpected token.");
      case "too-large":
        return googleError(400, "Request payload size exceeds the limit.");
      case "invalid-request":
        return googleError(400, cause.message);
    }
  },

  defaultText(parsed) {
    if (!parsed.wantsJson) return undefined;
    return JSON.stringify(sampleForSchema(parsed.jsonSchema, echoReply(parsed.prompt)));
  },

  async reply(plan, parsed, channel) {
    const responseId = randomId("", 22);
    const candidate = (text: string, final: boolean) => ({
      content: { parts: [{ text }], role: "model" },
      ...(final ? { finishReason: "STOP" } : {}),
      index: 0,
    });
    const finalUsage = usageMetadata(plan.usage);
    // Chunks before the last carry the prompt count only; the last one the whole usage.
    const partialUsage = {
      promptTokenCount: finalUsage.promptTokenCount,
      totalTokenCount: finalUsage.promptTokenCount,
    };
    const response = (text: string, final: boolean) => ({
      candidates: [candidate(text, final)],
      usageMetadata: final ? finalUsage : partialUsage,
      modelVersion: parsed.model,
      responseId,
    });
    if (plan.toolCall !== undefined) {
      await replyWithFunctionCall(plan.toolCall, parsed, channel, {
        usageMetadata: finalUsage,
        modelVersion: parsed.model,
        responseId,
      });
      return;
    }
    if (!parsed.stream) {
      if (!(await channel.pace(0))) return;
      sendJson(channel.res, 200, response(plan.text, true), {
        "content-type": "application/json; charset=UTF-8",
      });
      return;
    }
    const chunks = plan.chunks;
    const last = chunks.length - 1;
    if (parsed.sse) {
      const sse = new SseWriter(channel.res);
      for (const [index, text] of chunks.entries()) {
        if (!(await channel.pace(index))) return;
        sse.data(response(text, index === last));
      }
      sse.end();
      return;
    }
    // Without alt=sse the stream is one JSON array, written element by element.
    channel.res.writeHead(200, { "content-type": "application/json; charset=UTF-8" });
    channel.res.write("[");
    for (const [index, text] of chunks.entries()) {
      if (!(await channel.pace(index))) return;
      channel.res.write(
        `${index === 0 ? "" : ",\r\n"}${JSON.stringify(response(text, index === last))}`,
      );
    }
    channel.res.end("]");
  },
};
