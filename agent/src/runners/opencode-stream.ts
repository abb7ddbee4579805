import type { AgentEvent, AgentRunInput } from "@agentry/core/protocol";

// `opencode run --format json` prints one JSON event per line, each with the session's id:
// `step_start`; `text` (a whole text part, once it is complete: OpenCode does not stream deltas
// here); `tool_use` (a tool call that completed or failed); `step_finish` (one per provider
// call, with that call's tokens and cost); `error` (the session failed). Lines that are not such
// events are skipped.

/** What OpenCode said when the session failed. */
export interface OpenCodeFailure {
  /** The error's class, e.g. `APIError`, `ProviderAuthError`, `UnknownError`. */
  readonly name: string;
  readonly message: string;
  readonly statusCode: number | undefined;
  /** The provider's answer, when there was one (e.g. Gemini's `API_KEY_INVALID`). */
  readonly responseBody: string | undefined;
}

export interface OpenCodeRunSummary {
  sessionId: string | undefined;
  /** Provider calls reported (`step_finish`). */
  calls: number;
  /** Why the last call ended: `tool-calls` means OpenCode goes on with another call. */
  finishReason: string | undefined;
  textParts: number;
  failure: OpenCodeFailure | undefined;
}

const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

const text = (value: unknown): string | undefined =>
  typeof value === "string" ? value : undefined;

/** A token count, or 0 when OpenCode left it out or it is not a count. */
const count = (value: unknown): number =>
  typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.round(value) : 0;

export class OpenCodeStream {
  readonly summary: OpenCodeRunSummary = {
    sessionId: undefined,
    calls: 0,
    finishReason: undefined,
    textParts: 0,
    failure: undefined,
  };

  constructor(
    private readonly emit: (event: AgentEvent) => void,
    private readonly call: { provider: AgentRunInput["provider"]; model: string },
    private readonly clean: (value: string) => string,
  ) {}

  line(raw: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return;
    }
    const event = record(parsed);
    if (event === undefined) return;
    const sessionId = text(event["sessionID"]);
    if (sessionId !== undefined && sessionId !== "") this.summary.sessionId ??= sessionId;
    const part = record(event["part"]);
    switch (event["type"]) {
      case "text":
        this.text(text(part?.["text"]));
        break;
      case "tool_use":
        this.tool(part);
        break;
      case "step_finish":
        this.usage(part);
        break;
      case "error":
        this.failure(record(event["error"]));
        break;
      default:
        break;
    }
  }

  private text(value: string | undefined): void {
    if (value === undefined || value.trim() === "") return;
    // Each part arrives whole; parts of later steps are new paragraphs.
    const delta = this.summary.textParts > 0 ? `\n\n${value}` : value;
    this.summary.textParts += 1;
    this.emit({ type: "text", delta });
  }

  private tool(part: Record<string, unknown> | undefined): void {
    const name = text(part?.["tool"]);
    if (name === undefined) return;
    const state = record(part?.["state"]);
    const detail = state?.["status"] === "error" ? text(state["error"]) : text(state?.["title"]);
    this.emit({
      type: "tool",
      name,
      ...(detail === undefined || detail === ""
        ? {}
        : { detail: this.clean(detail.slice(0, 200)) }),
    });
  }

  private usage(part: Record<string, unknown> | undefined): void {
    const tokens = record(part?.["tokens"]);
    if (tokens === undefined) return;
    const cache = record(tokens["cache"]);
    // OpenCode's `output` leaves reasoning out; ours includes it (agent/README.md).
    const reasoning = count(tokens["reasoning"]);
    const cost = part?.["cost"];
    this.emit({
      type: "usage",
      callIndex: this.summary.calls,
      provider: this.call.provider,
      model: this.call.model,
      inputTokens: count(tokens["input"]),
      outputTokens: count(tokens["output"]) + reasoning,
      cacheReadTokens: count(cache?.["read"]),
      cacheWriteTokens: count(cache?.["write"]),
      reasoningTokens: reasoning,
      ...(typeof cost === "number" && Number.isFinite(cost) && cost >= 0
        ? { reportedCostUsd: cost }
        : {}),
    });
    this.summary.calls += 1;
    this.summary.finishReason = text(part?.["reason"]);
  }

  private failure(error: Record<string, unknown> | undefined): void {
    const data = record(error?.["data"]);
    const status = data?.["statusCode"];
    this.summary.failure = {
      name: text(error?.["name"]) ?? "Error",
      message: text(data?.["message"]) ?? text(error?.["message"]) ?? "",
      statusCode: typeof status === "number" && Number.isInteger(status) ? status : undefined,
      responseBody: text(data?.["responseBody"]),
    };
  }
}
