import type { AgentEvent } from "@agentry/core/protocol";

// The Copilot CLI's `--output-format json` stream: one session event per line. What the runner
// uses: assistant text (deltas, or the whole message when it did not stream), tool starts, the
// session's error, and the final `result` line with the session id and exit code. Usage is not
// in this stream (see copilot-usage.ts).

const MAX_TOOL_DETAIL = 200;

/** A `session.error` event: why the turn failed. */
export interface CopilotSessionError {
  /** E.g. `authorization`, `rate_limit`, `query`. */
  readonly errorType: string | undefined;
  readonly message: string;
  readonly statusCode: number | undefined;
}

export interface CopilotRunSummary {
  /** From the `result` line. */
  sessionId?: string;
  /** The `result` line's exit code: 0 when the turn completed. */
  resultExitCode?: number;
  /** The last `session.error`. */
  error?: CopilotSessionError;
  /** Lines that were not JSON events (counted, not kept: they may hold anything). */
  unparsed: number;
}

const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

const text = (value: unknown): string | undefined =>
  typeof value === "string" ? value : undefined;

const integer = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isInteger(value) ? value : undefined;

/** A short line for a tool event: the command or path it works on, else its title or arguments. */
function toolDetail(data: Record<string, unknown>): string | undefined {
  const args = record(data["arguments"]);
  const detail =
    text(args?.["command"]) ??
    text(args?.["path"]) ??
    text(data["toolTitle"]) ??
    (data["arguments"] === undefined ? undefined : JSON.stringify(data["arguments"]));
  if (detail === undefined || detail === "") return undefined;
  return detail.length > MAX_TOOL_DETAIL ? `${detail.slice(0, MAX_TOOL_DETAIL)}…` : detail;
}

/** Turns Copilot's events into protocol events as they come; keeps what the end needs. */
export class CopilotStream {
  readonly summary: CopilotRunSummary = { unparsed: 0 };
  /** Messages that streamed deltas (their final `assistant.message` repeats the text). */
  private readonly streamed = new Set<string>();
  private lastMessageId: string | undefined;
  private wroteText = false;

  constructor(
    private readonly emit: (event: AgentEvent) => void,
    /** Scrubs text that leaves the runner (tool details can quote anything). */
    private readonly clean: (text: string) => string,
    /** Told when the CLI reported the end of the turn (`result` or `session.error`). */
    private readonly onEnd: () => void,
  ) {}

  line(line: string): void {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      value = undefined;
    }
    const event = record(value);
    const type = text(event?.["type"]);
    if (event === undefined || type === undefined) {
      if (line.trim() !== "") this.summary.unparsed += 1;
      return;
    }
    const data = record(event["data"]) ?? {};
    switch (type) {
      case "assistant.message_delta":
        this.delta(data);
        return;
      case "assistant.message":
        this.message(data);
        return;
      case "tool.execution_start": {
        const name = text(data["toolName"]);
        if (name === undefined) return;
        const detail = toolDetail(data);
        this.emit({
          type: "tool",
          name,
          ...(detail === undefined ? {} : { detail: this.clean(detail) }),
        });
        return;
      }
      case "session.error":
        this.summary.error = {
          errorType: text(data["errorType"]),
          message: text(data["message"]) ?? "",
          statusCode: integer(data["statusCode"]),
        };
        this.onEnd();
        return;
      case "result": {
        const sessionId = text(event["sessionId"]);
        const exitCode = integer(event["exitCode"]);
        if (sessionId !== undefined) this.summary.sessionId = sessionId;
        if (exitCode !== undefined) this.summary.resultExitCode = exitCode;
        this.onEnd();
        return;
      }
      default:
        return;
    }
  }

  // Sub-agents' own messages (with a parent tool call) are their work, not the answer.
  private delta(data: Record<string, unknown>): void {
    const messageId = text(data["messageId"]);
    const delta = text(data["deltaContent"]);
    if (messageId === undefined || delta === undefined || data["parentToolCallId"] !== undefined) {
      return;
    }
    this.streamed.add(messageId);
    this.write(messageId, delta);
  }

  private message(data: Record<string, unknown>): void {
    const messageId = text(data["messageId"]);
    const content = text(data["content"]);
    if (messageId === undefined || content === undefined || content === "") return;
    if (this.streamed.has(messageId) || data["parentToolCallId"] !== undefined) return;
    this.write(messageId, content);
  }

  /** Separates one assistant message from the next (e.g. before and after a tool). */
  private write(messageId: string, delta: string): void {
    if (delta === "") return;
    if (this.wroteText && this.lastMessageId !== messageId)
      this.emit({ type: "text", delta: "\n\n" });
    this.lastMessageId = messageId;
    this.wroteText = true;
    this.emit({ type: "text", delta });
  }
}
