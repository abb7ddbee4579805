import { randomUUID } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AgentEvent, AgentRunInput } from "@agentry/core/protocol";
import type { FakeProvider, FakeProviderName } from "@agentry/fake-provider";
import { runMessage, type RunOutcome } from "../../src/run.js";

export const PROVIDERS: readonly FakeProviderName[] = ["ANTHROPIC", "OPENAI", "GEMINI"];

/** Reasoning models where the fake reports reasoning, so every usage class is exercised. */
export const MODELS: Record<FakeProviderName, string> = {
  ANTHROPIC: "claude-sonnet-4-6",
  OPENAI: "gpt-5-mini",
  GEMINI: "gemini-2.5-flash",
};

/** A fresh key per test, shaped like the provider's own. */
export function newKey(provider: FakeProviderName): string {
  const random = randomUUID().replaceAll("-", "");
  if (provider === "ANTHROPIC") return `sk-ant-api03-${random}`;
  if (provider === "OPENAI") return `sk-proj-${random}`;
  return `AIzaSy${random}`;
}

export function newSubscriptionToken(): string {
  return `sk-ant-oat01-${randomUUID().replaceAll("-", "")}`;
}

export function runInput(
  provider: FakeProviderName,
  secret: string,
  fake: FakeProvider,
  overrides: Partial<AgentRunInput> = {},
): AgentRunInput {
  return {
    messageId: randomUUID(),
    attempt: 1,
    // Unique words, so the fake's recorded calls can be told apart.
    text: `question ${randomUUID()} about things`,
    provider,
    model: MODELS[provider],
    credential: { kind: "API_KEY", secret },
    baseUrls: {
      ANTHROPIC: fake.baseUrls.anthropic,
      OPENAI: fake.baseUrls.openai,
      GEMINI: fake.baseUrls.gemini,
    },
    maxCalls: null,
    kind: "CHAT",
    timeLimitMs: 60_000,
    ...overrides,
  };
}

export async function tempWorkspace(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), "agentry-agent-test-"));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export interface Recorded {
  outcome: RunOutcome;
  events: AgentEvent[];
  logs: string[];
}

export async function run(
  input: AgentRunInput,
  workspace: string,
  timeoutMs = 20_000,
): Promise<Recorded> {
  const events: AgentEvent[] = [];
  const logs: string[] = [];
  const outcome = await runMessage(input, {
    workspace,
    emit: (event) => events.push(event),
    log: (line) => logs.push(line),
    timeoutMs,
  });
  return { outcome, events, logs };
}

/** Every file under `dir`, with its content (to prove the secret is in none of them). */
export async function readAllFiles(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      files.set(path, await readFile(path, "utf8"));
    }
  }
  return files;
}

/** The words the fake counts; its prompt is 10 + 3 × the words of every text in the request. */
export function promptTokensFor(...texts: string[]): number {
  const words = texts.reduce((sum, text) => sum + text.split(/\s+/).filter(Boolean).length, 0);
  return 10 + 3 * words;
}
