import { randomUUID } from "node:crypto";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentEvent, AgentRunInput } from "@agentry/core/protocol";
import {
  copilotNanoAiu,
  startFakeProvider,
  type FakeProvider,
  type RecordedCall,
} from "@agentry/fake-provider";
import { runMessage, type RunOutcome } from "../../src/run.js";
import { cliBinDir } from "../support/clis.js";
import { readAllFiles, tempWorkspace } from "../support/run-helpers.js";

// The real `copilot` CLI against the fake's GitHub API and Copilot model API.

const OPENAI_MODEL = "gpt-5-mini";
const CLAUDE_MODEL = "claude-sonnet-4.5";
const USD_PER_NANO_AIU = 1e-11;

const githubToken = (prefix: string): string =>
  `${prefix}${randomUUID().replaceAll("-", "")}${randomUUID().replaceAll("-", "").slice(0, 8)}`;

let fake: FakeProvider;
let bin: string;
let runHomes: string;
let previousTmpdir: string | undefined;
const pat = githubToken("github_pat_11");
const oauthToken = githubToken("gho_");

beforeAll(async () => {
  bin = await cliBinDir();
  fake = await startFakeProvider({ keys: [pat, oauthToken] });
  // Run homes are made under the system temporary directory: a private one shows what is left.
  runHomes = await mkdtemp(join(tmpdir(), "agentry-copilot-test-"));
  previousTmpdir = process.env["TMPDIR"];
  process.env["TMPDIR"] = runHomes;
});

afterAll(async () => {
  if (previousTmpdir === undefined) delete process.env["TMPDIR"];
  else process.env["TMPDIR"] = previousTmpdir;
  await fake.close();
  await rm(runHomes, { recursive: true, force: true });
});

interface Recorded {
  outcome: RunOutcome;
  events: AgentEvent[];
  logs: string[];
}

function copilotInput(secret: string, overrides: Partial<AgentRunInput> = {}): AgentRunInput {
  return {
    messageId: randomUUID(),
    kind: "COPILOT",
    attempt: 1,
    text: `question ${randomUUID()} about things`,
    provider: "GITHUB_COPILOT",
    model: OPENAI_MODEL,
    credential: { kind: "SUBSCRIPTION", secret },
    baseUrls: { GITHUB_COPILOT: fake.baseUrls.githubCopilot },
    maxCalls: null,
    timeLimitMs: 60_000,
    ...overrides,
  };
}

async function runCopilot(
  input: AgentRunInput,
  workspace: string,
  binDir = bin,
): Promise<Recorded> {
  const events: AgentEvent[] = [];
  const logs: string[] = [];
  const outcome = await runMessage(input, {
    workspace,
    emit: (event) => events.push(event),
    log: (line) => logs.push(line),
    cliBinDir: binDir,
  });
  return { outcome, events, logs };
}

const textOf = (events: AgentEvent[]): string =>
  events.flatMap((event) => (event.type === "text" ? [event.delta] : [])).join("");

const usageEvents = (events: AgentEvent[]) => events.filter((event) => event.type === "usage");

/** The Copilot model calls whose last user message holds `text` (Copilot prefixes the date). */
const callsWith = (text: string): RecordedCall[] =>
  fake.calls({ provider: "GITHUB_COPILOT" }).filter((call) => call.prompt.includes(text));

function only<T>(items: readonly T[]): T {
  expect(items).toHaveLength(1);
  const [item] = items;
  if (item === undefined) throw new Error("expected one item");
  return item;
}

/** The usage event the runner must emit for a call the fake answered. */
function expectedUsage(call: RecordedCall, callIndex: number, withCost: boolean): AgentEvent {
  if (call.usage === null) throw new Error("the call has no usage");
  const { inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens } =
    call.usage;
  return {
    type: "usage",
    callIndex,
    provider: "GITHUB_COPILOT",
    model: call.model ?? "",
    inputTokens,
    outputTokens,
    cacheReadTokens,
    cacheWriteTokens,
    reasoningTokens,
    ...(withCost ? { reportedCostUsd: copilotNanoAiu(call.usage) * USD_PER_NANO_AIU } : {}),
  };
}

const stateDir = (workspace: string): string => join(workspace, ".agentry", "cli", "copilot");

async function savedSessionId(workspace: string): Promise<string> {
  const state = JSON.parse(await readFile(join(stateDir(workspace), "state.json"), "utf8")) as {
    sessionId: string;
  };
  return state.sessionId;
}

async function expectNoSecretLeft(workspace: string, secret: string): Promise<void> {
  const files = await readAllFiles(workspace);
  expect(files.size).toBeGreaterThan(0);
  for (const content of files.values()) expect(content).not.toContain(secret);
  // Every run's HOME (the token's environment, Copilot's logs and caches) is gone.
  const left = await readdir(runHomes);
  expect(left.filter((name) => name.startsWith("agentry-home-"))).toEqual([]);
}

// Copilot takes a few seconds to start on a busy machine.
describe("Copilot runner with the real CLI", { timeout: 90_000 }, () => {
  it("holds a two-message conversation: streamed replies, history resent, each run's own usage and AI credits", async () => {
    const workspace = await tempWorkspace();
    try {
      // Every class the Responses API reports, on the first call.
      fake.script({
        provider: "GITHUB_COPILOT",
        usage: {
          inputTokens: 12,
          cacheReadTokens: 8,
          cacheWriteTokens: 0,
          outputTokens: 9,
          reasoningTokens: 4,
        },
      });
      const firstInput = copilotInput(pat);
      const first = await runCopilot(firstInput, workspace.path);
      expect(first.outcome).toBe("done");
      expect(first.events.at(-1)).toEqual({ type: "done" });
      const firstCall = only(callsWith(firstInput.text));
      expect(firstCall).toMatchObject({ key: pat, auth: "bearer", api: "responses", status: 200 });
      expect(firstCall.text).toContain(firstInput.text);
      expect(textOf(first.events)).toBe(firstCall.text);
      expect(first.events.filter((event) => event.type === "text").length).toBeGreaterThan(1);
      expect(usageEvents(first.events)).toEqual([expectedUsage(firstCall, 0, true)]);
      const sessionId = await savedSessionId(workspace.path);

      const secondInput = copilotInput(pat);
      const second = await runCopilot(secondInput, workspace.path);
      expect(second.outcome).toBe("done");
      const secondCall = only(callsWith(secondInput.text));
      // The resumed session sends the first turn again: the question and the answer.
      const sent = JSON.stringify(secondCall.body);
      expect(sent).toContain(firstInput.text);
      expect(sent).toContain(JSON.stringify(firstCall.text).slice(1, -1));
      expect(textOf(second.events)).toBe(secondCall.text);
      // Copilot's totals are cumulative over the session: only this run's call is counted.
      expect(usageEvents(second.events)).toEqual([expectedUsage(secondCall, 0, true)]);
      expect(await savedSessionId(workspace.path)).toBe(sessionId);

      await expectNoSecretLeft(workspace.path, pat);
    } finally {
      await workspace.remove();
    }
  });

  it("runs a Claude model with a gho_ token and starts afresh when the saved session is gone", async () => {
    const workspace = await tempWorkspace();
    try {
      // A session id (and totals) whose Copilot session no longer exists.
      const lost = randomUUID();
      await mkdir(stateDir(workspace.path), { recursive: true });
      const totals = {
        [CLAUDE_MODEL]: {
          input: 5000,
          output: 500,
          cacheRead: 100,
          cacheWrite: 100,
          reasoning: 10,
          nanoAiu: null,
        },
      };
      await writeFile(
        join(stateDir(workspace.path), "state.json"),
        JSON.stringify({ sessionId: lost, usageSequence: 7, totals }),
      );
      fake.script({
        provider: "GITHUB_COPILOT",
        usage: {
          inputTokens: 11,
          cacheReadTokens: 5,
          cacheWriteTokens: 3,
          outputTokens: 7,
          reasoningTokens: 2,
        },
      });
      const input = copilotInput(oauthToken, { model: CLAUDE_MODEL });
      const run = await runCopilot(input, workspace.path);
      expect(run.outcome).toBe("done");
      const call = only(callsWith(input.text));
      expect(call).toMatchObject({ key: oauthToken, auth: "bearer", api: "messages" });
      expect(textOf(run.events)).toBe(call.text);
      // Counted from nothing: the lost session's numbers are not subtracted.
      expect(usageEvents(run.events)).toEqual([expectedUsage(call, 0, false)]);
      expect(run.logs.join("\n")).toContain(`session ${lost} is gone`);
      await expectNoSecretLeft(workspace.path, oauthToken);
    } finally {
      await workspace.remove();
    }
  });

  it("runs the model's command as a tool without the token, then answers: a tool event and one usage per call", async () => {
    const workspace = await tempWorkspace();
    try {
      const command = "echo tool-ran-$((6*7)); echo token=${COPILOT_GITHUB_TOKEN:-none}";
      fake.script({
        provider: "GITHUB_COPILOT",
        toolCall: { name: "bash", arguments: { command, description: "Print a proof" } },
      });
      const input = copilotInput(pat);
      const run = await runCopilot(input, workspace.path);
      expect(run.outcome).toBe("done");
      expect(run.events.filter((event) => event.type === "tool")).toEqual([
        { type: "tool", name: "bash", detail: command },
      ]);
      const [toolCall, answer] = callsWith(input.text);
      if (toolCall === undefined || answer === undefined) throw new Error("expected two calls");
      // The command ran in the workspace's shell, and the token was not in its environment.
      const sent = JSON.stringify(answer.body);
      expect(sent).toContain("tool-ran-42");
      expect(sent).toContain("token=none");
      expect(textOf(run.events)).toBe(answer.text);
      const usage = usageEvents(run.events);
      expect(usage).toHaveLength(2);
      expect(usage[0]).toMatchObject(expectedUsage(toolCall, 0, false));
      expect(usage[1]).toEqual(expectedUsage(answer, 1, true));
    } finally {
      await workspace.remove();
    }
  });

  it("refuses a token GitHub does not know at once, saying what token to make", async () => {
    const workspace = await tempWorkspace();
    try {
      const unknown = githubToken("ghu_");
      const run = await runCopilot(copilotInput(unknown), workspace.path);
      expect(run.outcome).toBe("error");
      const error = only(run.events.filter((event) => event.type === "error"));
      expect(error).toMatchObject({ code: "AUTHENTICATION_FAILED", status: 401 });
      expect(error.message).toMatch(/fine-grained GitHub token with the Copilot/);
      expect(error.message).not.toContain(unknown);
      expect(fake.calls().filter((call) => call.key === unknown)).toEqual([]);
    } finally {
      await workspace.remove();
    }
  });

  it("refuses a classic ghp_ token before running anything", async () => {
    const workspace = await tempWorkspace();
    try {
      const classic = githubToken("ghp_");
      const input = copilotInput(classic);
      const run = await runCopilot(input, workspace.path);
      const error = only(run.events);
      expect(error).toMatchObject({ type: "error", code: "AUTHENTICATION_FAILED" });
      expect(error).not.toHaveProperty("status");
      if (error.type !== "error") throw new Error("expected an error");
      expect(error.message).toMatch(/classic personal access tokens.*fine-grained/);
      expect(callsWith(input.text)).toEqual([]);
    } finally {
      await workspace.remove();
    }
  });

  it("maps Copilot's own refusal of a model call to AUTHENTICATION_FAILED", async () => {
    const workspace = await tempWorkspace();
    try {
      // GitHub knows the token, Copilot's model API refuses it (Copilot tries 3 times).
      fake.failNext(3, 401);
      const input = copilotInput(pat);
      const run = await runCopilot(input, workspace.path);
      expect(run.outcome).toBe("error");
      expect(run.events.at(-1)).toMatchObject({ code: "AUTHENTICATION_FAILED", status: 401 });
      expect(usageEvents(run.events)).toEqual([]);
      expect(callsWith(input.text).every((call) => call.status === 401)).toBe(true);
    } finally {
      fake.reset();
      await workspace.remove();
    }
  });

  it("stops at the time limit, naming the limit, when the call does not finish", async () => {
    const workspace = await tempWorkspace();
    // The fake holds the model call, so the run cannot finish before the limit.
    const held = fake.hold({ provider: "GITHUB_COPILOT" });
    try {
      const run = await runCopilot(copilotInput(pat, { timeLimitMs: 15_000 }), workspace.path);
      expect(run.outcome).toBe("error");
      expect(run.events.at(-1)).toEqual({
        type: "error",
        code: "AGENT_FAILED",
        message: "GitHub Copilot did not finish within 15 s",
      });
      expect(run.events.some((event) => event.type === "done")).toBe(false);
      await expectNoSecretLeft(workspace.path, pat);
    } finally {
      held.release();
      await workspace.remove();
    }
  });
});

describe("Copilot runner with a stand-in copilot", { timeout: 30_000 }, () => {
  async function standIn(script: string): Promise<{ dir: string; remove: () => Promise<void> }> {
    const dir = await mkdtemp(join(tmpdir(), "agentry-copilot-bin-"));
    await writeFile(join(dir, "copilot"), `#!/usr/bin/env node\n${script}\n`);
    await chmod(join(dir, "copilot"), 0o755);
    return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
  }

  async function runStandIn(script: string, workspace: string): Promise<Recorded> {
    const copilot = await standIn(script);
    try {
      return await runCopilot(copilotInput(pat), workspace, copilot.dir);
    } finally {
      await copilot.remove();
    }
  }

  it("fails with AGENT_FAILED when the CLI prints garbage and exits without a result", async () => {
    const workspace = await tempWorkspace();
    try {
      const run = await runStandIn(
        `console.log("not json at all"); console.log('{"half":'); process.exit(0);`,
        workspace.path,
      );
      expect(run.events).toEqual([
        {
          type: "error",
          code: "AGENT_FAILED",
          message:
            "GitHub Copilot exited without a result (exit code 0, 2 unreadable output lines)",
        },
      ]);
    } finally {
      await workspace.remove();
    }
  });

  it("reports the CLI's own error line, scrubbed, when it exits with a failure", async () => {
    const workspace = await tempWorkspace();
    try {
      const run = await runStandIn(
        `process.stderr.write("Error: something broke for " + process.env.COPILOT_GITHUB_TOKEN + "\\n"); process.exit(2);`,
        workspace.path,
      );
      const error = only(run.events);
      expect(error).toMatchObject({ type: "error", code: "AGENT_FAILED" });
      if (error.type !== "error") throw new Error("expected an error");
      expect(error.message).toMatch(
        /^GitHub Copilot failed \(exit code 2\): something broke for \[redacted\]$/,
      );
      expect(run.logs.join("\n")).not.toContain(pat);
    } finally {
      await workspace.remove();
    }
  });

  it("ends a CLI that lingers after a rate-limit error and reports RATE_LIMITED", async () => {
    const workspace = await tempWorkspace();
    try {
      // What Copilot 1.0.102 does after its retries: report the error, then never exit.
      const event = {
        type: "session.error",
        data: { errorType: "rate_limit", message: "You've hit your rate limit.", statusCode: 429 },
      };
      const run = await runStandIn(
        `console.log(${JSON.stringify(JSON.stringify(event))}); setInterval(() => {}, 1000);`,
        workspace.path,
      );
      expect(run.events).toEqual([
        {
          type: "error",
          code: "RATE_LIMITED",
          status: 429,
          message: "GitHub Copilot rate limit reached: You've hit your rate limit.",
        },
      ]);
    } finally {
      await workspace.remove();
    }
  });

  it("falls back to the usage file's per-model differences when the session journals no calls", async () => {
    const workspace = await tempWorkspace();
    try {
      const sessionId = randomUUID();
      const counts = { output: 50, cacheRead: 10, cacheWrite: 0, reasoning: 5 };
      const sessionDir = join(stateDir(workspace.path), ".copilot", "session-state", sessionId);
      await mkdir(sessionDir, { recursive: true });
      await writeFile(join(sessionDir, "events.jsonl"), "");
      await writeFile(
        join(stateDir(workspace.path), "state.json"),
        JSON.stringify({
          sessionId,
          usageSequence: 0,
          totals: { [OPENAI_MODEL]: { input: 100, ...counts, nanoAiu: 1_000_000 } },
        }),
      );
      // A session with a journal but no usage records, and a usage file with new totals.
      const script = `
const fs = require("node:fs"), path = require("node:path");
const args = process.argv.slice(2);
const id = args.find((a) => a.startsWith("--session-id=")).split("=")[1];
fs.writeFileSync(path.join(process.env.HOME, ".copilot", "session-state", id, "events.jsonl"), "");
fs.writeFileSync(args[args.indexOf("--usage-output-file") + 1], JSON.stringify({ modelMetrics: {
  "${OPENAI_MODEL}": { usage: { inputTokens: 180, outputTokens: 70, cacheReadTokens: 30,
    cacheWriteTokens: 0, reasoningTokens: 9 }, totalNanoAiu: 1500000, aiCreditsStatus: "complete" } } }));
console.log(JSON.stringify({ type: "result", sessionId: id, exitCode: 0 }));`;
      const run = await runStandIn(script, workspace.path);
      expect(run.events).toEqual([
        {
          type: "usage",
          callIndex: 0,
          provider: "GITHUB_COPILOT",
          model: OPENAI_MODEL,
          // 80 more prompt tokens, 20 of them read from the cache.
          inputTokens: 60,
          outputTokens: 20,
          cacheReadTokens: 20,
          cacheWriteTokens: 0,
          reasoningTokens: 4,
          reportedCostUsd: 500_000 * USD_PER_NANO_AIU,
        },
        { type: "done" },
      ]);
      expect(await savedSessionId(workspace.path)).toBe(sessionId);
    } finally {
      await workspace.remove();
    }
  });
});
