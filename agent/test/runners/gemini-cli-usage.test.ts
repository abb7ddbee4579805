import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  readRecordedCalls,
  sessionFiles,
  usageEvents,
} from "../../src/runners/gemini-cli-usage.js";

// Session files in the shape Gemini CLI 0.61 writes them (records appended as JSON lines; a
// gemini message re-appended once its tokens are known; a resume rewriting the message list).

const SESSION = "31b82d92-cd57-468b-8976-f2d3bc55e332";
const INPUT = { provider: "GEMINI", model: "gemini-2.5-flash" } as const;

const gemini = (id: string, timestamp: string, tokens?: Record<string, number>) => ({
  id,
  timestamp,
  type: "gemini",
  content: "Echo: hi",
  thoughts: [],
  ...(tokens === undefined ? {} : { tokens }),
  model: "gemini-2.5-flash",
});
const user = (id: string) => ({ id, timestamp: "2026-11-30T12:00:00.000Z", type: "user" });

const FIRST = gemini("m1", "2026-11-30T12:46:48.702Z", {
  input: 10222,
  output: 120,
  cached: 5111,
  thoughts: 240,
  tool: 0,
  total: 10582,
});
const SECOND = gemini("m2", "2026-11-30T12:47:11.343Z", {
  input: 10405,
  output: 8,
  cached: 0,
  thoughts: 16,
  tool: 3,
  total: 10432,
});

let dir: string;
let geminiDir: string;
let chats: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "agentry-gemini-usage-"));
  geminiDir = join(dir, ".gemini");
  chats = join(geminiDir, "tmp", "workspace", "chats");
  await mkdir(chats, { recursive: true });
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const writeSession = (name: string, records: unknown[]) =>
  writeFile(join(chats, name), `${records.map((record) => JSON.stringify(record)).join("\n")}\n`);

describe("Gemini CLI usage from its session file and stream-json totals", () => {
  it("counts each call once, across a resume that rewrote the message list", async () => {
    await writeSession(`session-2026-11-30T12-46-${SESSION.slice(0, 8)}.jsonl`, [
      { sessionId: SESSION, projectHash: "x", kind: "main" },
      user("u1"),
      gemini("m1", FIRST.timestamp), // before its usage arrived
      FIRST,
      { $set: { lastUpdated: "2026-11-30T12:46:48.715Z" } },
      { $set: { sessionId: SESSION } },
      { $set: { messages: [user("u1"), FIRST] } }, // the resume
      user("u2"),
      SECOND,
      "{broken line cut by a kill",
    ]);
    // Another session sharing the 8-character prefix is not this one.
    await writeSession(`session-2026-11-30T13-00-${SESSION.slice(0, 8)}.jsonl`, [
      { sessionId: `${SESSION.slice(0, 8)}-0000-4000-8000-000000000000`, kind: "main" },
      gemini("other", "2026-11-30T13:00:00.000Z", { input: 1, output: 1, total: 2 }),
    ]);

    expect(await sessionFiles(geminiDir, SESSION)).toHaveLength(1);
    const after = await readRecordedCalls(geminiDir, SESSION);
    expect([...after.keys()]).toEqual(["m1", "m2"]);

    // The second run: m1 was there before it.
    const events = usageEvents(INPUT, new Set(["m1"]), after, {
      "gemini-2.5-flash": { total_tokens: 10432, input_tokens: 10405, output_tokens: 8, cached: 0 },
    });
    expect(events).toEqual([
      {
        type: "usage",
        callIndex: 0,
        provider: "GEMINI",
        model: "gemini-2.5-flash",
        inputTokens: 10408, // prompt − cached + tool-use prompt
        outputTokens: 24, // candidates + thoughts
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        reasoningTokens: 16,
      },
    ]);
  });

  it("reports what the run's totals hold beyond the recorded calls as one more call per model", () => {
    const recorded = {
      id: "m1",
      timestamp: FIRST.timestamp,
      model: "gemini-2.5-flash",
      input: 10222,
      output: 120,
      cached: 5111,
      thoughts: 240,
      tool: 0,
      total: 10582,
    };
    const after = new Map([["m1", recorded]]);
    const events = usageEvents(INPUT, new Set(), after, {
      // m1 plus a utility call of 300 prompt (100 cached), 20 candidates and 30 thoughts…
      "gemini-2.5-flash": {
        total_tokens: 10582 + 350,
        input_tokens: 10222 + 300,
        output_tokens: 120 + 20,
        cached: 5111 + 100,
      },
      // …and one on another model the session file never records.
      "gemini-2.5-flash-lite": { total_tokens: 50, input_tokens: 40, output_tokens: 10, cached: 0 },
    });

    expect(events.map(({ callIndex, model }) => ({ callIndex, model }))).toEqual([
      { callIndex: 0, model: "gemini-2.5-flash" },
      { callIndex: 1, model: "gemini-2.5-flash" },
      { callIndex: 2, model: "gemini-2.5-flash-lite" },
    ]);
    expect(events[0]).toMatchObject({
      inputTokens: 5111,
      cacheReadTokens: 5111,
      outputTokens: 360,
      reasoningTokens: 240,
    });
    expect(events[1]).toMatchObject({
      inputTokens: 200,
      cacheReadTokens: 100,
      outputTokens: 50,
      reasoningTokens: 30,
    });
    expect(events[2]).toMatchObject({
      inputTokens: 40,
      cacheReadTokens: 0,
      outputTokens: 10,
      reasoningTokens: 0,
    });
  });

  it("still reports the recorded calls of a run that ended without totals (killed)", async () => {
    await writeSession(`session-2026-11-30T12-46-${SESSION.slice(0, 8)}.jsonl`, [
      { sessionId: SESSION, kind: "main" },
      user("u1"),
      FIRST,
    ]);
    const events = usageEvents(
      INPUT,
      new Set(),
      await readRecordedCalls(geminiDir, SESSION),
      undefined,
    );
    expect(events).toMatchObject([{ callIndex: 0, inputTokens: 5111, reasoningTokens: 240 }]);
  });

  it("finds no files for a session that is gone", async () => {
    expect(await sessionFiles(geminiDir, SESSION)).toEqual([]);
    expect((await readRecordedCalls(join(dir, "missing"), SESSION)).size).toBe(0);
  });
});
