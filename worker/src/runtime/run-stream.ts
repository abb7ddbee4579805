import { constants } from "node:os";
import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import type { Logger } from "pino";
import {
  parseAgentEvent,
  RUN_LOG_OUTPUT_CHARS,
  type AgentEvent,
  type RunExit,
} from "@agentry/core";

// What the docker and process runtimes share once an agent process is started: NDJSON parsing,
// the one-terminal-event rule, abort, and turning an exit into an AGENT_FAILED reason.

/** How a finished agent process ended: `reason` is a sentence for users, `null` = success. */
export interface ExitOutcome {
  reason: string | null;
}

/** A started agent process, as the runtime-specific code hands it over. */
export interface AgentProcess {
  stdout: Readable;
  stderr: Readable;
  /** Resolves once the process has ended and its output has been read. */
  exited(): Promise<ExitOutcome>;
  /** Kills the process and everything it started. */
  kill(): Promise<void>;
}

export interface StreamRunContext {
  agentId: string;
  /** Scrubbed from anything the runtime logs or reports. */
  secret: string;
  logger: Logger;
  signal?: AbortSignal | undefined;
  /** Told the stderr tail once the run has ended (RunOptions.onOutput). */
  onOutput?: ((stderrTail: string) => void) | undefined;
}

/** An agent printing one line longer than this is killed (it would otherwise fill memory). */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;
/** The stderr kept per run: what the run log keeps of it (RUN_LOG_OUTPUT_CHARS). */
const STDERR_TAIL_CHARS = RUN_LOG_OUTPUT_CHARS;

const signalNames = new Map<number, string>(
  Object.entries(constants.signals).map(([name, number]) => [number, name]),
);

/** Describes a non-zero exit code, naming the signal for 128+N codes. */
export function describeExitCode(code: number): string {
  const signal = code > 128 ? signalNames.get(code - 128) : undefined;
  return signal === undefined
    ? `exited with code ${code}`
    : `was killed by ${signal} (exit code ${code})`;
}

/**
 * Why a run the agent host reported as ended failed: null when the agent program finished it
 * itself; else its exit code or the signal that killed it.
 */
export function describeRunExit(exit: RunExit): string | null {
  if (exit.finished) return null;
  if (exit.cancelled) return "The run was aborted";
  if (exit.signal !== null) {
    const number = (constants.signals as Record<string, number | undefined>)[exit.signal];
    return number === undefined
      ? `The agent was killed by ${exit.signal}`
      : `The agent ${describeExitCode(128 + number)}`;
  }
  if (exit.code !== null) return `The agent ${describeExitCode(exit.code)}`;
  return "The agent ended with an unknown exit status";
}

export function redact(text: string, secret: string): string {
  return secret.length === 0 ? text : text.split(secret).join("[redacted]");
}

export const agentFailed = (message: string): AgentEvent => ({
  type: "error",
  code: "AGENT_FAILED",
  message,
});

type Line = { kind: "line"; text: string } | { kind: "overflow" };

async function* lines(stream: Readable): AsyncGenerator<Line> {
  const decoder = new StringDecoder("utf8");
  let pending = "";
  let discarding = false;
  const split = function* (text: string): Generator<Line> {
    let start = 0;
    for (let newline = text.indexOf("\n"); newline !== -1; newline = text.indexOf("\n", start)) {
      const line = pending + text.slice(start, newline);
      pending = "";
      start = newline + 1;
      if (discarding) discarding = false;
      else yield { kind: "line", text: line.endsWith("\r") ? line.slice(0, -1) : line };
    }
    if (!discarding) pending += text.slice(start);
    if (pending.length > MAX_LINE_BYTES) {
      pending = "";
      discarding = true;
      yield { kind: "overflow" };
    }
  };
  for await (const chunk of stream) yield* split(decoder.write(chunk as Buffer));
  yield* split(decoder.end() + "\n");
}

function keepTail(stream: Readable): () => string {
  let tail = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    tail = (tail + chunk).slice(-STDERR_TAIL_CHARS);
  });
  stream.on("error", () => undefined);
  return () => tail;
}

/** Streams one run's events; see {@link AgentRuntime.run} for the guarantees. */
export async function* streamRun(
  agent: AgentProcess,
  context: StreamRunContext,
): AsyncGenerator<AgentEvent> {
  const { agentId, secret, logger, signal, onOutput } = context;
  const stderrTail = keepTail(agent.stderr);
  let killing: Promise<void> | undefined;
  const kill = (): Promise<void> =>
    (killing ??= agent.kill().catch((error: unknown) => {
      logger.error({ agentId, err: error }, "could not kill an agent run");
    }));
  const run = { aborted: false };
  const onAbort = (): void => {
    run.aborted = true;
    void kill();
  };
  if (signal?.aborted === true) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });

  let terminal: AgentEvent | undefined;
  let dropped = 0;
  let overflow = false;
  let finished = false;
  try {
    try {
      for await (const line of lines(agent.stdout)) {
        if (line.kind === "overflow") {
          overflow = true;
          void kill();
          continue;
        }
        if (line.text.trim() === "") continue;
        const event = parseAgentEvent(line.text);
        if (event === null || terminal !== undefined) {
          dropped += 1;
          continue;
        }
        if (event.type === "error") event.message = redact(event.message, secret);
        if (event.type === "done" || event.type === "error") terminal = event;
        yield event;
      }
    } catch (error) {
      // the output stream broke (e.g. the container was removed mid-run); the exit says why
      logger.warn({ agentId, err: error }, "agent output stream ended with an error");
    }
    const outcome = await agent.exited();
    finished = true;
    if (dropped > 0)
      logger.warn(
        { agentId, dropped },
        "agent printed lines that are not protocol events; dropped",
      );

    const failure = overflow
      ? `The agent printed an output line longer than ${MAX_LINE_BYTES} bytes`
      : run.aborted
        ? "The run was aborted"
        : outcome.reason;
    if (failure !== null) {
      logger.warn(
        { agentId, reason: failure, stderr: redact(stderrTail(), secret) },
        "agent run failed",
      );
    }
    if (terminal !== undefined) return;
    yield agentFailed(failure ?? "The agent exited without reporting a result");
  } finally {
    signal?.removeEventListener("abort", onAbort);
    if (!finished) await kill();
    onOutput?.(stderrTail());
  }
}
