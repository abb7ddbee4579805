import { chmod, mkdtemp, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeUsage } from "@agentry/fake-provider";
import {
  claudeInput,
  expectNoSecretLeft as noSecretLeft,
  listCost,
  MODEL,
  privateTmpdir,
  runClaude,
  textOf,
  tokens,
  usageEvents,
} from "../support/claude-code.js";
import { newKey, readAllFiles, tempWorkspace } from "../support/run-helpers.js";

let runHomes: { path: string; restore: () => Promise<void> };
const apiKey = newKey("ANTHROPIC");

beforeAll(async () => {
  runHomes = await privateTmpdir();
});

afterAll(async () => {
  await runHomes.restore();
});

const expectNoSecretLeft = (workspace: string, secrets: readonly string[]): Promise<void> =>
  noSecretLeft(workspace, runHomes.path, secrets);

// A stand-in `claude` (a script printing what the real one prints, or nothing sensible) for
// what the fake cannot make the real CLI do: tools, sub-agent calls, garbage, a missing result.
describe("Claude Code runner (stand-in claude)", { timeout: 30_000 }, () => {
  const SESSION = "canned-session";
  const usage = (tokens: Record<string, unknown>) => ({
    input_tokens: 0,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: 1,
    ...tokens,
  });
  const event = (id: string, body: Record<string, unknown>) => ({
    type: "stream_event",
    event: body,
    session_id: SESSION,
    parent_tool_use_id: null,
    api_message_id: id,
  });
  const call = (
    id: string,
    start: Record<string, number>,
    end: Record<string, unknown>,
    text: string,
  ) => [
    event(id, {
      type: "message_start",
      message: { id, type: "message", role: "assistant", model: MODEL, usage: usage(start) },
    }),
    event(id, {
      type: "content_block_delta",
      index: 0,
      delta: { type: "text_delta", text },
    }),
    event(id, { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: end }),
    event(id, { type: "message_stop" }),
  ];
  const totals = (t: FakeUsage) => ({
    inputTokens: t.inputTokens,
    outputTokens: t.outputTokens,
    cacheReadInputTokens: t.cacheReadTokens,
    cacheCreationInputTokens: t.cacheWriteTokens,
    cacheCreationEphemeral1hInputTokens: 0,
    thinkingTokens: t.reasoningTokens,
    costUSD: listCost(t),
  });
  const result = (cumulative: FakeUsage) => ({
    type: "result",
    subtype: "success",
    is_error: false,
    session_id: SESSION,
    stop_reason: "end_turn",
    total_cost_usd: listCost(cumulative),
    modelUsage: { [MODEL]: totals(cumulative) },
  });
  const u = (t: Partial<FakeUsage>): FakeUsage => ({
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    ...t,
  });
  // Run 1: a call that asks for a tool, a second call, and a sub-agent's call that never streams.
  const m1 = u({
    inputTokens: 100,
    outputTokens: 30,
    cacheReadTokens: 200,
    cacheWriteTokens: 40,
    reasoningTokens: 12,
  });
  const m2 = u({ inputTokens: 20, outputTokens: 8, cacheReadTokens: 300 });
  const subAgent = u({ inputTokens: 7, outputTokens: 4 });
  const m3 = u({
    inputTokens: 50,
    outputTokens: 6,
    cacheReadTokens: 700,
    cacheWriteTokens: 10,
    reasoningTokens: 2,
  });
  const sum = (...all: FakeUsage[]): FakeUsage =>
    all.reduce((a, b) => ({
      inputTokens: a.inputTokens + b.inputTokens,
      outputTokens: a.outputTokens + b.outputTokens,
      cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
      cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
      reasoningTokens: a.reasoningTokens + b.reasoningTokens,
    }));
  const firstRun = [
    { type: "system", subtype: "init", session_id: SESSION, model: MODEL },
    ...call(
      "m1",
      { input_tokens: 100, cache_read_input_tokens: 200, cache_creation_input_tokens: 40 },
      usage({
        input_tokens: 100,
        cache_read_input_tokens: 200,
        cache_creation_input_tokens: 40,
        output_tokens: 30,
        output_tokens_details: { thinking_tokens: 12 },
      }),
      "Let me look.",
    ).slice(0, 2),
    {
      type: "assistant",
      session_id: SESSION,
      parent_tool_use_id: null,
      message: {
        id: "m1",
        model: MODEL,
        content: [
          { type: "text", text: "Let me look." },
          {
            type: "tool_use",
            id: "tool-1",
            name: "Bash",
            input: { command: "ls  -la\n", description: "List" },
          },
        ],
        usage: usage({ input_tokens: 100 }),
      },
    },
    ...call(
      "m1",
      {},
      {
        input_tokens: 100,
        cache_read_input_tokens: 200,
        cache_creation_input_tokens: 40,
        output_tokens: 30,
        output_tokens_details: { thinking_tokens: 12 },
      },
      "",
    ).slice(2),
    "this line is not JSON",
    {
      type: "user",
      message: {
        role: "user",
        content: [{ type: "tool_result", tool_use_id: "tool-1", content: "a b" }],
      },
    },
    // message_delta leaves fields out: message_start's stay.
    ...call(
      "m2",
      { input_tokens: 20, cache_read_input_tokens: 300 },
      { output_tokens: 8 },
      " Done.",
    ),
    result(sum(m1, m2, subAgent)),
  ];
  const secondRun = [
    { type: "system", subtype: "init", session_id: SESSION, model: MODEL },
    ...call(
      "m3",
      { input_tokens: 50, cache_read_input_tokens: 700, cache_creation_input_tokens: 10 },
      {
        input_tokens: 50,
        cache_read_input_tokens: 700,
        cache_creation_input_tokens: 10,
        output_tokens: 6,
        output_tokens_details: { thinking_tokens: 2 },
      },
      "Again.",
    ),
    // Claude Code's totals are the whole session's.
    result(sum(m1, m2, subAgent, m3)),
  ];

  /** A bin dir whose `claude` is `script` (sh); returns the dir. */
  async function standIn(script: string, files: Record<string, string> = {}): Promise<string> {
    const dir = await mkdtemp(join(runHomes.path, "stand-in-"));
    for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
    await writeFile(join(dir, "claude"), `#!/bin/sh\n${script}\n`);
    await chmod(join(dir, "claude"), 0o755);
    return dir;
  }
  const jsonl = (lines: readonly unknown[]): string =>
    lines.map((line) => (typeof line === "string" ? line : JSON.stringify(line))).join("\n");

  it("reports tools, streamed text, each call's usage, the calls that did not stream, and on resume only the new run's part", async () => {
    const workspace = await tempWorkspace();
    const dir = await standIn(
      [
        'dir=$(dirname "$0")',
        'echo "$@" >> "$dir/args.log"',
        // As the CLI does: the session's transcript under HOME/.claude/projects.
        `mkdir -p "$HOME/.claude/projects/ws" && touch "$HOME/.claude/projects/ws/${SESSION}.jsonl"`,
        'case " $* " in *" --resume "*) cat "$dir/second.jsonl";; *) cat "$dir/first.jsonl";; esac',
      ].join("\n"),
      { "first.jsonl": jsonl(firstRun), "second.jsonl": jsonl(secondRun) },
    );
    try {
      const one = await runClaude(claudeInput(apiKey), workspace.path, { binDir: dir });
      expect(one.outcome).toBe("done");
      expect(one.events.filter((e) => e.type === "text" || e.type === "tool")).toEqual([
        { type: "text", delta: "Let me look." },
        { type: "tool", name: "Bash", detail: "ls -la" },
        { type: "text", delta: " Done." },
      ]);
      const expected = (callIndex: number, t: FakeUsage) => ({
        type: "usage",
        callIndex,
        provider: "ANTHROPIC",
        model: MODEL,
        ...tokens(t),
      });
      const first = usageEvents(one.events);
      // The first call ended before any price was known and the next call was not kept waiting.
      expect(first).toEqual([
        expected(0, m1),
        { ...expected(1, m2), reportedCostUsd: expect.any(Number) as number },
        { ...expected(2, subAgent), reportedCostUsd: expect.any(Number) as number },
      ]);
      expect(first[1]?.reportedCostUsd).toBeCloseTo(listCost(m2), 12);
      expect(first[2]?.reportedCostUsd).toBeCloseTo(listCost(subAgent), 12);

      const two = await runClaude(claudeInput(apiKey), workspace.path, { binDir: dir });
      expect(two.outcome).toBe("done");
      expect(textOf(two.events)).toBe("Again.");
      const second = usageEvents(two.events);
      expect(second).toEqual([
        { ...expected(0, m3), reportedCostUsd: expect.any(Number) as number },
      ]);
      expect(second[0]?.reportedCostUsd).toBeCloseTo(listCost(m3), 12);

      const args = (await readAllFiles(dir)).get(join(dir, "args.log")) ?? "";
      expect(
        args
          .split("\n")
          .filter(Boolean)
          .map((line) => line.includes(`--resume ${SESSION}`)),
      ).toEqual([false, true]);
      await expectNoSecretLeft(workspace.path, [apiKey]);
    } finally {
      await workspace.remove();
    }
  });

  it("fails with AGENT_FAILED, without crashing, when the CLI prints garbage or ends without a result", async () => {
    const workspace = await tempWorkspace();
    try {
      const garbage = await standIn(
        'echo "Segmentation fault? no: just text"\necho "[1,2,3]"\nexit 0',
      );
      const silent = await runClaude(claudeInput(apiKey), workspace.path, { binDir: garbage });
      expect(silent.events).toEqual([
        {
          type: "error",
          code: "AGENT_FAILED",
          message:
            "Claude Code exited with code 0 without printing anything it is expected to print",
        },
      ]);

      const cut = await standIn(
        `echo '${JSON.stringify({ type: "system", subtype: "init", session_id: "s-1" })}'\necho '{"type": "assist'\necho "oops" >&2\nexit 3`,
      );
      const noResult = await runClaude(claudeInput(apiKey), workspace.path, { binDir: cut });
      expect(noResult.events).toEqual([
        {
          type: "error",
          code: "AGENT_FAILED",
          message: "Claude Code exited with code 3 without a result",
        },
      ]);
      expect(noResult.logs.join("\n")).toContain("oops");

      const missing = await runClaude(claudeInput(apiKey), workspace.path, {
        binDir: join(runHomes.path, "no-such-dir"),
      });
      expect(missing.events.at(-1)).toMatchObject({
        type: "error",
        code: "AGENT_FAILED",
        message: expect.stringContaining("Claude Code could not be started") as string,
      });
    } finally {
      await workspace.remove();
    }
  });
});
