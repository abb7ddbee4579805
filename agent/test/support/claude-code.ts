import { randomUUID } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import type { AgentEvent, AgentRunInput } from "@agentry/core/protocol";
import {
  startFakeProvider,
  startTlsProxy,
  type FakeProvider,
  type FakeUsage,
  type RecordedCall,
  type TlsProxy,
} from "@agentry/fake-provider";
import { runMessage, type RunOutcome } from "../../src/run.js";
import { cliBinDir } from "./clis.js";
import { startRecordingProxy, type RecordingProxy } from "./recording-proxy.js";
import { newKey, readAllFiles } from "./run-helpers.js";

// What the Claude Code runner's tests share.

export const MODEL = "claude-sonnet-4-6";
// Claude Code's list prices for this model, per token: input, output, cache read, cache write.
const PRICE = { input: 3e-6, output: 15e-6, cacheRead: 0.3e-6, cacheWrite: 3.75e-6 };

export interface Recorded {
  outcome: RunOutcome;
  events: AgentEvent[];
  logs: string[];
}

export function claudeInput(secret: string, overrides: Partial<AgentRunInput> = {}): AgentRunInput {
  return {
    messageId: randomUUID(),
    kind: "CLAUDE_CODE",
    attempt: 1,
    text: `question ${randomUUID()} about things`,
    provider: "ANTHROPIC",
    model: MODEL,
    credential: { kind: "API_KEY", secret },
    baseUrls: {},
    maxCalls: null,
    timeLimitMs: 60_000,
    ...overrides,
  };
}

export async function runClaude(
  input: AgentRunInput,
  workspace: string,
  options: { binDir: string; passEnv?: Record<string, string> },
): Promise<Recorded> {
  const events: AgentEvent[] = [];
  const logs: string[] = [];
  const outcome = await runMessage(input, {
    workspace,
    emit: (event) => events.push(event),
    log: (line) => logs.push(line),
    cliBinDir: options.binDir,
    passEnv: options.passEnv ?? {},
  });
  return { outcome, events, logs };
}

export const textOf = (events: AgentEvent[]): string =>
  events.flatMap((event) => (event.type === "text" ? [event.delta] : [])).join("");

export const usageEvents = (events: AgentEvent[]) =>
  events.flatMap((event) => (event.type === "usage" ? [event] : []));

export const tokens = (usage: FakeUsage | null) => ({
  inputTokens: usage?.inputTokens,
  outputTokens: usage?.outputTokens,
  cacheReadTokens: usage?.cacheReadTokens,
  cacheWriteTokens: usage?.cacheWriteTokens,
  reasoningTokens: usage?.reasoningTokens,
});

/** What Claude Code charges for these tokens (its list price). */
export const listCost = (usage: FakeUsage): number =>
  usage.inputTokens * PRICE.input +
  usage.outputTokens * PRICE.output +
  usage.cacheReadTokens * PRICE.cacheRead +
  usage.cacheWriteTokens * PRICE.cacheWrite;

/**
 * Makes the system's temporary directory (where run homes go) a private one for the tests, so
 * what runs leave behind can be seen. Returns it, and a function that puts things back.
 */
export async function privateTmpdir(): Promise<{ path: string; restore: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), "agentry-claude-code-test-"));
  const previous = process.env["TMPDIR"];
  process.env["TMPDIR"] = path;
  return {
    path,
    restore: async () => {
      if (previous === undefined) delete process.env["TMPDIR"];
      else process.env["TMPDIR"] = previous;
      await rm(path, { recursive: true, force: true });
    },
  };
}

/** No file in the workspace holds a secret, and every run's HOME is gone from `runHomes`. */
export async function expectNoSecretLeft(
  workspace: string,
  runHomes: string,
  secrets: readonly string[],
): Promise<void> {
  const files = await readAllFiles(workspace);
  expect(files.size).toBeGreaterThan(0);
  for (const content of files.values()) {
    for (const secret of secrets) expect(content).not.toContain(secret);
  }
  const left = await readdir(runHomes);
  expect(left.filter((name) => name.startsWith("agentry-home-"))).toEqual([]);
}

/** The real CLI's surroundings for a test file: the fake, its proxies, a private TMPDIR. */
export interface ClaudeHarness {
  readonly fake: FakeProvider;
  /** In front of the fake, keeping request bodies: the base URL runs get by default. */
  readonly recorder: RecordingProxy;
  /** Stands in for platform.claude.com and api.anthropic.com (give runs `tls.env`). */
  readonly tls: TlsProxy;
  /** A key the fake accepts. */
  readonly apiKey: string;
  input(secret: string, overrides?: Partial<AgentRunInput>): AgentRunInput;
  run(
    input: AgentRunInput,
    workspace: string,
    options?: { passEnv?: Record<string, string> },
  ): Promise<Recorded>;
  /** The fake's calls whose last user message ends with `text` (Claude Code puts context first). */
  callsFor(text: string): RecordedCall[];
  expectNoSecretLeft(workspace: string, secrets: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export async function startClaudeHarness(): Promise<ClaudeHarness> {
  const bin = await cliBinDir();
  const apiKey = newKey("ANTHROPIC");
  const fake = await startFakeProvider({ keys: [apiKey] });
  const recorder = await startRecordingProxy(fake.url);
  const tls = await startTlsProxy({
    target: fake.url,
    hosts: ["platform.claude.com", "api.anthropic.com"],
  });
  // Run homes are made under the system temporary directory: a private one shows what is left.
  const runHomes = await privateTmpdir();
  return {
    fake,
    recorder,
    tls,
    apiKey,
    input: (secret, overrides = {}) =>
      claudeInput(secret, { baseUrls: { ANTHROPIC: recorder.url }, ...overrides }),
    run: (input, workspace, options = {}) =>
      runClaude(input, workspace, { binDir: bin, ...options }),
    callsFor: (text) => fake.calls().filter((call) => call.prompt.endsWith(text)),
    expectNoSecretLeft: (workspace, secrets) =>
      expectNoSecretLeft(workspace, runHomes.path, secrets),
    close: async () => {
      await runHomes.restore();
      await tls.close();
      await recorder.close();
      await fake.close();
    },
  };
}
