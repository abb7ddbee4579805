import { AgentRunError, httpFailure, providerErrorDetail } from "../errors.js";
import type { ModelTotals } from "./gemini-cli-usage.js";

// Gemini CLI's `--output-format stream-json`: one JSON object a line —
// init {session_id, model}; message {role, content, delta}; tool_use {tool_name, tool_id,
// parameters}; tool_result {tool_id, status, output?, error?}; error {severity, message} (not
// fatal); result {status: "success" | "error", error?: {type, message}, stats}.

export type StreamLine =
  | { kind: "init"; sessionId: string }
  | { kind: "text"; delta: string }
  | { kind: "tool"; name: string; parameters: unknown }
  | { kind: "tool-failed"; message: string }
  | { kind: "warning"; message: string }
  | {
      kind: "result";
      ok: boolean;
      errorMessage: string | undefined;
      models: Record<string, ModelTotals> | undefined;
    };

const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

const text = (value: unknown): string | undefined =>
  typeof value === "string" ? value : undefined;

function modelTotals(stats: unknown): Record<string, ModelTotals> | undefined {
  const models = asRecord(asRecord(stats)?.["models"]);
  if (models === undefined) return undefined;
  const totals: Record<string, ModelTotals> = {};
  for (const [model, value] of Object.entries(models)) {
    const entry = asRecord(value);
    if (entry === undefined) continue;
    const field = (name: string): number => {
      const n = entry[name];
      return typeof n === "number" ? n : 0;
    };
    totals[model] = {
      total_tokens: field("total_tokens"),
      input_tokens: field("input_tokens"),
      output_tokens: field("output_tokens"),
      cached: field("cached"),
    };
  }
  return totals;
}

/** One stdout line, or undefined for anything else (banners, garbage, events we do not use). */
export function parseStreamLine(line: string): StreamLine | undefined {
  let event: Record<string, unknown> | undefined;
  try {
    event = asRecord(JSON.parse(line));
  } catch {
    return undefined;
  }
  switch (event?.["type"]) {
    case "init": {
      const sessionId = text(event["session_id"]);
      return sessionId === undefined ? undefined : { kind: "init", sessionId };
    }
    case "message": {
      const delta = text(event["content"]);
      return event["role"] === "assistant" && delta !== undefined && delta !== ""
        ? { kind: "text", delta }
        : undefined;
    }
    case "tool_use": {
      const name = text(event["tool_name"]);
      return name === undefined
        ? undefined
        : { kind: "tool", name, parameters: event["parameters"] };
    }
    case "tool_result": {
      const message = text(asRecord(event["error"])?.["message"]);
      return event["status"] === "error" && message !== undefined
        ? { kind: "tool-failed", message }
        : undefined;
    }
    case "error": {
      const message = text(event["message"]);
      return message === undefined ? undefined : { kind: "warning", message };
    }
    case "result":
      return {
        kind: "result",
        ok: event["status"] === "success",
        errorMessage: text(asRecord(event["error"])?.["message"]),
        models: modelTotals(event["stats"]),
      };
    default:
      return undefined;
  }
}

/** What the CLI's own exit codes mean (its FatalError kinds), for messages. */
export const CLI_EXIT_MEANINGS: Readonly<Record<number, string>> = {
  41: "authentication not set up",
  42: "input refused",
  44: "sandbox error",
  52: "configuration error, e.g. in the workspace's .gemini/settings.json",
  53: "turn limit reached",
  54: "a tool failed",
  55: "workspace not trusted",
};

// The CLI exits with the provider's HTTP status as its exit code (so modulo 256) when a call
// failed; its message keeps the status only for some errors.
const STATUS_BY_EXIT_CODE: Readonly<Record<number, number>> = {
  144: 400,
  145: 401,
  147: 403,
  148: 404,
  173: 429,
  244: 500,
  246: 502,
  247: 503,
  248: 504,
};

/** The Google error body the CLI quotes in "[API Error: {…}]", if it does. */
function quotedGoogleError(message: string): Record<string, unknown> | undefined {
  const start = message.indexOf('{"error"');
  const end = message.lastIndexOf("}");
  if (start === -1 || end <= start) return undefined;
  try {
    return asRecord(asRecord(JSON.parse(message.slice(start, end + 1)))?.["error"]);
  } catch {
    return undefined;
  }
}

/** The run's failure, from the result's error message and the exit code. */
export function failureOf(
  errorMessage: string | undefined,
  exitCode: number | null,
): AgentRunError {
  const message = (errorMessage ?? "").trim();
  const quoted = quotedGoogleError(message);
  const quotedStatus = quoted?.["code"];
  const status =
    typeof quotedStatus === "number"
      ? quotedStatus
      : exitCode === null
        ? undefined
        : STATUS_BY_EXIT_CODE[exitCode];
  // "[API Error: <text>]\n<advice>" → "<text>"; the quoted body's own message when there is one.
  const detail =
    (quoted === undefined ? undefined : providerErrorDetail({ error: quoted })) ??
    /^\[API Error: ([\s\S]*?)\]\s*(?:\n|$)/.exec(message)?.[1] ??
    message;
  const keyRejected = message.includes("API_KEY_INVALID") || /API key not valid/i.test(message);
  if (status !== undefined) {
    return httpFailure("GEMINI", "API_KEY", status, detail || undefined, { keyRejected });
  }
  if (keyRejected) return httpFailure("GEMINI", "API_KEY", 400, detail, { keyRejected });
  return new AgentRunError(
    "AGENT_FAILED",
    detail ? `Gemini CLI failed: ${detail.slice(0, 400)}` : "Gemini CLI failed",
  );
}
