import { randomUUID } from "node:crypto";
import { chmod, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentEvent, AgentRunInput } from "@agentry/core";
import {
  startFakeProvider,
  startTlsProxy,
  type FakeProvider,
  type FakeUsage,
  type TlsProxy,
} from "@agentry/fake-provider";
import { runMessage, type RunOutcome } from "../../src/run.js";
import { cliBinDir } from "../support/clis.js";
import { startRecordingProxy, type RecordingProxy } from "../support/recording-proxy.js";
import {
  newKey,
  newSubscriptionToken,
  readAllFiles,
  tempWorkspace,
} from "../support/run-helpers.js";

// The real `claude` binary (Claude Code) against the fake provider: through a proxy that keeps
// request bodies, and through a TLS proxy for the sign-in refresh at platform.claude.com.

const MODEL = "claude-sonnet-4-6";
// Claude Code's list prices for this model, per token: input, output, cache read, cache write.
const PRICE = { input: 3e-6, output: 15e-6, cacheRead: 0.3e-6, cacheWrite: 3.75e-6 };

let fake: FakeProvider;
let recorder: RecordingProxy;
let tls: TlsProxy;
let bin: string;
let runHomes: string;
let previousTmpdir: string | undefined;
const apiKey = newKey("ANTHROPIC");

beforeAll(async () => {
  bin = await cliBinDir();
  fake = await startFakeProvider({ keys: [apiKey] });
  recorder = await startRecordingProxy(fake.url);
  tls = await startTlsProxy({
    target: fake.url,
    hosts: ["platform.claude.com", "api.anthropic.com"],
  });
  // Run homes are made under the system temporary directory: a private one shows what is left.
  runHomes = await mkdtemp(join(tmpdir(), "agentry-claude-code-test-"));
  previousTmpdir = process.env["TMPDIR"];
  process.env["TMPDIR"] = runHomes;
});

afterAll(async () => {
  if (previousTmpdir === undefined) delete process.env["TMPDIR"];
  else process.env["TMPDIR"] = previousTmpdir;
  await tls.close();
  await recorder.close();
  await fake.close();
  await rm(runHomes, { recursive: true, force: true });
});

interface Recorded {
  outcome: RunOutcome;
  events: AgentEvent[];
  logs: string[];
}

function claudeInput(secret: string, overrides: Partial<AgentRunInput> = {}): AgentRunInput {
  return {
    messageId: randomUUID(),
    kind: "CLAUDE_CODE",
    attempt: 1,
    text: `question ${randomUUID()} about things`,
    provider: "ANTHROPIC",
    model: MODEL,
    credential: { kind: "API_KEY", secret },
    baseUrls: { ANTHROPIC: recorder.url },
    maxCalls: null,
    timeLimitMs: 60_000,
    ...overrides,
  };
}

async function runClaude(
  input: AgentRunInput,
  workspace: string,
  options: { binDir?: string; passEnv?: Record<string, string> } = {},
): Promise<Recorded> {
  const events: AgentEvent[] = [];
  const logs: string[] = [];
  const outcome = await runMessage(input, {
    workspace,
    emit: (event) => events.push(event),
    log: (line) => logs.push(line),
    cliBinDir: options.binDir ?? bin,
    passEnv: options.passEnv ?? {},
  });
  return { outcome, events, logs };
}

const textOf = (events: AgentEvent[]): string =>
  events.flatMap((event) => (event.type === "text" ? [event.delta] : [])).join("");

const usageEvents = (events: AgentEvent[]) =>
  events.flatMap((event) => (event.type === "usage" ? [event] : []));

/** The fake's calls whose last user message ends with `text` (Claude Code puts context first). */
const callsFor = (text: string) => fake.calls().filter((call) => call.prompt.endsWith(text));

const tokens = (usage: FakeUsage | null) => ({
  inputTokens: usage?.inputTokens,
  outputTokens: usage?.outputTokens,
  cacheReadTokens: usage?.cacheReadTokens,
  cacheWriteTokens: usage?.cacheWriteTokens,
  reasoningTokens: usage?.reasoningTokens,
});

const listCost = (usage: FakeUsage): number =>
  usage.inputTokens * PRICE.input +
  usage.outputTokens * PRICE.output +
  usage.cacheReadTokens * PRICE.cacheRead +
  usage.cacheWriteTokens * PRICE.cacheWrite;

/** Claude's ~/.claude/.credentials.json for a sign-in whose access token expires in `ms`. */
function signIn(ms: number): { secret: string; accessToken: string; refreshToken: string } {
  const random = (): string => randomUUID().replaceAll("-", "");
  const accessToken = `sk-ant-oat01-${random()}`;
  const refreshToken = `sk-ant-ort01-${random()}`;
  const secret = JSON.stringify({
    claudeAiOauth: {
      accessToken,
      refreshToken,
      expiresAt: Date.now() + ms,
      scopes: ["user:inference", "user:profile", "user:sessions:claude_code"],
      subscriptionType: "max",
    },
  });
  return { secret, accessToken, refreshToken };
}

async function expectNoSecretLeft(workspace: string, secrets: readonly string[]): Promise<void> {
  const files = await readAllFiles(workspace);
  expect(files.size).toBeGreaterThan(0);
  for (const content of files.values()) {
    for (const secret of secrets) expect(content).not.toContain(secret);
  }
  // Every run's HOME (the credentials file, the CLI's temporary files) is gone.
  const left = await readdir(runHomes);
  expect(left.filter((name) => name.startsWith("agentry-home-"))).toEqual([]);
}

describe("Claude Code runner (real claude CLI, fake provider)", { timeout: 60_000 }, () => {
  it("holds a two-message conversation: replies as text, history resent, each run's own usage and cost", async () => {
    const workspace = await tempWorkspace();
    try {
      const first = claudeInput(apiKey);
      const second = claudeInput(apiKey);
      fake.script(
        { provider: "ANTHROPIC", text: "first answer here" },
        { provider: "ANTHROPIC", text: "second answer here" },
      );

      const one = await runClaude(first, workspace.path);
      expect(one.outcome).toBe("done");
      expect(textOf(one.events)).toBe("first answer here");
      const two = await runClaude(second, workspace.path);
      expect(two.outcome).toBe("done");
      expect(textOf(two.events)).toBe("second answer here");
      expect(two.events.at(-1)).toEqual({ type: "done", stopReason: "end_turn" });

      // One call each; the usage events are the fake's numbers, every class, the resumed run's
      // own (Claude Code's totals are the session's), its cost the CLI's price of that call.
      const [callOne] = callsFor(first.text);
      const [callTwo] = callsFor(second.text);
      expect([callOne?.key, callOne?.auth, callTwo?.key, callTwo?.auth]).toEqual([
        apiKey,
        "x-api-key",
        apiKey,
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
      const resent = recorder.requests.find((request) =>
        request.body.toString("utf8").includes(second.text),
      );
      expect(resent?.body.toString("utf8")).toContain(first.text);
      expect(resent?.body.toString("utf8")).toContain("first answer here");
      await expectNoSecretLeft(workspace.path, [apiKey]);
    } finally {
      await workspace.remove();
    }
  });

  it("sends a `claude setup-token` token as a bearer token with the OAuth beta", async () => {
    const workspace = await tempWorkspace();
    const token = newSubscriptionToken();
    fake.addKey(token);
    try {
      const input = claudeInput(token, { credential: { kind: "SUBSCRIPTION", secret: token } });
      fake.script({ provider: "ANTHROPIC", text: "token answer" });
      const run = await runClaude(input, workspace.path);

      expect(run.outcome).toBe("done");
      expect(textOf(run.events)).toBe("token answer");
      expect(callsFor(input.text).map((call) => [call.key, call.auth, call.status])).toEqual([
        [token, "bearer", 200],
      ]);
      // The fake refuses a subscription token without the beta, so the header was there.
      const sent = recorder.requests.find((request) =>
        request.body.toString("utf8").includes(input.text),
      );
      expect(String(sent?.headers["anthropic-beta"])).toContain("oauth-2025-04-20");
      expect(run.events.some((event) => event.type === "credential")).toBe(false);
      await expectNoSecretLeft(workspace.path, [token]);
    } finally {
      await workspace.remove();
    }
  });

  it("refreshes an expired sign-in through platform.claude.com and hands over the rotated credentials file, which the next message uses", async () => {
    const workspace = await tempWorkspace();
    const expired = signIn(-60_000);
    // Only the refresh can make the call work: the expired access token is no key of the fake.
    fake.addRefreshToken(expired.refreshToken, { accessTokenPrefix: "sk-ant-oat01-" });
    const passEnv = { ...tls.env };
    try {
      const first = claudeInput(expired.secret, {
        credential: { kind: "SUBSCRIPTION", secret: expired.secret },
        baseUrls: { ANTHROPIC: fake.url },
      });
      const one = await runClaude(first, workspace.path, { passEnv });
      expect(one.outcome).toBe("done");

      const refreshes = fake
        .tokenRefreshes()
        .filter((r) => r.refreshToken === expired.refreshToken);
      expect(refreshes.map((refresh) => refresh.status)).toEqual([200]);
      const [refresh] = refreshes;
      expect(tls.requests()).toContainEqual({
        host: "platform.claude.com",
        method: "POST",
        path: "/v1/oauth/token",
        status: 200,
      });
      expect(callsFor(first.text).map((call) => [call.key, call.auth, call.status])).toEqual([
        [refresh?.accessToken, "bearer", 200],
      ]);
      // The rotated file comes back before the run ends, in the form the user saved.
      const handed = one.events.filter((event) => event.type === "credential");
      expect(handed).toHaveLength(1);
      expect(one.events.findIndex((event) => event.type === "credential")).toBeLessThan(
        one.events.findIndex((event) => event.type === "done"),
      );
      const rotated = handed[0]?.type === "credential" ? handed[0].secret : "";
      expect(JSON.parse(rotated)).toMatchObject({
        claudeAiOauth: {
          accessToken: refresh?.accessToken,
          refreshToken: refresh?.newRefreshToken,
          expiresAt: expect.any(Number) as number,
        },
      });

      // The next message, given the rotated secret, works without another refresh.
      const second = claudeInput(rotated, {
        credential: { kind: "SUBSCRIPTION", secret: rotated },
        baseUrls: { ANTHROPIC: fake.url },
      });
      const two = await runClaude(second, workspace.path, { passEnv });
      expect(two.outcome).toBe("done");
      expect(two.events.some((event) => event.type === "credential")).toBe(false);
      expect(callsFor(second.text).map((call) => [call.key, call.status])).toEqual([
        [refresh?.accessToken, 200],
      ]);
      expect(
        fake.tokenRefreshes().filter((r) => r.refreshToken === refresh?.newRefreshToken),
      ).toEqual([]);
      await expectNoSecretLeft(workspace.path, [
        expired.accessToken,
        expired.refreshToken,
        refresh?.accessToken ?? "?",
        refresh?.newRefreshToken ?? "?",
      ]);
    } finally {
      await workspace.remove();
    }
  });

  it("ends a refused API key with INVALID_API_KEY and a refused subscription with AUTHENTICATION_FAILED saying what to do", async () => {
    const workspace = await tempWorkspace();
    try {
      const unknownKey = newKey("ANTHROPIC");
      const key = await runClaude(claudeInput(unknownKey), workspace.path);
      expect(key.outcome).toBe("error");
      expect(key.events.at(-1)).toMatchObject({
        type: "error",
        code: "INVALID_API_KEY",
        status: 401,
      });

      const revoked = newSubscriptionToken();
      const token = await runClaude(
        claudeInput(revoked, { credential: { kind: "SUBSCRIPTION", secret: revoked } }),
        workspace.path,
      );
      expect(token.events.at(-1)).toMatchObject({
        type: "error",
        code: "AUTHENTICATION_FAILED",
        status: 401,
        message: expect.stringContaining(
          "run `claude setup-token` and save the new token",
        ) as string,
      });
      for (const run of [key, token]) {
        expect(JSON.stringify(run)).not.toContain(unknownKey);
        expect(JSON.stringify(run)).not.toContain(revoked);
        expect(usageEvents(run.events)).toEqual([]);
      }
    } finally {
      await workspace.remove();
    }
  });

  it("ends a run that outlives its time limit with AGENT_FAILED naming the limit", async () => {
    const workspace = await tempWorkspace();
    const held = fake.hold({ provider: "ANTHROPIC" });
    try {
      const input = claudeInput(apiKey, { timeLimitMs: 8000 });
      const running = runClaude(input, workspace.path);
      // The call is under way (its usage already told) when the limit strikes.
      const call = await held.started;
      const run = await running;
      expect(run.outcome).toBe("error");
      expect(run.events.at(-1)).toEqual({
        type: "error",
        code: "AGENT_FAILED",
        message: "Claude Code did not finish within 8 s",
      });
      // Tokens the provider counted before the stop were spent: they are reported.
      expect(usageEvents(run.events)).toMatchObject([
        { callIndex: 0, inputTokens: call.usage?.inputTokens },
      ]);
    } finally {
      held.release();
      await workspace.remove();
    }
  });
});

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
    const dir = await mkdtemp(join(runHomes, "stand-in-"));
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
        binDir: join(runHomes, "no-such-dir"),
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
