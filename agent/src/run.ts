import { agentRunInputSchema, type AgentEvent, type AgentRunInput } from "@agentry/core/protocol";
import type { ProviderCall } from "./providers/provider.js";
import { RUNNERS } from "./runners/index.js";
import type { RunOutcome } from "./runners/runner.js";
import { scrub } from "./scrub.js";

export type { RunOutcome } from "./runners/runner.js";

/** Ten minutes: long answers from slow models stream for a while. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10 * 60 * 1000;

/** Where the image keeps the agent CLIs' executables. */
export const DEFAULT_CLI_BIN_DIR = "/opt/agentry/clis/node_modules/.bin";

export interface RunOptions {
  /** The agent's workspace; the conversation lives in `<workspace>/.agentry/`. */
  workspace: string;
  /** Receives every protocol event, in order. */
  emit: (event: AgentEvent) => void;
  /** Diagnostics (stderr in the CLI); already scrubbed of the credential. */
  log?: (line: string) => void;
  /** Per provider request (the chat agent). */
  timeoutMs?: number;
  /** Where the CLIs' executables are; default {@link DEFAULT_CLI_BIN_DIR}. */
  cliBinDir?: string;
  /** Proxy and CA variables passed through to CLIs (never secrets). */
  passEnv?: Readonly<Record<string, string>>;
  /** Replaces the provider SDK calls (not used by the CLI). */
  providerCalls?: Partial<Record<AgentRunInput["provider"], ProviderCall>>;
}

export type ParsedInput =
  { ok: true; input: AgentRunInput } | { ok: false; event: Extract<AgentEvent, { type: "error" }> };

/** Parses stdin's JSON; a failure names no field values (the input holds the credential). */
export function parseRunInput(raw: string): ParsedInput {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = undefined;
  }
  return parseRunInputValue(value);
}

/** Checks an already parsed input (a resident run's frame); a failure names no field values. */
export function parseRunInputValue(value: unknown): ParsedInput {
  const parsed = agentRunInputSchema.safeParse(value);
  if (parsed.success) return { ok: true, input: parsed.data };
  return {
    ok: false,
    event: { type: "error", code: "AGENT_FAILED", message: "invalid run input" },
  };
}

/**
 * Runs one message with the runner of the input's agent kind. Emits text deltas, usage per
 * provider call, and exactly one `done` or `error`. Never throws.
 */
export async function runMessage(input: AgentRunInput, options: RunOptions): Promise<RunOutcome> {
  const secrets = [input.credential.secret];
  const runner = RUNNERS[input.kind];
  let ended = false;
  const emit = (event: AgentEvent): void => {
    if (ended) return;
    if (event.type === "done" || event.type === "error") ended = true;
    options.emit(event);
  };
  try {
    return await runner(input, {
      workspace: options.workspace,
      emit,
      log: (line) => options.log?.(scrub(line, secrets)),
      requestTimeoutMs: options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      cliBinDir: options.cliBinDir ?? DEFAULT_CLI_BIN_DIR,
      passEnv: options.passEnv ?? {},
      ...(options.providerCalls === undefined ? {} : { providerCalls: options.providerCalls }),
    });
  } catch (error) {
    // Runners never throw; this is a bug, and its message may hold anything.
    options.log?.(`runner failed unexpectedly: ${error instanceof Error ? error.name : "?"}`);
    emit({ type: "error", code: "AGENT_FAILED", message: "the agent failed unexpectedly" });
    return "error";
  }
}
