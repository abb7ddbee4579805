import { randomUUID } from "node:crypto";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentEvent, AgentRunInput } from "@agentry/core/protocol";
import { startFakeProvider, type FakeProvider, type FakeUsage } from "@agentry/fake-provider";
import { runMessage, type RunOutcome } from "../../src/run.js";
import { cliBinDir } from "../support/clis.js";
import { newKey, readAllFiles, tempWorkspace } from "../support/run-helpers.js";

// The real `gemini` CLI against the fake provider, through a pass-through proxy that keeps the
// request bodies (to see the history a resumed session sends).

const MODEL = "gemini-2.5-flash";

let fake: FakeProvider;
let bin: string;
let runHomes: string;
let previousTmpdir: string | undefined;
let proxy: { url: string; bodies: string[]; close: () => Promise<void> };
const apiKey = newKey("GEMINI");

beforeAll(async () => {
  bin = await cliBinDir();
  fake = await startFakeProvider({ keys: [apiKey] });
  proxy = await startBodyRecorder(fake.url);
  // Run homes are made under the system temporary directory: a private one shows what is left.
  runHomes = await mkdtemp(join(tmpdir(), "agentry-gemini-test-"));
  previousTmpdir = process.env["TMPDIR"];
  process.env["TMPDIR"] = runHomes;
}, 120_000); // the first use of the pinned CLIs may install them

afterAll(async () => {
  if (previousTmpdir === undefined) delete process.env["TMPDIR"];
  else process.env["TMPDIR"] = previousTmpdir;
  await proxy.close();
  await fake.close();
  await rm(runHomes, { recursive: true, force: true });
});

/** Forwards everything to `target` and keeps each request body. */
async function startBodyRecorder(target: string): Promise<typeof proxy> {
  const origin = new URL(target);
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => {
      const body = Buffer.concat(parts);
      bodies.push(body.toString("utf8"));
      const upstream = request(
        {
          host: origin.hostname,
          port: origin.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on("error", () => {
        res.destroy();
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

interface Recorded {
  outcome: RunOutcome;
  events: AgentEvent[];
  logs: string[];
}

function geminiInput(secret: string, overrides: Partial<AgentRunInput> = {}): AgentRunInput {
  return {
    messageId: randomUUID(),
    kind: "GEMINI_CLI",
    attempt: 1,
    text: `question ${randomUUID()} about things`,
    provider: "GEMINI",
    model: MODEL,
    credential: { kind: "API_KEY", secret },
    baseUrls: { GEMINI: proxy.url },
    maxCalls: null,
    timeLimitMs: 60_000,
    ...overrides,
  };
}

async function runGemini(input: AgentRunInput, workspace: string, binDir = bin): Promise<Recorded> {
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

const usageOf = (events: AgentEvent[]) => events.filter((event) => event.type === "usage");

const terminal = (events: AgentEvent[]) =>
  events.filter((event) => event.type === "done" || event.type === "error");

/** The fake's calls whose last user message ends with `text` (the CLI sends context before it). */
const callsFor = (text: string) =>
  fake.calls({ provider: "GEMINI" }).filter((call) => call.prompt.endsWith(text));

/** What a usage event must hold for a call the fake answered with `usage`. */
const expectedUsage = (usage: FakeUsage | null, callIndex: number) => ({
  type: "usage",
  callIndex,
  provider: "GEMINI",
  model: MODEL,
  inputTokens: usage?.inputTokens,
  outputTokens: usage?.outputTokens,
  cacheReadTokens: usage?.cacheReadTokens,
  cacheWriteTokens: 0,
  reasoningTokens: usage?.reasoningTokens,
});

async function expectNoSecretLeft(workspace: string, secret: string): Promise<void> {
  const files = await readAllFiles(workspace);
  expect(files.size).toBeGreaterThan(0);
  for (const content of files.values()) expect(content).not.toContain(secret);
  // Every run's HOME and TMPDIR (the CLI's error reports) are gone.
  const left = await readdir(runHomes);
  expect(left.filter((name) => name.startsWith("agentry-home-"))).toEqual([]);
}

/** A temporary bin directory whose `gemini` is the given shell script. */
async function standIn(script: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "agentry-gemini-standin-"));
  await writeFile(join(dir, "gemini"), `#!/bin/sh\n${script}\n`);
  await chmod(join(dir, "gemini"), 0o755);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

describe("Gemini CLI runner (real gemini CLI, fake provider)", { timeout: 90_000 }, () => {
  it("holds a two-message conversation: streamed replies, history resent, each run's own usage", async () => {
    const workspace = await tempWorkspace();
    try {
      const first = geminiInput(apiKey);
      const second = geminiInput(apiKey);
      // Every class non-zero on the wire: prompt 30 with 10 cached, 6 candidates + 2 thoughts.
      fake.script({
        provider: "GEMINI",
        usage: { inputTokens: 20, cacheReadTokens: 10, outputTokens: 8, reasoningTokens: 2 },
      });
      fake.script({
        provider: "GEMINI",
        usage: { inputTokens: 41, cacheReadTokens: 7, outputTokens: 13, reasoningTokens: 5 },
      });

      const one = await runGemini(first, workspace.path);
      expect(terminal(one.events)).toEqual([{ type: "done" }]);
      expect(one.outcome).toBe("done");
      const [firstCall] = callsFor(first.text);
      expect(callsFor(first.text)).toHaveLength(1);
      // The reply arrived as several deltas that add up to what the fake answered.
      expect(one.events.filter((event) => event.type === "text").length).toBeGreaterThan(1);
      expect(textOf(one.events)).toBe(firstCall?.text);
      expect(usageOf(one.events)).toEqual([expectedUsage(firstCall?.usage ?? null, 0)]);

      const two = await runGemini(second, workspace.path);
      expect(terminal(two.events)).toEqual([{ type: "done" }]);
      const [secondCall] = callsFor(second.text);
      expect(callsFor(second.text)).toHaveLength(1);
      expect(textOf(two.events)).toBe(secondCall?.text);
      // Only the second run's call: the first one is not counted again.
      expect(usageOf(two.events)).toEqual([expectedUsage(secondCall?.usage ?? null, 0)]);

      // The resumed session resent the first turn: question and answer.
      const secondBody = proxy.bodies.find((body) => body.includes(second.text)) ?? "";
      expect(secondBody).toContain(first.text);
      expect(secondBody).toContain(JSON.stringify(firstCall?.text).slice(1, -1));

      // Each call carried the key, the way the Gemini API takes it.
      expect([firstCall, secondCall]).toMatchObject([
        { key: apiKey, auth: "x-goog-api-key", model: MODEL },
        { key: apiKey, auth: "x-goog-api-key", model: MODEL },
      ]);

      const state: unknown = JSON.parse(
        await readFile(join(workspace.path, ".agentry/cli/gemini/state.json"), "utf8"),
      );
      expect(state).toEqual({ sessionId: expect.any(String) as unknown });
      await expectNoSecretLeft(workspace.path, apiKey);
    } finally {
      await workspace.remove();
    }
  });

  it("runs the model's tool calls without asking, with one usage event per provider call", async () => {
    const workspace = await tempWorkspace();
    try {
      const input = geminiInput(apiKey);
      const callsBefore = fake.calls({ provider: "GEMINI" }).length;
      fake.script(
        {
          provider: "GEMINI",
          toolCall: {
            name: "write_file",
            arguments: { file_path: "notes.txt", content: "written by the agent" },
          },
          usage: { inputTokens: 25, cacheReadTokens: 5, outputTokens: 9, reasoningTokens: 4 },
        },
        {
          provider: "GEMINI",
          text: "I wrote notes.txt.",
          usage: { inputTokens: 33, cacheReadTokens: 6, outputTokens: 7, reasoningTokens: 3 },
        },
      );

      const result = await runGemini(input, workspace.path);

      expect(terminal(result.events)).toEqual([{ type: "done" }]);
      // Headless, nobody could have approved the write: the tool ran on its own.
      expect(await readFile(join(workspace.path, "notes.txt"), "utf8")).toBe(
        "written by the agent",
      );
      expect(result.events.filter((event) => event.type === "tool")).toEqual([
        {
          type: "tool",
          name: "write_file",
          detail: JSON.stringify({ file_path: "notes.txt", content: "written by the agent" }),
        },
      ]);
      expect(textOf(result.events)).toBe("I wrote notes.txt.");
      const calls = fake.calls({ provider: "GEMINI" }).slice(callsBefore);
      expect(calls).toHaveLength(2);
      expect(usageOf(result.events)).toEqual(
        calls.map((call, index) => expectedUsage(call.usage, index)),
      );
    } finally {
      await workspace.remove();
    }
  });

  it("starts a new session when the saved one is gone", async () => {
    const workspace = await tempWorkspace();
    try {
      const stateDir = join(workspace.path, ".agentry/cli/gemini");
      await mkdir(stateDir, { recursive: true });
      const lost = randomUUID();
      await writeFile(join(stateDir, "state.json"), JSON.stringify({ sessionId: lost }));
      const input = geminiInput(apiKey);

      const result = await runGemini(input, workspace.path);

      expect(terminal(result.events)).toEqual([{ type: "done" }]);
      const [call] = callsFor(input.text);
      expect(textOf(result.events)).toBe(call?.text);
      expect(usageOf(result.events)).toEqual([expectedUsage(call?.usage ?? null, 0)]);
      const state = JSON.parse(await readFile(join(stateDir, "state.json"), "utf8")) as {
        sessionId: string;
      };
      expect(state.sessionId).not.toBe(lost);
    } finally {
      await workspace.remove();
    }
  });

  it("answers a key Gemini refuses with INVALID_API_KEY, without the key in the message", async () => {
    const workspace = await tempWorkspace();
    const refused = newKey("GEMINI");
    try {
      const input = geminiInput(refused);
      const result = await runGemini(input, workspace.path);

      expect(result.outcome).toBe("error");
      const events = terminal(result.events);
      expect(events).toMatchObject([{ type: "error", code: "INVALID_API_KEY", status: 400 }]);
      expect(JSON.stringify(events)).toContain("API key not valid");
      expect(JSON.stringify(result.events)).not.toContain(refused);
      expect(result.logs.join("\n")).not.toContain(refused);
      // Refused before its body was read: the key tells the call apart.
      expect(fake.calls().filter((call) => call.key === refused)).toMatchObject([
        { status: 400, auth: "x-goog-api-key" },
      ]);
      await expectNoSecretLeft(workspace.path, refused);
    } finally {
      await workspace.remove();
    }
  });

  it.each([
    { status: 429, code: "RATE_LIMITED" },
    { status: 400, code: "AGENT_FAILED" },
  ])("answers a provider's $status with $code", async ({ status, code }) => {
    const workspace = await tempWorkspace();
    try {
      fake.failNext(1, status);
      const input = geminiInput(apiKey);
      const result = await runGemini(input, workspace.path);

      expect(terminal(result.events)).toMatchObject([{ type: "error", code, status }]);
      expect(usageOf(result.events)).toEqual([]);
      expect(callsFor(input.text)).toMatchObject([{ status }]);
    } finally {
      await workspace.remove();
    }
  });

  it("stops a run that outlives its time limit with AGENT_FAILED naming the limit", async () => {
    const workspace = await tempWorkspace();
    const held = fake.hold({ provider: "GEMINI" });
    try {
      const result = await runGemini(geminiInput(apiKey, { timeLimitMs: 9_000 }), workspace.path);

      expect(terminal(result.events)).toEqual([
        { type: "error", code: "AGENT_FAILED", message: "Gemini CLI did not finish within 9 s" },
      ]);
      await expectNoSecretLeft(workspace.path, apiKey);
    } finally {
      held.release();
      await workspace.remove();
    }
  });

  it.each([
    { kind: "SUBSCRIPTION", provider: "GEMINI", says: "takes an API key" },
    { kind: "API_KEY", provider: "ANTHROPIC", says: "Gemini models only" },
  ] as const)(
    "refuses a $kind credential for $provider before any call",
    async ({ kind, provider, says }) => {
      const workspace = await tempWorkspace();
      try {
        const before = fake.calls().length;
        const input = geminiInput(apiKey, { credential: { kind, secret: apiKey }, provider });
        const result = await runGemini(input, workspace.path);

        expect(result.events).toMatchObject([{ type: "error", code: "AGENT_FAILED" }]);
        expect(JSON.stringify(result.events)).toContain(says);
        expect(fake.calls()).toHaveLength(before);
      } finally {
        await workspace.remove();
      }
    },
  );

  it.each([
    {
      what: "garbage and exits 0",
      script: 'echo "not json"; echo "{broken"; exit 0',
      message: "Gemini CLI exited with code 0 without a result",
    },
    {
      what: "nothing and exits 3",
      script: "echo oops >&2; exit 3",
      message: "Gemini CLI exited with code 3 without a result",
    },
    {
      what: "a configuration error",
      script: "echo 'Invalid configuration' >&2; exit 52",
      message:
        "Gemini CLI exited with code 52 (configuration error, e.g. in the workspace's .gemini/settings.json) without a result",
    },
  ])("fails a CLI that prints $what with AGENT_FAILED", async ({ script, message }) => {
    const workspace = await tempWorkspace();
    const fakeBin = await standIn(script);
    try {
      const result = await runGemini(geminiInput(apiKey), workspace.path, fakeBin.dir);

      expect(result.outcome).toBe("error");
      expect(result.events).toEqual([{ type: "error", code: "AGENT_FAILED", message }]);
      // The stand-in's stderr reaches the log, for diagnosis.
      expect(result.logs.join("\n")).toContain("exited with code");
    } finally {
      await fakeBin.remove();
      await workspace.remove();
    }
  });
});
