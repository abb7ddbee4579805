import { AppError, type AgentEvent, type AgentKind, type AgentRunInput } from "@agentry/core";

/** Which agent an environment belongs to; stored with it (container labels, a meta file). */
export interface AgentRef {
  agentId: string;
  sessionId: string;
  kind: AgentKind;
}

/** What {@link AgentRuntime.ensure} found or made. */
export interface EnsuredAgent {
  /** The container id (docker) or the agent's directory (process). */
  handle: string;
  /** True when this call created the environment (first use, or the old one had died). */
  created: boolean;
}

/** Options for one {@link AgentRuntime.run}. */
export interface RunOptions {
  /** Aborting kills the run; the stream then ends with an `AGENT_FAILED` error event. */
  signal?: AbortSignal;
  /**
   * Extra environment for this one run. Not for secrets: the credential travels inside the
   * input, over the channel to the agent's host and on the agent program's standard input,
   * which appear in no inspect output, process listing or log.
   */
  env?: Readonly<Record<string, string>>;
  /**
   * Told, once the run has ended, the tail of what the agent program printed to stderr (the
   * CLI's own output for CLI kinds), as printed: the caller redacts it before keeping it.
   */
  onOutput?: (stderrTail: string) => void;
}

/**
 * One short command in an agent's workspace (git, for the session's repository): its argument
 * list, what it reads on standard input, and bounds. Not for the agent's own work.
 */
export interface WorkspaceCommand {
  /** The program and its arguments (argv[0] is looked up in PATH). Never a secret: argument
   * lists show in process listings and, with Docker, in the exec's inspect output. */
  readonly argv: readonly string[];
  /** Written to its standard input, then closed (where a secret travels). Default: nothing. */
  readonly stdin?: string;
  /** Environment for it on top of the runtime's own; no secrets (see argv). */
  readonly env?: Readonly<Record<string, string>>;
  /** Killed past this (default 120 s). */
  readonly timeoutMs?: number;
  /** Standard output kept, in bytes (default 1 MiB); past it `truncated` is set. */
  readonly maxOutputBytes?: number;
  /** Told each piece of standard error as it comes (git's progress). */
  readonly onStderr?: (text: string) => void;
}

/** How a {@link WorkspaceCommand} ended. */
export interface WorkspaceCommandResult {
  /** Its exit code; null when it was killed (timeout). */
  readonly exitCode: number | null;
  readonly stdout: Buffer;
  /** At most 64 KiB of it. */
  readonly stderr: string;
  /** Standard output went past maxOutputBytes (the rest was dropped). */
  readonly truncated: boolean;
  readonly timedOut: boolean;
}

export type AgentEnvironmentState = "running" | "stopped" | "missing";

/** What {@link AgentRuntime.inspect} reports about one agent's environment. */
export interface AgentInspection {
  /**
   * `running`: a run can start now; `stopped`: it exists but {@link AgentRuntime.ensure} must
   * revive it (its workspace is kept); `missing`: no environment (the workspace may still exist).
   */
  state: AgentEnvironmentState;
  handle?: string;
  /** The main process's exit code, once stopped. */
  exitCode?: number;
  /**
   * Whether the environment itself was stopped by the out-of-memory killer (an agent process
   * killed for memory inside a running container is reported by `run`, not here).
   */
  oomKilled?: boolean;
  startedAt?: string;
  finishedAt?: string;
}

/** One environment found by {@link AgentRuntime.list}. */
export interface ListedAgent extends AgentRef {
  state: Exclude<AgentEnvironmentState, "missing">;
  /** Absent when only the workspace is left (its container was removed from outside). */
  handle?: string;
}

/**
 * Where agents live and run: a long-lived environment per agent (a container, or a directory
 * for the local-process runtime) holding its workspace and a resident agent host, which keeps
 * the agent program loaded (restarting it when it dies) and takes each message over a channel
 * the worker holds to it (core's agent channel protocol).
 *
 * The worker calls `ensure` then `run` for each message, and must run one message per agent at
 * a time. All methods are safe to call again after a worker restart: environments are found by
 * name and labels, not by in-memory state.
 */
export interface AgentRuntime {
  readonly name: "docker" | "process";

  /** Creates the agent's environment, or finds the running one (idempotent). A dead one is replaced; its workspace is kept. */
  ensure(agent: AgentRef): Promise<EnsuredAgent>;

  /**
   * Runs one message: hands `input` to the agent program resident in the environment and
   * yields the events it prints, in order. The agent keeps running after a worker dies, so a
   * run a dead worker started goes on; a new run waits for it to end.
   *
   * The stream always ends with exactly one terminal event (`done` or `error`): when the run
   * ends without one (the agent exits or is killed, out of memory, environment gone, aborted
   * through `signal`), the runtime yields an `error` event with code `AGENT_FAILED` whose
   * message says why, and the host starts the agent program again for the next run. Events
   * after the agent's own terminal event, and lines that are not events, are dropped. Breaking
   * out of the loop early kills the run.
   *
   * It rejects only when the runtime itself fails (e.g. the Docker engine does not answer),
   * i.e. when retrying the message later may help.
   */
  run(agentId: string, input: AgentRunInput, options?: RunOptions): AsyncIterable<AgentEvent>;

  /** Stops the environment (and any run in it) but keeps it and its workspace. */
  stop(agentId: string): Promise<void>;

  /** Deletes the environment and its workspace. Missing is fine. */
  remove(agentId: string): Promise<void>;

  /** Deletes every environment and workspace of a session. */
  removeSession(sessionId: string): Promise<void>;

  inspect(agentId: string): Promise<AgentInspection>;

  /** Every environment this runtime manages, for reconciliation when the worker starts. */
  list(): Promise<ListedAgent[]>;

  /**
   * Runs a short command in the agent's workspace, as the agent's user and in its environment
   * (inside its container with Docker), which must be running (ensure first). Rejects when the
   * environment is missing or the runtime fails; the command's own failure is its exit code.
   */
  exec(agentId: string, command: WorkspaceCommand): Promise<WorkspaceCommandResult>;

  /** The workspace's absolute path as commands in it see it (git's safe.directory). */
  workspacePath(agentId: string): string;

  /**
   * One run's journal, which the agent writes in its workspace as it goes (see
   * `journalPath` in the agent): every event it reported, one a line. Null when there is none
   * (the run never started, or the environment is gone). Read after a worker died mid-run.
   */
  readJournal(agentId: string, messageId: string, attempt: number): Promise<string | null>;
}

/** A run's journal path relative to the agent's workspace (mirrors the agent's journalPath). */
export function journalRelativePath(messageId: string, attempt: number): string {
  assertSafeId(messageId);
  if (!Number.isInteger(attempt) || attempt < 1) throw new AppError("INTERNAL", "Invalid attempt");
  return `.agentry/runs/${messageId}.${attempt}.ndjson`;
}

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** Agent and session ids become container, volume and directory names: refuse anything else. */
export function assertSafeId(id: string): void {
  if (!SAFE_ID.test(id))
    throw new AppError("INTERNAL", "Invalid agent or session id for a runtime");
}
