import { maskKey, randomId } from "../reply.js";
import type { FakeUsage } from "../types.js";
import type { Credential, ErrorCause, ErrorReply, RequestContext } from "./adapter.js";

interface OpenAiErrorFields {
  message: string;
  type: string;
  param?: string | null;
  code?: string | null;
}

export const openAiError = (status: number, fields: OpenAiErrorFields): ErrorReply => {
  const headers: Record<string, string> = { "x-request-id": randomId("req_") };
  if (status === 429) {
    headers["retry-after"] = "0";
    headers["x-ratelimit-remaining-requests"] = "0";
  }
  return {
    status,
    headers,
    body: {
      error: {
        message: fields.message,
        type: fields.type,
        param: fields.param ?? null,
        code: fields.code ?? null,
      },
    },
  };
};

export const openAiCredential = ({ headers }: RequestContext): Credential => {
  const match = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? "");
  return match?.[1] === undefined
    ? { key: null, auth: "none" }
    : { key: match[1].trim(), auth: "bearer" };
};

export const openAiCheckAuth = (
  credential: Credential,
  isKnown: (key: string) => boolean,
): ErrorReply | null => {
  if (credential.key === null) {
    return openAiError(401, {
      message:
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). You can obtain an API key from https://platform.openai.com/account/api-keys.",
      type: "invalid_request_error",
    });
  }
  if (isKnown(credential.key)) return null;
  // Like the real API, the message names the key masked: never echo a secret.
  return openAiError(401, {
    message: `Incorrect API key provided: ${maskKey(credential.key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    type: "invalid_request_error",
    code: "invalid_api_key",
  });
};

export const openAiErrorFor = (cause: ErrorCause): ErrorReply => {
  switch (cause.kind) {
    case "invalid-json":
      return openAiError(400, {
        message:
          "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
        type: "invalid_request_error",
      });
    case "too-large":
      return openAiError(413, {
        message: "Request too large. Please reduce the size of your request.",
        type: "invalid_request_error",
      });
    case "invalid-request":
      return openAiError(400, { message: cause.message, type: "invalid_request_error" });
    case "status":
      return statusError(cause.status, cause.model ?? "the model");
  }
};

const statusError = (status: number, model: string): ErrorReply => {
  switch (status) {
    case 401:
      return openAiError(401, {
        message:
          "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.",
        type: "invalid_request_error",
        code: "invalid_api_key",
      });
    case 403:
      return openAiError(403, {
        message: "You are not allowed to sample from this model",
        type: "invalid_request_error",
      });
    case 404:
      return openAiError(404, {
        message: `The model \`${model}\` does not exist or you do not have access to it.`,
        type: "invalid_request_error",
        code: "model_not_found",
      });
    case 429:
      return openAiError(429, {
        message: `Rate limit reached for ${model} in organization org-fake on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 1s.`,
        type: "requests",
        code: "rate_limit_exceeded",
      });
    default:
      return status >= 500
        ? openAiError(status, {
            message: "The server had an error while processing your request. Sorry about that!",
            type: "server_error",
          })
        : openAiError(status, { message: "Request failed", type: "invalid_request_error" });
  }
};

/** OpenAI reports cached input inside the prompt count; the fake has no cache writes here. */
export const promptTokens = (usage: FakeUsage): number =>
  usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
