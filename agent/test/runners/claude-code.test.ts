import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startClaudeHarness,
  textOf,
  tokens,
  usageEvents,
  listCost,
  MODEL,
  type ClaudeHarness,
} from "../support/claude-code.js";
import { readAllFiles, tempWorkspace } from "../support/run-helpers.js";

// The real `claude` binary (Claude Code) against the fake provider, through a proxy that keeps
// request bodies: the conversation, tools, usage, limits. Credentials: claude-code-credentials.test.ts.

let h: ClaudeHarness;

beforeAll(async () => {
  h = await startClaudeHarness();
});

afterAll(async () => {
  await h.close();
});

describe("Claude Code runner (real claude CLI, fake provider)", { timeout: 60_000 }, () => {
  it("holds a two-message conversation: replies as text, history resent, each run's own usage and cost", async () => {
    const workspace = await tempWorkspace();
    try {
      const first = h.input(h.apiKey);
      const second = h.input(h.apiKey);
      h.fake.script(
        { provider: "ANTHROPIC", text: "first answer here" },
        { provider: "ANTHROPIC", text: "second answer here" },
      );

      const one = await h.run(first, workspace.path);
      expect(one.outcome).toBe("done");
      expect(textOf(one.events)).toBe("first answer here");
      const two = await h.run(second, workspace.path);
      expect(two.outcome).toBe("done");
      expect(textOf(two.events)).toBe("second answer here");
      expect(two.events.at(-1)).toEqual({ type: "done", stopReason: "end_turn" });

      // One call each; the usage events are the fake's numbers, every class, the resumed run's
      // own (Claude Code's totals are the session's), its cost the CLI's price of that call.
      const [callOne] = h.callsFor(first.text);
      const [callTwo] = h.callsFor(second.text);
      expect([callOne?.key, callOne?.auth, callTwo?.key, callTwo?.auth]).toEqual([
        h.apiKey,
        "x-api-key",
        h.apiKey,
        "x-api-key",
      ]);
      for (const [run, call] of [
        [one, callOne],
        [two, callTwo],
      ] as const) {
        const usage = call?.usage ?? null;
        expect(usage?.cacheReadTokens).toBeGreaterThan(0);
        expect(usage?.cacheWriteTokens).toBeGreaterThan(0);
        expect(usage?.reasoningTokens).toBeGreaterThan(0);
        const events = usageEvents(run.events);
        expect(events).toEqual([
          {
            type: "usage",
            callIndex: 0,
            provider: "ANTHROPIC",
            model: MODEL,
            ...tokens(usage),
            reportedCostUsd: expect.any(Number) as number,
          },
        ]);
        expect(events[0]?.reportedCostUsd).toBeCloseTo(usage === null ? 0 : listCost(usage), 9);
      }

      // The second request carries the first question and answer: the session was resumed.
      const resent = h.recorder.requests.find((request) =>
        request.body.toString("utf8").includes(second.text),
      );
      expect(resent?.body.toString("utf8")).toContain(first.text);
      expect(resent?.body.toString("utf8")).toContain("first answer here");
      await h.expectNoSecretLeft(workspace.path, [h.apiKey]);
    } finally {
      await workspace.remove();
    }
  });

  it("runs the tool the model asks for without waiting for an approval, and counts both calls", async () => {
    const workspace = await tempWorkspace();
    try {
      const input = h.input(h.apiKey);
      h.fake.script(
        {
          provider: "ANTHROPIC",
          toolCall: {
            name: "Bash",
            arguments: { command: "echo made > made.txt", description: "Make a file" },
          },
        },
        { provider: "ANTHROPIC", text: "made it" },
      );
      const run = await h.run(input, workspace.path);

      expect(run.outcome).toBe("done");
      expect(run.events.filter((event) => event.type === "tool")).toEqual([
        { type: "tool", name: "Bash", detail: "echo made > made.txt" },
      ]);
      expect(textOf(run.events)).toBe("made it");
      const files = await readAllFiles(workspace.path);
      expect(files.get(join(workspace.path, "made.txt"))).toBe("made\n");
      // Both calls, the second with the tool's result, each counted once.
      const calls = h.fake
        .calls()
        .filter((call) => call.key === h.apiKey)
        .slice(-2);
      expect(calls.map((call) => call.text)).toEqual([expect.any(String), "made it"]);
      expect(usageEvents(run.events).map((event) => [event.callIndex, event.inputTokens])).toEqual(
        calls.map((call, index) => [index, call.usage?.inputTokens]),
      );
      const second = h.recorder.requests.at(-1)?.body.toString("utf8") ?? "";
      expect(second).toContain('"tool_result"');
    } finally {
      await workspace.remove();
    }
  });

  it("stops after maxCalls provider calls and ends done with stopReason max_calls", async () => {
    const workspace = await tempWorkspace();
    try {
      const input = h.input(h.apiKey, { maxCalls: 1 });
      h.fake.script(
        {
          provider: "ANTHROPIC",
          toolCall: { name: "Bash", arguments: { command: "echo again", description: "Echo" } },
        },
        { provider: "ANTHROPIC", text: "never asked for" },
      );
      const before = h.fake.calls().length;
      const run = await h.run(input, workspace.path);

      expect(run.outcome).toBe("done");
      expect(run.events.at(-1)).toEqual({ type: "done", stopReason: "max_calls" });
      // The tool's result was never sent back: one call in all.
      expect(h.fake.calls().slice(before)).toHaveLength(1);
      expect(usageEvents(run.events)).toHaveLength(1);
    } finally {
      h.fake.reset();
      await workspace.remove();
    }
  });

  it("ends RATE_LIMITED when the provider keeps answering 429 through the CLI's few retries", async () => {
    const workspace = await tempWorkspace();
    // The first try and CLAUDE_CODE_MAX_RETRIES=3 more.
    h.fake.failNext(4, 429);
    try {
      const run = await h.run(h.input(h.apiKey), workspace.path);
      expect(run.outcome).toBe("error");
      expect(run.events.at(-1)).toMatchObject({ type: "error", code: "RATE_LIMITED", status: 429 });
      expect(usageEvents(run.events)).toEqual([]);
    } finally {
      h.fake.reset();
      await workspace.remove();
    }
  });

  it("ends a run that outlives its time limit with AGENT_FAILED naming the limit", async () => {
    const workspace = await tempWorkspace();
    const held = h.fake.hold({ provider: "ANTHROPIC" });
    try {
      const input = h.input(h.apiKey, { timeLimitMs: 10_000 });
      const running = h.run(input, workspace.path);
      const call = await Promise.race([held.started, running.then(() => undefined)]);
      const run = await running;
      expect(run.outcome).toBe("error");
      expect(run.events.at(-1)).toEqual({
        type: "error",
        code: "AGENT_FAILED",
        message: "Claude Code did not finish within 10 s",
      });
      // Tokens the provider counted before the stop were spent: they are reported. (On a busy
      // machine the CLI may not even have reached its call before the limit.)
      expect(usageEvents(run.events)).toMatchObject(
        call === undefined ? [] : [{ callIndex: 0, inputTokens: call.usage?.inputTokens }],
      );
    } finally {
      held.release();
      await workspace.remove();
    }
  });
});
