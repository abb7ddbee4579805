import { randomUUID } from "node:crypto";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentEvent, AgentRunInput } from "@agentry/core/protocol";
import {
  fakeJwt,
  startFakeProvider,
  startTlsProxy,
  type FakeProvider,
  type RecordedCall,
  type TlsProxy,
} from "@agentry/fake-provider";
import { runMessage, type RunOutcome } from "../../src/run.js";
import { cliBinDir } from "../support/clis.js";
import { newKey, readAllFiles, tempWorkspace } from "../support/run-helpers.js";

// The real `opencode` binary against the fake provider. A ChatGPT sign-in's calls and its
// refresh go to fixed addresses (chatgpt.com, auth.openai.com): they reach the fake through a
// TLS proxy with a test CA. OpenCode starts slowly (seconds; minutes on a loaded machine, hence
// the generous timeout): each test runs it as few times as it can.

let fake: FakeProvider;
let tls: TlsProxy;
let bin: string;
let runHomes: string;
let previousTmpdir: string | undefined;

beforeAll(async () => {
  bin = await cliBinDir();
  fake = await startFakeProvider();
  tls = await startTlsProxy({ target: fake.url, hosts: ["chatgpt.com", "auth.openai.com"] });
  // Run homes are made under the system temporary directory: a private one shows what is left.
  runHomes = await mkdtemp(join(tmpdir(), "agentry-opencode-test-"));
  previousTmpdir = process.env["TMPDIR"];
  process.env["TMPDIR"] = runHomes;
});

afterAll(async () => {
  if (previousTmpdir === undefined) delete process.env["TMPDIR"];
  else process.env["TMPDIR"] = previousTmpdir;
  await tls.close();
  await fake.close();
  await rm(runHomes, { recursive: true, force: true });
});

interface Recorded {
  outcome: RunOutcome;
  events: AgentEvent[];
  logs: string[];
}

const MODELS = {
  ANTHROPIC: "claude-sonnet-4-6",
  OPENAI: "gpt-5-mini",
  GEMINI: "gemini-2.5-flash",
  GITHUB_COPILOT: "gpt-5.4",
} as const;

function openCodeInput(
  provider: AgentRunInput["provider"],
  secret: string,
  overrides: Partial<AgentRunInput> = {},
): AgentRunInput {
  return {
    messageId: randomUUID(),
    kind: "OPENCODE",
    attempt: 1,
    text: `question ${randomUUID()} about things`,
    provider,
    model: MODELS[provider],
    credential: { kind: "API_KEY", secret },
    baseUrls: {
      ANTHROPIC: fake.baseUrls.anthropic,
      OPENAI: fake.baseUrls.openai,
      GEMINI: fake.baseUrls.gemini,
      GITHUB_COPILOT: fake.baseUrls.githubCopilot,
    },
    maxCalls: null,
    timeLimitMs: 120_000,
    ...overrides,
  };
}

async function runOpenCode(
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
    passEnv: tls.env,
  });
  return { outcome, events, logs };
}

const textOf = (events: AgentEvent[]): string =>
  events.flatMap((event) => (event.type === "text" ? [event.delta] : [])).join("");

const usageEvents = (events: AgentEvent[]) => events.filter((event) => event.type === "usage");

/** The token classes of our usage events, to hold against what the fake reported per call. */
const classesOf = (events: AgentEvent[]) =>
  usageEvents(events).map((event) => ({
    inputTokens: event.inputTokens,
    outputTokens: event.outputTokens,
    cacheReadTokens: event.cacheReadTokens,
    cacheWriteTokens: event.cacheWriteTokens,
    reasoningTokens: event.reasoningTokens,
  }));

const callsWith = (key: string): RecordedCall[] => fake.calls().filter((call) => call.key === key);

const freshKey = (provider: "ANTHROPIC" | "OPENAI" | "GEMINI"): string => {
  const key = newKey(provider);
  fake.addKey(key);
  return key;
};

const savedSession = async (workspace: string): Promise<unknown> =>
  JSON.parse(await readFile(join(workspace, ".agentry/cli/opencode/state.json"), "utf8"));

async function expectNoSecretLeft(workspace: string, secrets: readonly string[]): Promise<void> {
  const files = await readAllFiles(workspace);
  expect(files.size).toBeGreaterThan(0);
  for (const content of files.values()) {
    for (const secret of secrets) expect(content).not.toContain(secret);
  }
  // Every run's HOME (auth.json with it) is gone.
  const left = await readdir(runHomes);
  expect(left.filter((name) => name.startsWith("agentry-home-"))).toEqual([]);
}

const ACCOUNT_ID = `acct-${randomUUID()}`;
const CLAIMS = { "https://api.openai.com/auth": { chatgpt_account_id: ACCOUNT_ID } };

/** Codex's auth.json for a ChatGPT sign-in whose access token expires `expiresIn` s from now. */
function chatGptSignIn(expiresIn: number) {
  const now = Math.floor(Date.now() / 1000);
  const accessToken = fakeJwt({ exp: now + expiresIn, ...CLAIMS, jti: randomUUID() });
  const refreshToken = `rt_${randomUUID().replaceAll("-", "")}`;
  const idToken = fakeJwt({ email: "dev@example.com", exp: now + expiresIn, ...CLAIMS });
  const secret = JSON.stringify({
    auth_mode: "chatgpt",
    OPENAI_API_KEY: null,
    tokens: {
      id_token: idToken,
      access_token: accessToken,
      refresh_token: refreshToken,
      account_id: ACCOUNT_ID,
    },
    last_refresh: new Date().toISOString(),
  });
  return { secret, accessToken, refreshToken, idToken };
}

describe("OpenCode runner (real opencode CLI, fake provider)", { timeout: 600_000 }, () => {
  it("holds a two-message conversation: replies as text, history resent, usage as the fake counted it, no title call", async () => {
    const workspace = await tempWorkspace();
    const key = freshKey("ANTHROPIC");
    try {
      const first = openCodeInput("ANTHROPIC", key);
      // Words with spaces, quotes, a leading dash and a number reach the model as written.
      const second = openCodeInput("ANTHROPIC", key, {
        text: `-42 "quoted" ${randomUUID()}\n  second line`,
      });

      const one = await runOpenCode(first, workspace.path);
      expect(one.outcome).toBe("done");
      expect(textOf(one.events)).toBe(`Echo: ${first.text}`);
      const session = await savedSession(workspace.path);
      const two = await runOpenCode(second, workspace.path);
      expect(two.outcome).toBe("done");
      expect(two.events.at(-1)).toEqual({ type: "done" });

      const calls = callsWith(key);
      // One call per message: OpenCode's title-generation call is not made.
      expect(calls.map((call) => [call.prompt, call.status])).toEqual([
        [first.text, 200],
        [second.text, 200],
      ]);
      expect(textOf(two.events)).toBe(`Echo: ${second.text.trim()}`);
      // The second call carries the first question and answer: the session was continued.
      const history = JSON.stringify(calls[1]?.body);
      expect(history).toContain(first.text);
      expect(history).toContain(`Echo: ${first.text}`);
      expect(await savedSession(workspace.path)).toEqual(session);

      // Each run reports its own call, every class as the fake counted it (cache included).
      expect(classesOf(one.events)).toEqual([calls[0]?.usage]);
      expect(classesOf(two.events)).toEqual([calls[1]?.usage]);
      expect(calls[0]?.usage?.cacheWriteTokens).toBeGreaterThan(0);
      for (const usage of [...usageEvents(one.events), ...usageEvents(two.events)]) {
        expect(usage).toMatchObject({
          callIndex: 0,
          provider: "ANTHROPIC",
          model: MODELS.ANTHROPIC,
        });
        expect(usage.reportedCostUsd).toBeGreaterThan(0);
      }
      await expectNoSecretLeft(workspace.path, [key]);
    } finally {
      await workspace.remove();
    }
  });

  it("runs the model's command without asking, as a tool event, with one usage event per call", async () => {
    const workspace = await tempWorkspace();
    const key = freshKey("OPENAI");
    try {
      fake.script({
        provider: "OPENAI",
        api: "responses",
        toolCall: {
          name: "bash",
          arguments: { command: "env > command-env.txt", description: "Save the environment" },
        },
      });
      const { outcome, events } = await runOpenCode(openCodeInput("OPENAI", key), workspace.path);

      expect(outcome).toBe("done");
      expect(events.filter((event) => event.type === "tool")).toEqual([
        expect.objectContaining({ type: "tool", name: "bash" }),
      ]);
      const env = await readFile(join(workspace.path, "command-env.txt"), "utf8");
      expect(env).toContain("PATH=");
      const calls = callsWith(key);
      expect(calls).toHaveLength(2);
      expect(classesOf(events)).toEqual(calls.map((call) => call.usage));
      expect(usageEvents(events).map((event) => event.callIndex)).toEqual([0, 1]);
      expect(calls[0]?.usage?.reasoningTokens).toBeGreaterThan(0);

      // A budget of one call: OpenCode is stopped once the call asking for a tool has ended.
      fake.script({
        provider: "OPENAI",
        api: "responses",
        toolCall: { name: "bash", arguments: { command: "true", description: "Nothing" } },
      });
      const capped = await runOpenCode(
        openCodeInput("OPENAI", key, { maxCalls: 1 }),
        workspace.path,
      );
      expect(capped.outcome).toBe("done");
      expect(capped.events.at(-1)).toEqual({ type: "done", stopReason: "max_calls" });
      expect(classesOf(capped.events)).toEqual([callsWith(key)[2]?.usage]);
      // The key is in auth.json only: not in the environment of what OpenCode runs.
      await expectNoSecretLeft(workspace.path, [key]);
    } finally {
      await workspace.remove();
    }
  });

  it("uses a Gemini key, and reports a refused one as INVALID_API_KEY", async () => {
    const workspace = await tempWorkspace();
    const key = freshKey("GEMINI");
    try {
      const ok = await runOpenCode(openCodeInput("GEMINI", key), workspace.path);
      expect(ok.outcome).toBe("done");
      const [call] = callsWith(key);
      expect(call).toMatchObject({ provider: "GEMINI", auth: "x-goog-api-key", status: 200 });
      expect(classesOf(ok.events)).toEqual([call?.usage]);

      fake.removeKey(key);
      const refused = await runOpenCode(openCodeInput("GEMINI", key), workspace.path);
      expect(refused.outcome).toBe("error");
      expect(refused.events.at(-1)).toMatchObject({
        type: "error",
        code: "INVALID_API_KEY",
        status: 400,
      });
      expect(JSON.stringify(refused.events)).not.toContain(key);
    } finally {
      await workspace.remove();
    }
  });

  it("reports a rate limit as RATE_LIMITED once OpenCode stops retrying", async () => {
    const workspace = await tempWorkspace();
    const key = freshKey("OPENAI");
    try {
      fake.failNext(20, 429);
      const { outcome, events } = await runOpenCode(openCodeInput("OPENAI", key), workspace.path);
      fake.reset();
      expect(outcome).toBe("error");
      expect(events.at(-1)).toMatchObject({ type: "error", code: "RATE_LIMITED", status: 429 });
    } finally {
      await workspace.remove();
    }
  });

  it("signs in to ChatGPT with Codex's auth.json, refreshes it when expired and hands back the new auth.json", async () => {
    const workspace = await tempWorkspace();
    try {
      // A valid access token: sent as is, with the account id.
      const valid = chatGptSignIn(3600);
      fake.addKey(valid.accessToken);
      const signedIn = openCodeInput("OPENAI", "", {
        model: "gpt-5.4",
        credential: { kind: "SUBSCRIPTION", secret: valid.secret },
      });
      const one = await runOpenCode(signedIn, workspace.path);
      expect(one.outcome).toBe("done");
      expect(callsWith(valid.accessToken)).toMatchObject([{ provider: "OPENAI", status: 200 }]);
      expect(one.events.some((event) => event.type === "credential")).toBe(false);

      // An expired one: OpenCode refreshes it at auth.openai.com (rotating the refresh token).
      const expired = chatGptSignIn(-60);
      fake.addRefreshToken(expired.refreshToken, { claims: CLAIMS });
      const two = await runOpenCode(
        {
          ...signedIn,
          messageId: randomUUID(),
          credential: { kind: "SUBSCRIPTION", secret: expired.secret },
        },
        workspace.path,
      );
      expect(two.outcome).toBe("done");
      const [refresh] = fake
        .tokenRefreshes()
        .filter((entry) => entry.refreshToken === expired.refreshToken);
      expect(refresh).toMatchObject({ status: 200 });
      expect(callsWith(refresh?.accessToken ?? "")).toHaveLength(1);
      const handedBack = two.events.filter((event) => event.type === "credential");
      expect(handedBack).toHaveLength(1);
      // The same form as stored: Codex's auth.json, new tokens, other fields kept.
      const stored: unknown = JSON.parse(
        handedBack[0]?.type === "credential" ? handedBack[0].secret : "",
      );
      expect(stored).toMatchObject({
        auth_mode: "chatgpt",
        tokens: {
          access_token: refresh?.accessToken,
          refresh_token: refresh?.newRefreshToken,
          id_token: expired.idToken,
          account_id: ACCOUNT_ID,
        },
      });
      expect(two.events.indexOf(handedBack[0] as AgentEvent)).toBeLessThan(two.events.length - 1);

      // A refused access token: AUTHENTICATION_FAILED, saying how to sign in again.
      const refused = await runOpenCode(
        {
          ...signedIn,
          messageId: randomUUID(),
          credential: { kind: "SUBSCRIPTION", secret: chatGptSignIn(3600).secret },
        },
        workspace.path,
      );
      expect(refused.events.at(-1)).toMatchObject({
        type: "error",
        code: "AUTHENTICATION_FAILED",
        status: 401,
        message: expect.stringContaining("codex login --device-auth") as unknown,
      });
      // An expired one whose refresh token is refused (e.g. used before): the same.
      const stale = await runOpenCode(
        {
          ...signedIn,
          messageId: randomUUID(),
          credential: { kind: "SUBSCRIPTION", secret: chatGptSignIn(-60).secret },
        },
        workspace.path,
      );
      expect(stale.events).toEqual([
        {
          type: "error",
          code: "AUTHENTICATION_FAILED",
          message: expect.stringContaining("codex login --device-auth") as unknown,
        },
      ]);
      await expectNoSecretLeft(workspace.path, [
        valid.accessToken,
        valid.refreshToken,
        expired.refreshToken,
        refresh?.accessToken ?? "missing",
        refresh?.newRefreshToken ?? "missing",
      ]);
    } finally {
      await workspace.remove();
    }
  });

  it("uses a GitHub token with Copilot, finding Copilot's API at the GitHub API address", async () => {
    const workspace = await tempWorkspace();
    const token = `gho_${randomUUID().replaceAll("-", "")}`;
    fake.addKey(token);
    try {
      const { outcome, events } = await runOpenCode(
        openCodeInput("GITHUB_COPILOT", token, {
          credential: { kind: "SUBSCRIPTION", secret: token },
        }),
        workspace.path,
      );
      expect(outcome).toBe("done");
      const calls = callsWith(token);
      expect(calls).toMatchObject([{ provider: "GITHUB_COPILOT", auth: "bearer", status: 200 }]);
      expect(classesOf(events)).toEqual([calls[0]?.usage]);
      await expectNoSecretLeft(workspace.path, [token]);
    } finally {
      await workspace.remove();
    }
  });

  it("refuses a Claude subscription before any call: OpenCode takes an Anthropic API key", async () => {
    const workspace = await tempWorkspace();
    try {
      const before = fake.calls().length;
      const token = `sk-ant-oat01-${randomUUID().replaceAll("-", "")}`;
      const { outcome, events } = await runOpenCode(
        openCodeInput("ANTHROPIC", token, { credential: { kind: "SUBSCRIPTION", secret: token } }),
        workspace.path,
      );
      expect(outcome).toBe("error");
      expect(events).toEqual([
        {
          type: "error",
          code: "AUTHENTICATION_FAILED",
          message: expect.stringContaining("Anthropic API key") as unknown,
        },
      ]);
      expect(fake.calls()).toHaveLength(before);
    } finally {
      await workspace.remove();
    }
  });

  it("starts a new session when the saved one is gone", async () => {
    const workspace = await tempWorkspace();
    const key = freshKey("ANTHROPIC");
    try {
      const state = join(workspace.path, ".agentry/cli/opencode");
      await mkdir(state, { recursive: true });
      await writeFile(
        join(state, "state.json"),
        JSON.stringify({ sessionId: "ses_0000000000000000000000gone" }),
      );
      const input = openCodeInput("ANTHROPIC", key);
      const { outcome, events, logs } = await runOpenCode(input, workspace.path);

      expect(outcome).toBe("done");
      expect(textOf(events)).toBe(`Echo: ${input.text}`);
      expect(logs.join("\n")).toContain("is gone; starting a new one");
      expect(await savedSession(workspace.path)).not.toEqual({
        sessionId: "ses_0000000000000000000000gone",
      });
    } finally {
      await workspace.remove();
    }
  });

  it("stops a run at its time limit with AGENT_FAILED naming the limit", async () => {
    const workspace = await tempWorkspace();
    const key = freshKey("ANTHROPIC");
    const held = fake.hold({ provider: "ANTHROPIC" });
    try {
      const { outcome, events } = await runOpenCode(
        openCodeInput("ANTHROPIC", key, { timeLimitMs: 20_000 }),
        workspace.path,
      );
      expect(outcome).toBe("error");
      expect(events.at(-1)).toEqual({
        type: "error",
        code: "AGENT_FAILED",
        message: "OpenCode did not finish within 20 s",
      });
    } finally {
      held.release();
      await workspace.remove();
    }
  });

  it("fails cleanly when the CLI prints garbage or exits without a result", async () => {
    const workspace = await tempWorkspace();
    const standIn = await mkdtemp(join(tmpdir(), "opencode-stand-in-"));
    try {
      const script = join(standIn, "opencode");
      await writeFile(script, '#!/bin/sh\necho "not json"\necho \'{"type":"mystery"}\'\nexit 0\n');
      await chmod(script, 0o755);
      const garbage = await runOpenCode(
        openCodeInput("ANTHROPIC", newKey("ANTHROPIC")),
        workspace.path,
        standIn,
      );
      expect(garbage.events).toEqual([
        {
          type: "error",
          code: "AGENT_FAILED",
          message: "OpenCode exited without a result (exit code 0)",
        },
      ]);

      await writeFile(script, "#!/bin/sh\necho boom >&2\nexit 3\n");
      const crashed = await runOpenCode(
        openCodeInput("ANTHROPIC", newKey("ANTHROPIC")),
        workspace.path,
        standIn,
      );
      expect(crashed.events).toEqual([
        {
          type: "error",
          code: "AGENT_FAILED",
          message: "OpenCode exited without a result (exit code 3)",
        },
      ]);
      expect(crashed.logs.join("\n")).toContain("boom");
    } finally {
      await rm(standIn, { recursive: true, force: true });
      await workspace.remove();
    }
  });
});
