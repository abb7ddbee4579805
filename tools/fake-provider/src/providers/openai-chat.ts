import { asRecord, sendJson, SseWriter } from "../http-util.js";
import { countWords, randomId } from "../reply.js";
import type { FakeUsage } from "../types.js";
import type { ParsedRequest, ProviderAdapter } from "./adapter.js";
import {
  nowSeconds,
  openAiCheckAuth,
  openAiCredential,
  openAiError,
  openAiErrorFor,
  promptTokens,
} from "./openai-shared.js";
import { lastMatching, stringField, textOf } from "./text.js";

interface ChatRequest extends ParsedRequest {
  includeUsage: boolean;
}

const wireUsage = (usage: FakeUsage) => {
  const prompt = promptTokens(usage);
  return {
    prompt_tokens: prompt,
    completion_tokens: usage.outputTokens,
    total_tokens: prompt + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cacheReadTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
};

const SYSTEM_FINGERPRINT = "fp_fake0000001";

/** `POST /v1/chat/completions`, as the OpenAI SDK and OpenAI-compatible clients call it. */
export const openAiChat: ProviderAdapter<ChatRequest> = {
  provider: "OPENAI",
  api: "chat",
  credential: openAiCredential,
  checkAuth: openAiCheckAuth,
  error: openAiErrorFor,

  parse(body) {
    const request = asRecord(body);
    if (request === undefined) {
      return openAiError(400, {
        message: "Request body must be a JSON object",
        type: "invalid_request_error",
      });
    }
    const model = stringField(request, "model");
    if (model === undefined) {
      return openAiError(400, {
        message: "you must provide a model parameter",
        type: "invalid_request_error",
      });
    }
    const messages = request["messages"];
    if (!Array.isArray(messages)) {
      return openAiError(400, {
        message: "Missing required parameter: 'messages'.",
        type: "invalid_request_error",
        param: "messages",
        code: "missing_required_parameter",
      });
    }
    const streamOptions = asRecord(request["stream_options"]);
    return {
      model,
      stream: request["stream"] === true,
      includeUsage: streamOptions?.["include_usage"] === true,
      prompt: lastMatching(messages, (message) => {
        const record = asRecord(message);
        return record?.["role"] === "user" ? textOf(record["content"]) : undefined;
      }),
      promptWords: messages.reduce<number>(
        (sum, message) => sum + countWords(textOf(asRecord(message)?.["content"])),
        0,
      ),
      prefix: JSON.stringify(messages.slice(0, -1)),
      cacheControl: false,
      thinking: false,
    };
  },

  async reply(plan, parsed, channel) {
    const id = randomId("chatcmpl-", 29);
    const created = nowSeconds();
    const headers = { "x-request-id": randomId("req_") };
    if (!parsed.stream) {
      if (!(await channel.pace(0))) return;
      sendJson(
        channel.res,
        200,
        {
          id,
          object: "chat.completion",
          created,
          model: parsed.model,
          choices: [
            {
              index: 0,
              message: { role: "assistant", content: plan.text, refusal: null, annotations: [] },
              logprobs: null,
              finish_reason: "stop",
            },
          ],
          usage: wireUsage(plan.usage),
          service_tier: "default",
          system_fingerprint: SYSTEM_FINGERPRINT,
        },
        headers,
      );
      return;
    }
    const sse = new SseWriter(channel.res, headers);
    // With include_usage every chunk carries `usage: null` until the last one.
    const chunk = (choices: unknown[], usage: unknown = null) => ({
      id,
      object: "chat.completion.chunk",
      created,
      model: parsed.model,
      service_tier: "default",
      system_fingerprint: SYSTEM_FINGERPRINT,
      choices,
      ...(parsed.includeUsage ? { usage } : {}),
    });
    const choice = (delta: unknown, finishReason: string | null = null) => ({
      index: 0,
      delta,
      logprobs: null,
      finish_reason: finishReason,
    });
    sse.data(chunk([choice({ role: "assistant", content: "", refusal: null })]));
    for (const [index, text] of plan.chunks.entries()) {
      if (!(await channel.pace(index))) return;
      sse.data(chunk([choice({ content: text })]));
    }
    sse.data(chunk([choice({}, "stop")]));
    if (parsed.includeUsage) sse.data(chunk([], wireUsage(plan.usage)));
    sse.data("[DONE]");
    sse.end();
  },
};
