import type { AgentEvent, AgentKind, AgentRunInput } from "@agentry/core";

/**
 * What the message path needs of a runtime (the Docker or process runtime satisfies it):
 * an agent's long-lived environment, one message run streamed as protocol events, and the
 * run's journal — the events the agent wrote to its workspace as it went, read back when a
 * worker died mid-run so no provider call goes uncounted.
 */
export interface MessageRuntime {
  /** "docker" or "process": says what went away when a run loses its environment. */
  readonly name: string;
  ensure(agent: { agentId: string; sessionId: string; kind: AgentKind }): Promise<unknown>;
  run(
    agentId: string,
    input: AgentRunInput,
    options: { signal: AbortSignal; onOutput?: (stderrTail: string) => void },
  ): AsyncIterable<AgentEvent>;
  /**
   * The journal of one run (`<workspace>/.agentry/runs/<messageId>.<attempt>.ndjson`, one
   * protocol event a line, written by the agent before it reports each event), or null when
   * the run never started.
   */
  readJournal(agentId: string, messageId: string, attempt: number): Promise<string | null>;
  /** Stops the agent's environment and any run in it (the next ensure revives it). */
  stop(agentId: string): Promise<void>;
  /**
   * Whether the agent's environment is running; rejects when the runtime itself does not answer
   * (the Docker engine is down).
   */
  inspect(agentId: string): Promise<{ readonly state: "running" | "stopped" | "missing" }>;
}
