import type { AgentEvent } from "@agentry/core/protocol";
import type { CodexTotals } from "./codex-state.js";

// Reads `codex exec --json` output (one JSON event a line): thread.started, turn.started,
// item.started / item.updated / item.completed (agent_message, command_execution, file_change,
// mcp_tool_call, web_search, reasoning, error, …), turn.completed (usage), turn.failed, error.

/** What a run's output said, besides the events it produced as it came. */
export interface CodexRunSummary {
  /** From `thread.started`: the id to resume the conversation with. */
  threadId: string | undefined;
  /** The thread's cumulative usage from `turn.completed`; undefined when no turn completed. */
  totals: CodexTotals | undefined;
  /** `turn.failed`'s message: the turn ended in an error. */
  failure: string | undefined;
  /** The last fatal-looking `error` event (not a "Reconnecting…" notice). */
  lastError: string | undefined;
}

type ToolEvent = Extract<AgentEvent, { type: "tool" }>;

const MAX_DETAIL = 300;

const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

const text = (value: unknown): string | undefined =>
  typeof value === "string" ? value : undefined;

const count = (value: unknown): number =>
  typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;

const clip = (value: string): string =>
  value.length > MAX_DETAIL ? `${value.slice(0, MAX_DETAIL)}…` : value;

/** The `tool` event for an item that is tool activity; undefined for anything else. */
function toolEvent(item: Record<string, unknown>): ToolEvent | undefined {
  switch (item["type"]) {
    case "command_execution": {
      const command = text(item["command"]);
      return { type: "tool", name: "shell", ...(command ? { detail: clip(command) } : {}) };
    }
    case "file_change": {
      const changes = Array.isArray(item["changes"]) ? item["changes"] : [];
      const detail = changes
        .map((change) => {
          const fields = record(change);
          return `${text(fields?.["kind"]) ?? "change"} ${text(fields?.["path"]) ?? "?"}`;
        })
        .join(", ");
      return { type: "tool", name: "apply_patch", ...(detail ? { detail: clip(detail) } : {}) };
    }
    case "mcp_tool_call": {
      const server = text(item["server"]) ?? "mcp";
      const tool = text(item["tool"]) ?? "tool";
      return { type: "tool", name: `${server}.${tool}` };
    }
    case "web_search": {
      const query = text(item["query"]);
      return { type: "tool", name: "web_search", ...(query ? { detail: clip(query) } : {}) };
    }
    case "collab_tool_call":
      return { type: "tool", name: text(item["tool"]) ?? "collab" };
    default:
      return undefined;
  }
}

/**
 * Turns Codex's JSONL into protocol events as they come (agent messages → `text`, tool items →
 * `tool`) and collects what decides the run's outcome. Lines that are not JSON events are
 * skipped (logged), never fatal.
 */
export class CodexStream {
  readonly summary: CodexRunSummary = {
    threadId: undefined,
    totals: undefined,
    failure: undefined,
    lastError: undefined,
  };
  private readonly toolsSeen = new Set<string>();
  private textSent = false;

  constructor(
    private readonly emit: (event: AgentEvent) => void,
    private readonly log: (line: string) => void,
    /** Scrubs what goes into tool details (a command may carry a secret). */
    private readonly clean: (value: string) => string,
  ) {}

  line(raw: string): void {
    if (raw.trim() === "") return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      this.log(`codex: skipped a line that is not JSON (${raw.length} characters)`);
      return;
    }
    const event = record(parsed);
    if (event === undefined) return;
    switch (event["type"]) {
      case "thread.started":
        this.summary.threadId = text(event["thread_id"]) ?? this.summary.threadId;
        return;
      case "item.started":
      case "item.completed":
        this.item(event["type"], record(event["item"]));
        return;
      case "turn.completed":
        this.summary.totals = totalsOf(record(event["usage"]));
        return;
      case "turn.failed":
        this.summary.failure =
          text(record(event["error"])?.["message"]) ?? "the turn failed without a message";
        return;
      case "error": {
        const message = text(event["message"]) ?? "";
        this.log(`codex: ${message}`);
        // Retries announce themselves as errors too; only the last real one explains a failure.
        if (!message.startsWith("Reconnecting")) this.summary.lastError = message;
        return;
      }
      default:
        return;
    }
  }

  private item(
    phase: "item.started" | "item.completed",
    item: Record<string, unknown> | undefined,
  ) {
    if (item === undefined) return;
    const id = text(item["id"]) ?? "";
    if (phase === "item.completed" && item["type"] === "agent_message") {
      const message = text(item["text"]) ?? "";
      if (message === "") return;
      // Codex gives each agent message whole; separate the ones a turn has between tool calls.
      this.emit({ type: "text", delta: this.textSent ? `\n\n${message}` : message });
      this.textSent = true;
      return;
    }
    if (phase === "item.completed" && item["type"] === "error") {
      // Non-fatal notices (e.g. no metadata for a model name Codex does not know).
      this.log(`codex: ${text(item["message"]) ?? "error item"}`);
      return;
    }
    // A tool shows once, when it starts (or when it completes, for items that never start).
    if (this.toolsSeen.has(id)) return;
    const tool = toolEvent(item);
    if (tool === undefined) return;
    this.toolsSeen.add(id);
    this.emit(tool.detail === undefined ? tool : { ...tool, detail: this.clean(tool.detail) });
  }
}

function totalsOf(usage: Record<string, unknown> | undefined): CodexTotals {
  return {
    input: count(usage?.["input_tokens"]),
    cached: count(usage?.["cached_input_tokens"]),
    cacheWrite: count(usage?.["cache_write_input_tokens"]),
    output: count(usage?.["output_tokens"]),
    reasoning: count(usage?.["reasoning_output_tokens"]),
  };
}
