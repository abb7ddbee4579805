import { setTimeout as delay } from "node:timers/promises";
import type Docker from "dockerode";
import type { Logger } from "pino";
import type { AgentEvent, AgentRunInput, RunExit } from "@agentry/core";
import type { AgentChannel } from "./agent-channel.js";
import { ignoreStatus, type ContainerState } from "./docker-errors.js";
import { describeRunExit, streamRun, type AgentProcess, type ExitOutcome } from "./run-stream.js";
import type { RunOptions } from "./runtime.js";

// One message run in an agent's container: handed to the resident host over the channel the
// worker holds to it, its events streamed back; when the run did not finish, the container's
// state and events say why (out of memory, the container stopped or removed).

const MIB = 1024 * 1024;
/** How long (× 50 ms) a run whose channel broke waits for the engine to say the container stopped. */
const CONTAINER_EXIT_POLLS = 20;

export interface ContainerRun {
  docker: Docker;
  containerId: string;
  channel: AgentChannel;
  input: AgentRunInput;
  options: RunOptions;
  agentId: string;
  logger: Logger;
  /** The container's memory limit, to name it when the agent runs out. */
  memoryBytes: number;
}

/** Runs one message in the container; see {@link AgentRuntime.run}. */
export async function* runInContainer(run: ContainerRun): AsyncGenerator<AgentEvent> {
  const startedAt = Date.now();
  const channelRun = run.channel.run(run.input, run.options.env);
  const agentProcess: AgentProcess = {
    stdout: channelRun.stdout,
    stderr: channelRun.stderr,
    exited: async () => exitOutcome(run, await channelRun.ended, startedAt, channelRun.accepted()),
    kill: () => {
      channelRun.cancel();
      return Promise.resolve();
    },
  };
  yield* streamRun(agentProcess, {
    agentId: run.agentId,
    secret: run.input.credential.secret,
    logger: run.logger,
    signal: run.options.signal,
    onOutput: run.options.onOutput,
  });
}

async function exitOutcome(
  run: ContainerRun,
  exit: RunExit | null,
  startedAt: number,
  accepted: boolean,
): Promise<ExitOutcome> {
  if (exit !== null && (exit.finished || exit.cancelled)) return { reason: describeRunExit(exit) };
  const limit = `${Math.round(run.memoryBytes / MIB)} MiB`;
  const containerReason = await containerStopped(
    run,
    limit,
    exit === null ? CONTAINER_EXIT_POLLS : 1,
  );
  if (containerReason !== undefined) {
    // A run that never reached the host found its container gone or stopped before it began.
    if (exit === null && !accepted) {
      return {
        reason: containerReason.removed
          ? "The agent's container is missing"
          : "The agent's container is not running",
      };
    }
    return { reason: containerReason.reason };
  }
  if (exit === null) {
    return { reason: "The worker lost its channel to the agent's container during the run" };
  }
  // The host saw its agent program die. Killed for memory, it shows as SIGKILL; the engine logs
  // an "oom" event on the container (State.OOMKilled is only for the container itself).
  if (exit.signal === "SIGKILL" && (await hadOomSince(run, startedAt))) {
    return { reason: `The agent ran out of memory (limit ${limit}) and was killed` };
  }
  return { reason: describeRunExit(exit) };
}

/**
 * Why the run's container stopped, if it did. A channel that closed mid-run most likely means
 * the container is stopping, and the stream ends a moment before the engine records it as
 * stopped: `polls` × 50 ms is that moment.
 */
async function containerStopped(
  run: ContainerRun,
  limit: string,
  polls: number,
): Promise<{ removed: boolean; reason: string } | undefined> {
  const inspect = () =>
    run.docker
      .getContainer(run.containerId)
      .inspect()
      .catch((error: unknown) => {
        ignoreStatus(404)(error);
        return undefined;
      });
  let container = await inspect();
  for (let poll = 1; poll < polls; poll += 1) {
    if (container === undefined || !(container.State as ContainerState).Running) break;
    await delay(50);
    container = await inspect();
  }
  if (container === undefined) {
    return { removed: true, reason: "The agent's container was removed during the run" };
  }
  const state = container.State as ContainerState;
  if (state.Running) return undefined;
  return {
    removed: false,
    reason: state.OOMKilled
      ? `The agent's container ran out of memory (limit ${limit}) and stopped`
      : `The agent's container stopped during the run (exit code ${state.ExitCode})`,
  };
}

// The engine sets State.OOMKilled only when the container itself exits; a process inside a
// running container killed by the OOM killer shows up as an "oom" event on the container.
async function hadOomSince(run: ContainerRun, since: number): Promise<boolean> {
  try {
    const events = await run.docker.getEvents({
      since: since / 1000,
      // a little ahead: the engine may log the event just after the exit
      until: (Date.now() + 500) / 1000,
      filters: { container: [run.containerId], event: ["oom"] },
    });
    let text = "";
    for await (const chunk of events) text += String(chunk);
    return text.trim().length > 0;
  } catch (error) {
    run.logger.warn(
      { err: error, containerId: run.containerId },
      "could not read the container's events",
    );
    return false;
  }
}
