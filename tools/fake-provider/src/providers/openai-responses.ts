import { asRecord, sendJson, SseWriter } from "../http-util.js";
import { countWords, randomId } from "../reply.js";
import type { FakeUsage } from "../types.js";
import type { ParsedRequest, ProviderAdapter } from "./adapter.js";
import { replyWithToolCall } from "./openai-tool-call.js";
import {
  nowSeconds,
  openAiCheckAuth,
  openAiCredential,
  openAiError,
  openAiErrorFor,
  promptTokens,
} from "./openai-shared.js";
import { lastMatching, stringField, textOf } from "./text.js";

interface ResponsesRequest extends ParsedRequest {
  instructions: string | null;
}

const wireUsage = (usage: FakeUsage) => {
  const input = promptTokens(usage);
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: usage.cacheReadTokens },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: input + usage.outputTokens,
  };
};

/** The user text of a Responses `input` item (`{ role, content }` or `{ type: "message", … }`). */
const userText = (item: unknown): string | undefined => {
  const record = asRecord(item);
  return record?.["role"] === "user" ? textOf(record["content"]) : undefined;
};

/** `POST /v1/responses`, as the OpenAI SDK and Codex call it. */
export const openAiResponses: ProviderAdapter<ResponsesRequest> = {
  provider: "OPENAI",
  api: "responses",
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
        message: "Missing required parameter: 'model'.",
        type: "invalid_request_error",
        param: "model",
        code: "missing_required_parameter",
      });
    }
    const input = request["input"];
    const items: unknown[] =
      typeof input === "string"
        ? [{ role: "user", content: input }]
        : Array.isArray(input)
          ? input
          : [];
    const instructions = stringField(request, "instructions") ?? null;
    const texts = [
      instructions ?? "",
      ...items.map((item) => textOf(asRecord(item)?.["content"] ?? asRecord(item)?.["output"])),
    ];
    return {
      model,
      stream: request["stream"] === true,
      instructions,
      prompt: lastMatching(items, userText),
      promptWords: texts.reduce((sum, text) => sum + countWords(text), 0),
      prefix: JSON.stringify({ instructions, input: items.slice(0, -1) }),
      cacheControl: false,
      thinking: false,
    };
  },

  async reply(plan, parsed, channel) {
    const responseId = randomId("resp_", 40);
    const itemId = randomId("msg_", 40);
    const createdAt = nowSeconds();
    const headers = { "x-request-id": randomId("req_") };
    const response = (status: "in_progress" | "completed", output: unknown[], usage: unknown) => ({
      id: responseId,
      object: "response",
      created_at: createdAt,
      status,
      error: null,
      incomplete_details: null,
      instructions: parsed.instructions,
      max_output_tokens: null,
      model: parsed.model,
      output,
      parallel_tool_calls: true,
      previous_response_id: null,
      reasoning: { effort: null, summary: null },
      store: true,
      temperature: 1,
      text: { format: { type: "text" } },
      tool_choice: "auto",
      tools: [],
      top_p: 1,
      truncation: "disabled",
      usage,
      user: null,
      metadata: {},
    });
    if (plan.toolCall !== undefined) {
      const usage = wireUsage(plan.usage);
      await replyWithToolCall(plan.toolCall, usage, response, parsed.stream, headers, channel);
      return;
    }
    const part = (text: string) => ({ type: "output_text", annotations: [], logprobs: [], text });
    const item = (status: "in_progress" | "completed", content: unknown[]) => ({
      id: itemId,
      type: "message",
      status,
      content,
      role: "assistant",
    });
    const completed = response(
      "completed",
      [item("completed", [part(plan.text)])],
      wireUsage(plan.usage),
    );
    if (!parsed.stream) {
      if (!(await channel.pace(0))) return;
      sendJson(channel.res, 200, { ...completed, ...plan.extra }, headers);
      return;
    }
    const sse = new SseWriter(channel.res, headers);
    let sequence = 0;
    const emit = (type: string, fields: Record<string, unknown>) => {
      sse.event(type, { type, sequence_number: sequence, ...fields });
      sequence += 1;
    };
    const at = { item_id: itemId, output_index: 0, content_index: 0 };
    emit("response.created", { response: response("in_progress", [], null) });
    emit("response.in_progress", { response: response("in_progress", [], null) });
    emit("response.output_item.added", { output_index: 0, item: item("in_progress", []) });
    emit("response.content_part.added", { ...at, part: part("") });
    for (const [index, delta] of plan.chunks.entries()) {
      if (!(await channel.pace(index))) return;
      emit("response.output_text.delta", { ...at, delta, logprobs: [] });
    }
    emit("response.output_text.done", { ...at, text: plan.text, logprobs: [] });
    emit("response.content_part.done", { ...at, part: part(plan.text) });
    emit("response.output_item.done", {
      output_index: 0,
      item: item("completed", [part(plan.text)]),
    });
    emit("response.completed", { ...plan.extra, response: completed });
    sse.end();
  },
};
