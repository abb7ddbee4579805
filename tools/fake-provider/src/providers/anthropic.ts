import { asRecord, sendJson, SseWriter } from "../http-util.js";
import { countWords, randomId } from "../reply.js";
import type { FakeUsage } from "../types.js";
import type {
  Credential,
  ErrorCause,
  ErrorReply,
  ParsedRequest,
  ProviderAdapter,
  ReplyChannel,
  ReplyPlan,
  RequestContext,
} from "./adapter.js";
import { replyWithToolUse } from "./anthropic-tool-use.js";
import { hasCacheControl, lastMatching, stringField, textOf } from "./text.js";

/** The beta flag Anthropic requires next to a subscription (OAuth) bearer token. */
export const ANTHROPIC_OAUTH_BETA = "oauth-2025-04-20";

const OAUTH_TOKEN_PREFIX = "sk-ant-oat";

const ERROR_TYPES: Readonly<Record<number, string>> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

const ERROR_MESSAGES: Readonly<Record<number, string>> = {
  401: "invalid x-api-key",
  403: "Your API key does not have permission to use the specified resource.",
  404: "Not found",
  413: "Request exceeds the maximum allowed number of bytes.",
  429: "This request would exceed the rate limit for your organization. Please try again later.",
  500: "Internal server error",
  529: "Overloaded",
};

const anthropicError = (status: number, message: string): ErrorReply => {
  const headers: Record<string, string> = { "request-id": randomId("req_011") };
  if (status === 429 || status === 529) headers["retry-after"] = "0";
  return {
    status,
    headers,
    body: {
      type: "error",
      error: {
        type: ERROR_TYPES[status] ?? (status >= 500 ? "api_error" : "invalid_request_error"),
        message,
      },
      request_id: headers["request-id"],
    },
  };
};

const outputDetails = (usage: FakeUsage) =>
  usage.reasoningTokens > 0 ? { thinking_tokens: usage.reasoningTokens } : null;

const wireUsage = (usage: FakeUsage) => ({
  input_tokens: usage.inputTokens,
  cache_creation_input_tokens: usage.cacheWriteTokens,
  cache_read_input_tokens: usage.cacheReadTokens,
  cache_creation: {
    ephemeral_5m_input_tokens: usage.cacheWriteTokens,
    ephemeral_1h_input_tokens: 0,
  },
  output_tokens: usage.outputTokens,
  output_tokens_details: outputDetails(usage),
  service_tier: "standard",
});

// message_delta's usage, like the current API: whole-message totals, input and cache included.
const deltaUsage = (usage: FakeUsage) => ({
  input_tokens: usage.inputTokens,
  cache_creation_input_tokens: usage.cacheWriteTokens,
  cache_read_input_tokens: usage.cacheReadTokens,
  output_tokens: usage.outputTokens,
  output_tokens_details: outputDetails(usage),
});

interface AnthropicRequest extends ParsedRequest {
  system: unknown;
}

/** `POST /v1/messages` (also with `?beta=true`), as the Anthropic SDK and Claude Code call it. */
export const anthropicMessages: ProviderAdapter<AnthropicRequest> = {
  provider: "ANTHROPIC",
  api: "messages",

  credential({ headers }: RequestContext): Credential {
    const apiKey = headers["x-api-key"];
    if (typeof apiKey === "string" && apiKey !== "") return { key: apiKey, auth: "x-api-key" };
    const authorization = headers.authorization ?? "";
    const match = /^Bearer\s+(.+)$/i.exec(authorization);
    if (match?.[1] !== undefined) return { key: match[1].trim(), auth: "bearer" };
    return { key: null, auth: "none" };
  },

  // API keys come in `x-api-key` (Claude Code) or as a bearer token (the SDK since 1.x).
  // Subscription (OAuth) tokens only as a bearer token, and only with the OAuth beta flag.
  checkAuth(credential, isKnown, { headers }) {
    const { key, auth } = credential;
    if (key === null) return anthropicError(401, "x-api-key header is required");
    const isOauthToken = key.startsWith(OAUTH_TOKEN_PREFIX);
    if (auth === "x-api-key") {
      return !isOauthToken && isKnown(key) ? null : anthropicError(401, "invalid x-api-key");
    }
    if (isOauthToken) {
      const betas = (typeof headers["anthropic-beta"] === "string" ? headers["anthropic-beta"] : "")
        .split(",")
        .map((beta) => beta.trim());
      if (!betas.includes(ANTHROPIC_OAUTH_BETA)) {
        return anthropicError(401, "OAuth authentication is currently not supported.");
      }
    }
    return isKnown(key) ? null : anthropicError(401, "Invalid bearer token");
  },

  parse(body, { headers }) {
    const request = asRecord(body);
    if (request === undefined) return anthropicError(400, "Request body must be a JSON object");
    if (typeof headers["anthropic-version"] !== "string") {
      return anthropicError(400, "anthropic-version: header is required");
    }
    const model = stringField(request, "model");
    if (model === undefined) return anthropicError(400, "model: Field required");
    const messages = request["messages"];
    if (!Array.isArray(messages)) return anthropicError(400, "messages: Field required");
    if (typeof request["max_tokens"] !== "number") {
      return anthropicError(400, "max_tokens: Field required");
    }
    const system = request["system"];
    const texts = [
      textOf(system),
      ...messages.map((message) => textOf(asRecord(message)?.["content"])),
    ];
    return {
      model,
      stream: request["stream"] === true,
      prompt: lastMatching(messages, (message) => {
        const record = asRecord(message);
        return record?.["role"] === "user" ? textOf(record["content"]) : undefined;
      }),
      promptWords: texts.reduce((sum, text) => sum + countWords(text), 0),
      prefix: JSON.stringify({ system, messages: messages.slice(0, -1) }),
      cacheControl: hasCacheControl(request),
      thinking: ["enabled", "adaptive"].includes(String(asRecord(request["thinking"])?.["type"])),
      system,
    };
  },

  error(cause: ErrorCause) {
    switch (cause.kind) {
      case "status":
        return anthropicError(cause.status, ERROR_MESSAGES[cause.status] ?? "Request failed");
      case "invalid-json":
        return anthropicError(400, "There was an issue with the request body: invalid JSON");
      case "too-large":
        return anthropicError(413, ERROR_MESSAGES[413] ?? "Request too large");
      case "invalid-request":
        return anthropicError(400, cause.message);
    }
  },

  async reply(plan: ReplyPlan, parsed: AnthropicRequest, channel: ReplyChannel) {
    const id = randomId("msg_01");
    const headers = { "request-id": randomId("req_011") };
    if (plan.toolCall !== undefined) {
      const start = { ...wireUsage(plan.usage), output_tokens: 1, output_tokens_details: null };
      const usage = { start, end: deltaUsage(plan.usage) };
      await replyWithToolUse(plan.toolCall, parsed.model, usage, parsed.stream, headers, channel);
      return;
    }
    if (!parsed.stream) {
      if (!(await channel.pace(0))) return;
      sendJson(
        channel.res,
        200,
        {
          id,
          type: "message",
          role: "assistant",
          model: parsed.model,
          content: [{ type: "text", text: plan.text }],
          stop_reason: "end_turn",
          stop_sequence: null,
          usage: wireUsage(plan.usage),
        },
        headers,
      );
      return;
    }
    const sse = new SseWriter(channel.res, headers);
    sse.event("message_start", {
      type: "message_start",
      message: {
        id,
        type: "message",
        role: "assistant",
        model: parsed.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...wireUsage(plan.usage), output_tokens: 1, output_tokens_details: null },
      },
    });
    sse.event("content_block_start", {
      type: "content_block_start",
      index: 0,
      content_block: { type: "text", text: "" },
    });
    sse.event("ping", { type: "ping" });
    for (const [index, chunk] of plan.chunks.entries()) {
      if (!(await channel.pace(index))) return;
      sse.event("content_block_delta", {
        type: "content_block_delta",
        index: 0,
        delta: { type: "text_delta", text: chunk },
      });
    }
    sse.event("content_block_stop", { type: "content_block_stop", index: 0 });
    sse.event("message_delta", {
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: deltaUsage(plan.usage),
    });
    sse.event("message_stop", { type: "message_stop" });
    sse.end();
  },
};

/** `GET /v1/models` serves both Anthropic and OpenAI: Anthropic callers send these headers. */
export const looksLikeAnthropic = ({ headers }: RequestContext): boolean =>
  headers["x-api-key"] !== undefined || headers["anthropic-version"] !== undefined;
