import { ZERO_USAGE, type TokenUsage } from "../providers/provider.js";

// Reads Claude Code's `--output-format stream-json --verbose --include-partial-messages` lines.
// Each provider call shows up as raw stream events (`message_start` … `message_stop`, tagged
// with `api_message_id`), the whole message again as an `assistant` line, and the run ends with
// one `result` line. Anything else, or a line that is not JSON, is ignored.

/** One provider call as the stream reported it. */
export interface ClaudeCall {
  readonly id: string;
  model: string;
  usage: TokenUsage;
  /** Input tokens written to the 1-hour cache (a part of `usage.cacheWriteTokens`). */
  cacheWrite1h: number;
}

/** `modelUsage[model]` of the result: totals over the whole (resumed) session. */
export interface ClaudeModelTotals {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  cacheWrite1hTokens: number;
  reasoningTokens: number;
  costUsd: number;
}

/** The `result` line, the parts the runner uses. */
export interface ClaudeResult {
  isError: boolean;
  subtype: string | undefined;
  /** The provider's HTTP status when the run failed on an API error. */
  apiErrorStatus: number | undefined;
  /** The final text, or the error's description. */
  text: string | undefined;
  stopReason: string | undefined;
  sessionId: string | undefined;
  /** Cumulative over the session. */
  totalCostUsd: number | undefined;
  /** Cumulative over the session, by model. */
  modelUsage: Record<string, ClaudeModelTotals> | undefined;
}

export interface ClaudeStreamHandlers {
  text(delta: string): void;
  tool(name: string, detail: string | undefined): void;
  /** A call began (its first stream event). */
  callStarted(): void;
  /** A call finished streaming (its usage is final). */
  callEnded(call: ClaudeCall): void;
}

type Json = Record<string, unknown>;

const asObject = (value: unknown): Json | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Json)
    : undefined;
const asString = (value: unknown): string | undefined =>
  typeof value === "string" ? value : undefined;
const count = (value: unknown): number =>
  typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
const money = (value: unknown): number =>
  typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0;

/** Anthropic's wire usage; absent fields keep `previous` (message_delta omits some). */
function wireUsage(
  usage: Json,
  previous: TokenUsage | undefined,
): { usage: TokenUsage; cacheWrite1h: number | undefined } {
  const field = (name: string, fallback: number): number =>
    typeof usage[name] === "number" ? count(usage[name]) : fallback;
  const details = asObject(usage["output_tokens_details"]);
  const creation = asObject(usage["cache_creation"]);
  return {
    usage: {
      inputTokens: field("input_tokens", previous?.inputTokens ?? 0),
      outputTokens: field("output_tokens", previous?.outputTokens ?? 0),
      cacheReadTokens: field("cache_read_input_tokens", previous?.cacheReadTokens ?? 0),
      cacheWriteTokens: field("cache_creation_input_tokens", previous?.cacheWriteTokens ?? 0),
      reasoningTokens:
        details === undefined
          ? (previous?.reasoningTokens ?? 0)
          : count(details["thinking_tokens"]),
    },
    cacheWrite1h: creation === undefined ? undefined : count(creation["ephemeral_1h_input_tokens"]),
  };
}

const MAX_TOOL_DETAIL = 200;

/** What a tool is working on, in a few words (a command, a path, a pattern). */
function toolDetail(input: unknown): string | undefined {
  const fields = asObject(input);
  if (fields === undefined) return undefined;
  for (const name of ["command", "file_path", "path", "pattern", "url", "query", "description"]) {
    const value = asString(fields[name]);
    if (value !== undefined && value.trim() !== "") {
      const line = value.trim().replace(/\s+/g, " ");
      return line.length > MAX_TOOL_DETAIL ? `${line.slice(0, MAX_TOOL_DETAIL - 1)}…` : line;
    }
  }
  return undefined;
}

function modelTotals(value: unknown): Record<string, ClaudeModelTotals> | undefined {
  const models = asObject(value);
  if (models === undefined) return undefined;
  const totals: Record<string, ClaudeModelTotals> = {};
  for (const [model, raw] of Object.entries(models)) {
    const entry = asObject(raw);
    if (entry === undefined) continue;
    totals[model] = {
      inputTokens: count(entry["inputTokens"]),
      outputTokens: count(entry["outputTokens"]),
      cacheReadTokens: count(entry["cacheReadInputTokens"]),
      cacheWriteTokens: count(entry["cacheCreationInputTokens"]),
      cacheWrite1hTokens: count(entry["cacheCreationEphemeral1hInputTokens"]),
      reasoningTokens: count(entry["thinkingTokens"]),
      costUsd: money(entry["costUSD"]),
    };
  }
  return totals;
}

/** Follows one run's stdout; `line` is given every line, `finish` ends it. */
export class ClaudeStream {
  /** From the `init` line (also on the result). */
  sessionId: string | undefined;
  result: ClaudeResult | undefined;
  /** The status of the last failed attempt the CLI retried (`api_retry`). */
  lastRetryStatus: number | undefined;
  /** The kind of the CLI's last error notice (`authentication_failed`, `rate_limit`, …). */
  apiError: string | undefined;
  /** Lines that were JSON objects (anything else is garbage). */
  jsonLines = 0;

  private readonly open = new Map<string, ClaudeCall>();
  private readonly ended = new Set<string>();
  private readonly streamedText = new Set<string>();
  private readonly toolsSeen = new Set<string>();

  constructor(private readonly handlers: ClaudeStreamHandlers) {}

  line(raw: string): void {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return;
    }
    const line = asObject(value);
    if (line === undefined) return;
    this.jsonLines += 1;
    switch (line["type"]) {
      case "system":
        this.system(line);
        return;
      case "stream_event":
        this.streamEvent(line);
        return;
      case "assistant":
        this.assistant(line);
        return;
      case "result":
        this.resultLine(line);
        return;
      default:
        return;
    }
  }

  /** Calls that started but never finished (cut off): their tokens were spent all the same. */
  unfinishedCalls(): ClaudeCall[] {
    return [...this.open.values()].filter((call) => !this.ended.has(call.id));
  }

  private system(line: Json): void {
    if (line["subtype"] === "init") {
      this.sessionId = asString(line["session_id"]) ?? this.sessionId;
    } else if (line["subtype"] === "api_retry" && typeof line["error_status"] === "number") {
      this.lastRetryStatus = line["error_status"];
    }
  }

  private streamEvent(line: Json): void {
    const event = asObject(line["event"]);
    if (event === undefined) return;
    const message = asObject(event["message"]);
    const id = asString(line["api_message_id"]) ?? asString(message?.["id"]);
    if (id === undefined) return;
    switch (event["type"]) {
      case "message_start": {
        const usage = asObject(message?.["usage"]);
        const read = usage === undefined ? undefined : wireUsage(usage, undefined);
        this.open.set(id, {
          id,
          model: asString(message?.["model"]) ?? "",
          usage: read?.usage ?? { ...ZERO_USAGE },
          cacheWrite1h: read?.cacheWrite1h ?? 0,
        });
        this.handlers.callStarted();
        return;
      }
      case "content_block_delta": {
        const delta = asObject(event["delta"]);
        const text = asString(delta?.["text"]);
        // Sub-agents' text is theirs, not the reply.
        if (
          delta?.["type"] === "text_delta" &&
          text !== undefined &&
          line["parent_tool_use_id"] == null
        ) {
          this.streamedText.add(id);
          if (text !== "") this.handlers.text(text);
        }
        return;
      }
      case "message_delta": {
        const call = this.open.get(id);
        const usage = asObject(event["usage"]);
        if (call === undefined || usage === undefined) return;
        // Whole-message totals; fields it leaves out keep message_start's.
        const read = wireUsage(usage, call.usage);
        call.usage = read.usage;
        if (read.cacheWrite1h !== undefined) call.cacheWrite1h = read.cacheWrite1h;
        return;
      }
      case "message_stop": {
        const call = this.open.get(id);
        if (call === undefined || this.ended.has(id)) return;
        this.ended.add(id);
        this.handlers.callEnded(call);
        return;
      }
      default:
        return;
    }
  }

  private assistant(line: Json): void {
    const message = asObject(line["message"]);
    if (message === undefined) return;
    // Error notices the CLI writes itself (model "<synthetic>") are no reply and no call.
    if (message["model"] === "<synthetic>" || line["error"] !== undefined) {
      this.apiError = asString(line["error"]) ?? this.apiError;
      return;
    }
    const id = asString(message["id"]);
    const content = Array.isArray(message["content"]) ? message["content"] : [];
    const mainThread = line["parent_tool_use_id"] == null;
    for (const item of content) {
      const block = asObject(item);
      if (
        block?.["type"] === "text" &&
        mainThread &&
        (id === undefined || !this.streamedText.has(id))
      ) {
        // A reply that did not stream (no partial messages): its whole text at once.
        const text = asString(block["text"]);
        if (text !== undefined && text !== "") this.handlers.text(text);
      } else if (block?.["type"] === "tool_use") {
        const toolId = asString(block["id"]) ?? `${this.toolsSeen.size}`;
        const name = asString(block["name"]);
        if (name !== undefined && !this.toolsSeen.has(toolId)) {
          this.toolsSeen.add(toolId);
          this.handlers.tool(name, toolDetail(block["input"]));
        }
      }
    }
    // A call whose stream events never came: count it from the message itself.
    const usage = asObject(message["usage"]);
    if (id !== undefined && usage !== undefined && !this.open.has(id)) {
      const read = wireUsage(usage, undefined);
      this.open.set(id, {
        id,
        model: asString(message["model"]) ?? "",
        usage: read.usage,
        cacheWrite1h: read.cacheWrite1h ?? 0,
      });
    }
  }

  private resultLine(line: Json): void {
    const status = line["api_error_status"];
    this.sessionId = asString(line["session_id"]) ?? this.sessionId;
    this.result = {
      isError: line["is_error"] === true,
      subtype: asString(line["subtype"]),
      apiErrorStatus: typeof status === "number" ? status : undefined,
      text: asString(line["result"]),
      stopReason: asString(line["stop_reason"]),
      sessionId: asString(line["session_id"]),
      totalCostUsd:
        typeof line["total_cost_usd"] === "number" ? money(line["total_cost_usd"]) : undefined,
      modelUsage: modelTotals(line["modelUsage"]),
    };
  }
}
