import { sendJson, SseWriter } from "../http-util.js";
import { randomId } from "../reply.js";
import type { ScriptedToolCall } from "../types.js";
import type { ReplyChannel } from "./adapter.js";

/** The message's usage on the wire: `start` for message_start, `end` for message_delta. */
export interface ToolUseUsage {
  start: Record<string, unknown>;
  end: Record<string, unknown>;
}

/**
 * A Messages answer that is a `tool_use` block (a scripted `toolCall`) instead of text, with
 * `stop_reason: "tool_use"`: the client runs the tool and calls again with a `tool_result`, as
 * Claude Code does with `Bash`. Streamed like the API: the input arrives as `input_json_delta`.
 */
export const replyWithToolUse = async (
  toolCall: ScriptedToolCall,
  model: string,
  usage: ToolUseUsage,
  stream: boolean,
  headers: Record<string, string>,
  channel: ReplyChannel,
): Promise<void> => {
  const id = randomId("msg_01");
  const block = { type: "tool_use", id: randomId("toolu_01"), name: toolCall.name };
  const input = JSON.stringify(toolCall.arguments);
  if (!(await channel.pace(0))) return;
  if (!stream) {
    sendJson(
      channel.res,
      200,
      {
        id,
        type: "message",
        role: "assistant",
        model,
        content: [{ ...block, input: toolCall.arguments }],
        stop_reason: "tool_use",
        stop_sequence: null,
        usage: { ...usage.start, ...usage.end },
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
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: usage.start,
    },
  });
  sse.event("content_block_start", {
    type: "content_block_start",
    index: 0,
    content_block: { ...block, input: {} },
  });
  // Two pieces, so a client must put the JSON together.
  const middle = Math.floor(input.length / 2);
  for (const partial of [input.slice(0, middle), input.slice(middle)]) {
    sse.event("content_block_delta", {
      type: "content_block_delta",
      index: 0,
      delta: { type: "input_json_delta", partial_json: partial },
    });
  }
  sse.event("content_block_stop", { type: "content_block_stop", index: 0 });
  sse.event("message_delta", {
    type: "message_delta",
    delta: { stop_reason: "tool_use", stop_sequence: null },
    usage: usage.end,
  });
  sse.event("message_stop", { type: "message_stop" });
  sse.end();
};
