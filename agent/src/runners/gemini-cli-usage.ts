import { open, readdir, readFile, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import type { AgentEvent, AgentRunInput } from "@agentry/core/protocol";

// Gemini CLI reports usage in two places, neither complete on its own:
// - its session file (`<gemini dir>/tmp/<project>/chats/session-…-<id8>.jsonl`, subagents in
//   `chats/<session id>/`) records every main-chat call's `usageMetadata` with all classes,
//   thoughts included, but only for calls whose answer completed;
// - stream-json's `result.stats.models[m]` sums every call of the run (utility calls too), but
//   has no thoughts field (its `total_tokens` still counts them).
// So each recorded call is one usage event, and whatever the per-model totals hold beyond them
// becomes one more event for that model. Both are per run: a resumed session's stats restart.

type UsageEvent = Extract<AgentEvent, { type: "usage" }>;

/** One provider call as the session file records it (Gemini's usageMetadata). */
export interface RecordedCall {
  readonly id: string;
  readonly timestamp: string;
  readonly model: string;
  /** promptTokenCount (cached included). */
  readonly input: number;
  /** candidatesTokenCount. */
  readonly output: number;
  readonly cached: number;
  readonly thoughts: number;
  /** toolUsePromptTokenCount. */
  readonly tool: number;
  readonly total: number;
}

/** stream-json's `result.stats.models[m]`: this run's totals for one model. */
export interface ModelTotals {
  readonly total_tokens: number;
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly cached: number;
}

const count = (value: unknown): number =>
  typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;

const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

function callFrom(record: Record<string, unknown>): RecordedCall | undefined {
  const tokens = asRecord(record["tokens"]);
  const id = record["id"];
  if (record["type"] !== "gemini" || typeof id !== "string" || tokens === undefined) {
    return undefined;
  }
  const model = record["model"];
  const timestamp = record["timestamp"];
  return {
    id,
    timestamp: typeof timestamp === "string" ? timestamp : "",
    model: typeof model === "string" ? model : "",
    input: count(tokens["input"]),
    output: count(tokens["output"]),
    cached: count(tokens["cached"]),
    thoughts: count(tokens["thoughts"]),
    tool: count(tokens["tool"]),
    total: count(tokens["total"]),
  };
}

/** The calls (gemini messages with tokens) a session file holds, by message id; last write wins. */
function callsInFile(text: string, into: Map<string, RecordedCall>): void {
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    let record: Record<string, unknown> | undefined;
    try {
      record = asRecord(JSON.parse(line));
    } catch {
      continue; // a line cut short by a kill
    }
    if (record === undefined) continue;
    // Resuming rewrites the whole message list in one `$set`.
    const messages = asRecord(record["$set"])?.["messages"];
    const candidates = Array.isArray(messages) ? messages : [record];
    for (const candidate of candidates) {
      const message = asRecord(candidate);
      const call = message === undefined ? undefined : callFrom(message);
      if (call !== undefined) into.set(call.id, call);
    }
  }
}

async function listDir(path: string): Promise<string[]> {
  try {
    return await readdir(path);
  } catch {
    return [];
  }
}

/** The file's first bytes (where its first record names the session), or "" if unreadable. */
async function readHead(path: string): Promise<string> {
  let file: FileHandle | undefined;
  try {
    file = await open(path, "r");
    const buffer = Buffer.alloc(1024);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString("utf8");
  } catch {
    return "";
  } finally {
    await file?.close();
  }
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return undefined;
  }
}

/**
 * The files that record `sessionId` under `geminiDir` (the CLI's `.gemini`): its session file,
 * in whichever project folder holds it, and its subagents' files. None when the session is gone.
 */
export async function sessionFiles(geminiDir: string, sessionId: string): Promise<string[]> {
  const files: string[] = [];
  const tmp = join(geminiDir, "tmp");
  const suffix = `-${sessionId.slice(0, 8)}.jsonl`;
  for (const project of await listDir(tmp)) {
    const chats = join(tmp, project, "chats");
    for (const name of await listDir(chats)) {
      if (!name.startsWith("session-") || !name.endsWith(suffix)) continue;
      // The 8-character prefix could be shared: the first record names the session.
      const first = (await readHead(join(chats, name))).split("\n", 1)[0] ?? "";
      if (!first.includes(`"sessionId":"${sessionId}"`)) continue;
      files.push(join(chats, name));
      const subagents = join(chats, sessionId);
      for (const sub of await listDir(subagents)) {
        if (sub.endsWith(".jsonl")) files.push(join(subagents, sub));
      }
    }
  }
  return files;
}

/** Every call recorded for `sessionId`, by message id. */
export async function readRecordedCalls(
  geminiDir: string,
  sessionId: string,
): Promise<Map<string, RecordedCall>> {
  const calls = new Map<string, RecordedCall>();
  for (const file of await sessionFiles(geminiDir, sessionId)) {
    const text = await readText(file);
    if (text !== undefined) callsInFile(text, calls);
  }
  return calls;
}

type Classes = Pick<
  UsageEvent,
  "inputTokens" | "outputTokens" | "cacheReadTokens" | "cacheWriteTokens" | "reasoningTokens"
>;

function classesOf(call: RecordedCall): Classes {
  return {
    inputTokens: Math.max(0, call.input - call.cached) + call.tool,
    outputTokens: call.output + call.thoughts,
    cacheReadTokens: call.cached,
    cacheWriteTokens: 0,
    reasoningTokens: call.thoughts,
  };
}

/**
 * This run's usage events: one per call the session file recorded since the run began (`before`
 * holds the ids recorded earlier), in order, then per model whatever `totals` report beyond them.
 */
export function usageEvents(
  input: Pick<AgentRunInput, "provider" | "model">,
  before: ReadonlySet<string>,
  after: ReadonlyMap<string, RecordedCall>,
  totals: Readonly<Record<string, ModelTotals>> | undefined,
): UsageEvent[] {
  const calls = [...after.values()]
    .filter((call) => !before.has(call.id))
    .sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  const parts: { model: string; classes: Classes }[] = calls.map((call) => ({
    model: call.model || input.model,
    classes: classesOf(call),
  }));

  for (const [model, total] of Object.entries(totals ?? {})) {
    const mine = calls.filter((call) => (call.model || input.model) === model);
    const sum = (pick: (call: RecordedCall) => number): number =>
      mine.reduce((acc, call) => acc + pick(call), 0);
    const prompt = Math.max(0, count(total.input_tokens) - sum((call) => call.input));
    const candidates = Math.max(0, count(total.output_tokens) - sum((call) => call.output));
    const cached = Math.min(prompt, Math.max(0, count(total.cached) - sum((call) => call.cached)));
    const all = Math.max(0, count(total.total_tokens) - sum((call) => call.total));
    if (prompt + candidates + all === 0) continue;
    // The totals have no thoughts field; what their total holds beyond prompt and answer is
    // thinking (or, for a search-grounded call, tool-use prompt tokens, which it cannot tell apart).
    const thoughts = Math.max(0, all - prompt - candidates);
    parts.push({
      model,
      classes: {
        inputTokens: prompt - cached,
        outputTokens: candidates + thoughts,
        cacheReadTokens: cached,
        cacheWriteTokens: 0,
        reasoningTokens: thoughts,
      },
    });
  }

  return parts.map(({ model, classes }, callIndex) => ({
    type: "usage",
    callIndex,
    provider: input.provider,
    model,
    ...classes,
  }));
}
