import { randomUUID } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AgentEvent, AgentRunInput } from "@agentry/core";
import { runMessage, type RunOutcome } from "../../src/run.js";
import type { StubProvider } from "./stub-provider.js";

export const MODELS: Record<StubProvider, string> = {
  ANTHROPIC: "claude-sonnet-4-6",
  OPENAI: "gpt-4.1-mini",
  GEMINI: "gemini-2.5-flash",
};

/** A fresh key per test, shaped like the provider's own. */
export function newKey(provider: StubProvider): string {
  const random = randomUUID().replaceAll("-", "");
  if (provider === "ANTHROPIC") return `sk-ant-api03-${random}`;
  if (provider === "OPENAI") return `sk-proj-${random}`;
  return `AIzaSy${random}`;
}

export function baseUrls(url: string): AgentRunInput["baseUrls"] {
  return { ANTHROPIC: url, OPENAI: `${url}/v1`, GEMINI: url };
}

export function runInput(
  provider: StubProvider,
  secret: string,
  url: string,
  overrides: Partial<AgentRunInput> = {},
): AgentRunInput {
  return {
    messageId: randomUUID(),
    attempt: 1,
    text: `question ${randomUUID()}`,
    provider,
    model: MODELS[provider],
    credential: { kind: "API_KEY", secret },
    baseUrls: baseUrls(url),
    maxCalls: null,
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
