import { sendJson, SseWriter } from "../http-util.js";
import { randomId } from "../reply.js";
import type { ScriptedToolCall } from "../types.js";
import type { ReplyChannel } from "./adapter.js";

type ResponseBody = (
  status: "in_progress" | "completed",
  output: unknown[],
  usage: unknown,
) => Record<string, unknown>;

/**
 * A Responses answer that is a function call (a scripted `toolCall`) instead of text: the client
 * runs the tool and calls again with its output, as Codex does with `exec_command`.
 */
export const replyWithToolCall = async (
  toolCall: ScriptedToolCall,
  usage: unknown,
  response: ResponseBody,
  stream: boolean,
  headers: Record<string, string>,
  channel: ReplyChannel,
): Promise<void> => {
  const argumentsText = JSON.stringify(toolCall.arguments);
  const call = (status: "in_progress" | "completed", args: string) => ({
    id: itemId,
    type: "function_call",
    status,
    arguments: args,
    call_id: callId,
    name: toolCall.name,
  });
  const itemId = randomId("fc_", 40);
  const callId = randomId("call_", 24);
  const completed = response("completed", [call("completed", argumentsText)], usage);
  if (!(await channel.pace(0))) return;
  if (!stream) {
    sendJson(channel.res, 200, completed, headers);
    return;
  }
  const sse = new SseWriter(channel.res, headers);
  let sequence = 0;
  const emit = (type: string, fields: Record<string, unknown>) => {
    sse.event(type, { type, sequence_number: sequence, ...fields });
    sequence += 1;
  };
  emit("response.created", { response: response("in_progress", [], null) });
  emit("response.in_progress", { response: response("in_progress", [], null) });
  emit("response.output_item.added", { output_index: 0, item: call("in_progress", "") });
  emit("response.function_call_arguments.delta", {
    item_id: itemId,
    output_index: 0,
    delta: argumentsText,
  });
  emit("response.function_call_arguments.done", {
    item_id: itemId,
    output_index: 0,
    arguments: argumentsText,
  });
  emit("response.output_item.done", { output_index: 0, item: call("completed", argumentsText) });
  emit("response.completed", { response: completed });
  sse.end();
};
