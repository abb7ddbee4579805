import { randomUUID } from "node:crypto";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentEvent, AgentRunInput } from "@agentry/core/protocol";
import { fakeJwt, startFakeProvider, type FakeProvider } from "@agentry/fake-provider";
import { runMessage, type RunOutcome } from "../../src/run.js";
import { cliBinDir } from "../support/clis.js";
import { startRecordingProxy, type RecordingProxy } from "../support/recording-proxy.js";
import { newKey, readAllFiles, tempWorkspace } from "../support/run-helpers.js";

// The real `codex` binary against the fake provider, through a proxy that keeps request bodies.

const MODEL = "gpt-5-mini";
const ACCOUNT_ID = `acct-${randomUUID()}`;
const CLAIMS = { "https://api.openai.com/auth": { chatgpt_account_id: ACCOUNT_ID } };

let fake: FakeProvider;
let proxy: RecordingProxy;
let bin: string;
let runHomes: string;
let previousTmpdir: string | undefined;
const apiKey = newKey("OPENAI");

beforeAll(async () => {
  bin = await cliBinDir();
  fake = await startFakeProvider({ keys: [apiKey] });
  proxy = await startRecordingProxy(fake.url);
  // Run homes are made under the system temporary directory: a private one shows what is left.
  runHomes = await mkdtemp(join(tmpdir(), "agentry-codex-test-"));
  previousTmpdir = process.env["TMPDIR"];
  process.env["TMPDIR"] = runHomes;
});

afterAll(async () => {
  if (previousTmpdir === undefined) delete process.env["TMPDIR"];
  else process.env["TMPDIR"] = previousTmpdir;
  await proxy.close();
  await fake.close();
  await rm(runHomes, { recursive: true, force: true });
});

interface Recorded {
  outcome: RunOutcome;
  events: AgentEvent[];
  logs: string[];
}

function codexInput(secret: string, overrides: Partial<AgentRunInput> = {}): AgentRunInput {
  return {
    messageId: randomUUID(),
    kind: "CODEX",
    attempt: 1,
    text: `question ${randomUUID()} about things`,
    provider: "OPENAI",
    model: MODEL,
    credential: { kind: "API_KEY", secret },
    baseUrls: { OPENAI: `${proxy.url}/v1` },
    maxCalls: null,
    timeLimitMs: 60_000,
    ...overrides,
  };
}

async function runCodex(input: AgentRunInput, workspace: string, binDir = bin): Promise<Recorded> {
  const events: AgentEvent[] = [];
  const logs: string[] = [];
  const outcome = await runMessage(input, {
    workspace,
    emit: (event) => events.push(event),
    log: (line) => logs.push(line),
    cliBinDir: binDir,
    passEnv: { CODEX_REFRESH_TOKEN_URL_OVERRIDE: `${fake.url}/oauth/token` },
  });
  return { outcome, events, logs };
}

const textOf = (events: AgentEvent[]): string =>
  events.flatMap((event) => (event.type === "text" ? [event.delta] : [])).join("");

const usageEvents = (events: AgentEvent[]) => events.filter((event) => event.type === "usage");

/** The Responses requests (parsed) that carried `text` as their last user message. */
const requestsWith = (text: string): { headers: Record<string, unknown>; body: string }[] =>
  proxy.requests
    .filter((request) => request.path.endsWith("/responses"))
    .map((request) => ({ headers: request.headers, body: request.body.toString("utf8") }))
    .filter((request) => request.body.includes(text));

/** Codex's auth.json for a ChatGPT sign-in whose access token expires `expiresIn` seconds from now. */
function signIn(expiresIn: number): { secret: string; accessToken: string; refreshToken: string } {
  const now = Math.floor(Date.now() / 1000);
  const accessToken = fakeJwt({ exp: now + expiresIn, ...CLAIMS, jti: randomUUID() });
  const refreshToken = `rt_${randomUUID().replaceAll("-", "")}`;
  const secret = JSON.stringify({
    auth_mode: "chatgpt",
    OPENAI_API_KEY: null,
    tokens: {
      id_token: fakeJwt({ email: "dev@example.com", exp: now + expiresIn, ...CLAIMS }),
      access_token: accessToken,
      refresh_token: refreshToken,
      account_id: ACCOUNT_ID,
    },
    last_refresh: new Date().toISOString(),
  });
  return { secret, accessToken, refreshToken };
}

async function expectNoSecretLeft(workspace: string, secrets: readonly string[]): Promise<void> {
  const files = await readAllFiles(workspace);
  expect(files.size).toBeGreaterThan(0);
  for (const content of files.values()) {
    for (const secret of secrets) expect(content).not.toContain(secret);
  }
  // Every run's HOME (auth.json, the key's environment) is gone.
  const left = await readdir(runHomes);
  expect(left.filter((name) => name.startsWith("agentry-home-"))).toEqual([]);
}

describe("Codex runner (real codex CLI, fake provider)", { timeout: 60_000 }, () => {
  it("holds a two-message conversation: replies as text, history resent, each run's own usage", async () => {
    const workspace = await tempWorkspace();
    try {
      const first = codexInput(apiKey);
      const second = codexInput(apiKey);
      // Every class non-zero on the wire: prompt 20 with 8 cached, output 9 with 4 reasoning.
      fake.script({
        provider: "OPENAI",
        api: "responses",
        usage: { inputTokens: 12, cacheReadTokens: 8, outputTokens: 9, reasoningTokens: 4 },
      });
      fake.script({
        provider: "OPENAI",
        api: "responses",
        usage: { inputTokens: 30, cacheReadTokens: 2, outputTokens: 5, reasoningTokens: 1 },
      });

      const one = await runCodex(first, workspace.path);
      expect(one.outcome).toBe("done");
      expect(textOf(one.events)).toBe(`Echo: ${first.text}`);
      const two = await runCodex(second, workspace.path);
      expect(two.outcome).toBe("done");
      expect(textOf(two.events)).toBe(`Echo: ${second.text}`);

      // Codex reports the thread's totals; each run counts only its own call.
      const usage = (events: AgentEvent[]) => ({ events: usageEvents(events), end: events.at(-1) });
      expect(usage(one.events)).toEqual({
        events: [
          {
            type: "usage",
            callIndex: 0,
            provider: "OPENAI",
            model: MODEL,
            inputTokens: 12,
            outputTokens: 9,
            cacheReadTokens: 8,
            cacheWriteTokens: 0,
            reasoningTokens: 4,
          },
        ],
        end: { type: "done" },
      });
      expect(usage(two.events).events).toEqual([
        expect.objectContaining({
          inputTokens: 30,
          outputTokens: 5,
          cacheReadTokens: 2,
          cacheWriteTokens: 0,
          reasoningTokens: 1,
        }),
      ]);

      // The second request carries the first question and answer: the thread was resumed.
      const [resent] = requestsWith(second.text);
      expect(resent?.body).toContain(first.text);
      expect(resent?.body).toContain(`Echo: ${first.text}`);
      const calls = fake.calls().filter((call) => [first.text, second.text].includes(call.prompt));
      expect(calls.map((call) => [call.key, call.status])).toEqual([
        [apiKey, 200],
        [apiKey, 200],
      ]);
      await expectNoSecretLeft(workspace.path, [apiKey]);
    } finally {
      await workspace.remove();
    }
  });

  it("runs the model's commands without asking, as tool events, with the key kept out of them", async () => {
    const workspace = await tempWorkspace();
    try {
      fake.script({
        provider: "OPENAI",
        api: "responses",
        toolCall: { name: "exec_command", arguments: { cmd: "env > command-env.txt" } },
      });
      const input = codexInput(apiKey);
      const { outcome, events } = await runCodex(input, workspace.path);

      expect(outcome).toBe("done");
      // The command ran (no approval prompt to wait on) and saw no key in its environment.
      const commandEnv = await readFile(join(workspace.path, "command-env.txt"), "utf8");
      expect(commandEnv).toContain("PATH=");
      expect(commandEnv).not.toContain(apiKey);
      expect(events.filter((event) => event.type === "tool")).toEqual([
        {
          type: "tool",
          name: "shell",
          detail: expect.stringContaining("env > command-env.txt") as string,
        },
      ]);
      expect(textOf(events)).toBe(`Echo: ${input.text}`);
      // Both calls of the run (the tool call, then the answer) in its one usage event.
      const calls = fake.calls().filter((call) => call.prompt === input.text);
      expect(calls).toHaveLength(2);
      const sum = (field: "outputTokens" | "reasoningTokens") =>
        calls.reduce((total, call) => total + (call.usage?.[field] ?? 0), 0);
      expect(usageEvents(events)).toEqual([
        expect.objectContaining({
          outputTokens: sum("outputTokens"),
          reasoningTokens: sum("reasoningTokens"),
        }),
      ]);
    } finally {
      await workspace.remove();
    }
  });

  it("refreshes an expired ChatGPT sign-in, hands on the rotated auth.json, and the old one stops working", async () => {
    const workspace = await tempWorkspace();
    try {
      const expired = signIn(-60);
      fake.addRefreshToken(expired.refreshToken, { claims: CLAIMS });
      const first = codexInput(expired.secret, {
        credential: { kind: "SUBSCRIPTION", secret: expired.secret },
      });
      const one = await runCodex(first, workspace.path);

      expect(one.outcome).toBe("done");
      expect(textOf(one.events)).toBe(`Echo: ${first.text}`);
      const [refresh] = fake
        .tokenRefreshes()
        .filter((entry) => entry.refreshToken === expired.refreshToken);
      expect(refresh).toMatchObject({ status: 200 });
      // The call carried the new access token, with the account header of a ChatGPT sign-in.
      const [call] = fake.calls().filter((c) => c.prompt === first.text);
      expect(call?.key).toBe(refresh?.accessToken);
      expect(requestsWith(first.text)[0]?.headers["chatgpt-account-id"]).toBe(ACCOUNT_ID);
      // The rotated file comes back as the new secret, before the run's end.
      const credentials = one.events.filter((event) => event.type === "credential");
      expect(credentials).toHaveLength(1);
      const rotated = JSON.parse(credentials[0]?.secret ?? "{}") as {
        tokens?: { access_token?: string; refresh_token?: string; account_id?: string };
      };
      expect(rotated.tokens).toMatchObject({
        access_token: refresh?.accessToken,
        refresh_token: refresh?.newRefreshToken,
        account_id: ACCOUNT_ID,
      });
      expect(one.events.at(-1)).toEqual({ type: "done" });
      expect(JSON.stringify(one.logs)).not.toContain(refresh?.newRefreshToken ?? "?");

      // The next message with the saved secret works, without another refresh.
      const newSecret = credentials[0]?.secret ?? "";
      const second = codexInput(newSecret, {
        credential: { kind: "SUBSCRIPTION", secret: newSecret },
      });
      const two = await runCodex(second, workspace.path);
      expect(two.outcome).toBe("done");
      expect(textOf(two.events)).toBe(`Echo: ${second.text}`);
      expect(two.events.filter((event) => event.type === "credential")).toEqual([]);
      expect(fake.calls().find((c) => c.prompt === second.text)?.key).toBe(refresh?.accessToken);

      // The old secret's refresh token was used up: the user must sign in again.
      const stale = await runCodex(
        codexInput(expired.secret, {
          credential: { kind: "SUBSCRIPTION", secret: expired.secret },
        }),
        workspace.path,
      );
      expect(stale.outcome).toBe("error");
      expect(stale.events.at(-1)).toMatchObject({
        type: "error",
        code: "AUTHENTICATION_FAILED",
        message: expect.stringContaining("codex login --device-auth") as string,
      });
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

  it("fails with INVALID_API_KEY when the key is refused, and with RATE_LIMITED on 429s", async () => {
    const workspace = await tempWorkspace();
    try {
      const wrongKey = newKey("OPENAI");
      const refused = await runCodex(codexInput(wrongKey), workspace.path);
      expect(refused.outcome).toBe("error");
      expect(refused.events.at(-1)).toMatchObject({
        type: "error",
        code: "INVALID_API_KEY",
        status: 401,
      });
      const everything = JSON.stringify(refused);
      expect(everything).not.toContain(wrongKey.slice(0, 12));
      expect(everything).not.toContain(wrongKey.slice(-8));

      // Codex retries a 429 many times; every one of them is refused.
      fake.failNext(100, 429);
      try {
        const limited = await runCodex(codexInput(apiKey), workspace.path);
        expect(limited.outcome).toBe("error");
        expect(limited.events.at(-1)).toMatchObject({
          type: "error",
          code: "RATE_LIMITED",
          status: 429,
        });
      } finally {
        fake.reset();
      }
    } finally {
      await workspace.remove();
    }
  });

  it("stops a run at its time limit with AGENT_FAILED naming the limit", async () => {
    const workspace = await tempWorkspace();
    const held = fake.hold({ provider: "OPENAI", api: "responses" });
    try {
      const { outcome, events } = await runCodex(
        codexInput(apiKey, { timeLimitMs: 6_000 }),
        workspace.path,
      );
      expect(outcome).toBe("error");
      expect(events.at(-1)).toEqual({
        type: "error",
        code: "AGENT_FAILED",
        message: "Codex did not finish within 6 s",
      });
    } finally {
      held.release();
      await workspace.remove();
    }
  });

  it("starts a new thread when the saved one is gone", async () => {
    const workspace = await tempWorkspace();
    try {
      const stateDir = join(workspace.path, ".agentry", "cli", "codex");
      await mkdir(stateDir, { recursive: true });
      const lost = randomUUID();
      const totals = { input: 100, cached: 0, cacheWrite: 0, output: 50, reasoning: 0 };
      await writeFile(join(stateDir, "state.json"), JSON.stringify({ threadId: lost, totals }));

      const input = codexInput(apiKey);
      const { outcome, events } = await runCodex(input, workspace.path);
      expect(outcome).toBe("done");
      expect(textOf(events)).toBe(`Echo: ${input.text}`);
      const [call] = fake.calls().filter((c) => c.prompt === input.text);
      // The new thread's usage in full, not less the lost thread's totals.
      expect(usageEvents(events)).toEqual([
        expect.objectContaining({
          inputTokens: call?.usage?.inputTokens,
          outputTokens: call?.usage?.outputTokens,
        }),
      ]);
      const state = JSON.parse(await readFile(join(stateDir, "state.json"), "utf8")) as {
        threadId: string;
      };
      expect(state.threadId).not.toBe(lost);
    } finally {
      await workspace.remove();
    }
  });
});

describe("Codex runner with a stand-in codex", () => {
  async function standIn(script: string): Promise<{ dir: string; remove: () => Promise<void> }> {
    const dir = await mkdtemp(join(tmpdir(), "agentry-codex-standin-"));
    await writeFile(join(dir, "codex"), `#!/bin/sh\n${script}\n`);
    await chmod(join(dir, "codex"), 0o755);
    return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
  }

  it("fails with AGENT_FAILED when codex prints garbage and exits without a result", async () => {
    const workspace = await tempWorkspace();
    const codex = await standIn(`echo 'not json at all'\necho '{"half":'\necho oops >&2\nexit 3`);
    try {
      const { outcome, events } = await runCodex(codexInput(apiKey), workspace.path, codex.dir);
      expect(outcome).toBe("error");
      expect(events).toEqual([
        {
          type: "error",
          code: "AGENT_FAILED",
          message: "Codex exited without a result (exit code 3)",
        },
      ]);
    } finally {
      await codex.remove();
      await workspace.remove();
    }
  });

  it("reports command executions and file changes as tool events, in order with the text", async () => {
    const workspace = await tempWorkspace();
    const lines = [
      { type: "thread.started", thread_id: "11111111-2222-3333-4444-555555555555" },
      { type: "turn.started" },
      {
        type: "item.started",
        item: {
          id: "item_1",
          type: "command_execution",
          command: "bash -lc ls",
          status: "in_progress",
        },
      },
      {
        type: "item.completed",
        item: { id: "item_1", type: "command_execution", command: "bash -lc ls", exit_code: 0 },
      },
      {
        type: "item.completed",
        item: { id: "item_2", type: "file_change", changes: [{ path: "a.txt", kind: "add" }] },
      },
      { type: "item.completed", item: { id: "item_3", type: "agent_message", text: "Done." } },
      {
        type: "turn.completed",
        usage: { input_tokens: 50, cached_input_tokens: 10, output_tokens: 7 },
      },
    ];
    const codex = await standIn(lines.map((line) => `echo '${JSON.stringify(line)}'`).join("\n"));
    try {
      const { outcome, events } = await runCodex(codexInput(apiKey), workspace.path, codex.dir);
      expect(outcome).toBe("done");
      expect(events).toEqual([
        { type: "tool", name: "shell", detail: "bash -lc ls" },
        { type: "tool", name: "apply_patch", detail: "add a.txt" },
        { type: "text", delta: "Done." },
        expect.objectContaining({ type: "usage", inputTokens: 40, cacheReadTokens: 10 }),
        { type: "done" },
      ]);
    } finally {
      await codex.remove();
      await workspace.remove();
    }
  });
});
