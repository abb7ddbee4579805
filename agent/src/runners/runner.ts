import type { AgentEvent, AgentKind, AgentRunInput } from "@agentry/core/protocol";
import type { ProviderCall } from "../providers/provider.js";

/** How a run ended: `done` (exit 0) or `error` (exit 1). */
export type RunOutcome = "done" | "error";

/** What every runner is given besides the run's input. */
export interface RunContext {
  /** The agent's workspace (a volume that lives as long as the agent). */
  readonly workspace: string;
  /** Receives every protocol event, in order. The runner ends with exactly one `done` or `error`. */
  readonly emit: (event: AgentEvent) => void;
  /** Diagnostics (stderr in the program); the caller scrubs the credential. */
  readonly log: (line: string) => void;
  /** Deadline of one provider call (the chat agent). */
  readonly requestTimeoutMs: number;
  /** Where the agent CLIs' executables are (`claude`, `codex`, `gemini`, `copilot`, `opencode`). */
  readonly cliBinDir: string;
  /**
   * Environment passed through to a CLI besides what its runner sets: proxy and CA variables
   * (tests reach hard-coded provider addresses through a local HTTPS proxy). Never a secret.
   */
  readonly passEnv: Readonly<Record<string, string>>;
  /** Replaces the chat agent's provider SDK calls (tests). */
  readonly providerCalls?: Partial<Record<AgentRunInput["provider"], ProviderCall>>;
}

/**
 * Runs one message for one agent kind: emits text deltas, one usage event per provider call
 * (or per run where the CLI reports only runs), a `credential` event when a CLI rotated its
 * credential, and exactly one `done` or `error`. Never throws.
 */
export type AgentRunner = (input: AgentRunInput, context: RunContext) => Promise<RunOutcome>;

/** A runner for a kind that cannot run in this build of the agent. */
export function notRunnable(kind: AgentKind): AgentRunner {
  return (_input, context) => {
    context.emit({
      type: "error",
      code: "AGENT_FAILED",
      message: `${kind} agents cannot run in this agent build`,
    });
    return Promise.resolve("error");
  };
}
