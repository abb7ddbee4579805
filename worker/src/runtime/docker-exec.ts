import { randomUUID } from "node:crypto";
import { PassThrough, type Duplex } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";
import type Docker from "dockerode";
import type { Logger } from "pino";
import type { AgentEvent, AgentRunInput } from "@agentry/core";
import { ignoreStatus, statusCode, type ContainerState } from "./docker-errors.js";
import { describeExitCode, streamRun, type AgentProcess, type ExitOutcome } from "./run-stream.js";
import type { RunOptions } from "./runtime.js";

// One message run as a `docker exec` in the agent's running container.

const MIB = 1024 * 1024;
const SIGKILL_EXIT = 128 + 9;
/** How long (× 50 ms) a SIGKILLed run waits for the engine to say its container stopped. */
const CONTAINER_EXIT_POLLS = 20;

// Kills every process of one run: they all carry its AGENTRY_RUN_ID (children inherit it), so
// tool subprocesses die too. Runs inside the container, so it works wherever the worker runs.
const KILL_RUN_SCRIPT = [
  'const fs = require("fs");',
  'const marker = "AGENTRY_RUN_ID=" + process.argv[1];',
  'for (const pid of fs.readdirSync("/proc")) {',
  "  if (!/^[0-9]+$/.test(pid) || Number(pid) === process.pid) continue;",
  '  try { if (fs.readFileSync("/proc/" + pid + "/environ", "latin1").split("\\0").includes(marker)) process.kill(Number(pid), "SIGKILL"); } catch {}',
  "}",
].join("\n");

export interface ExecRun {
  docker: Docker;
  containerId: string;
  command: readonly string[];
  input: AgentRunInput;
  options: RunOptions;
  agentId: string;
  logger: Logger;
  /** The container's memory limit, to name it when the agent runs out. */
  memoryBytes: number;
}

/** Runs the agent program once in the container; see {@link AgentRuntime.run}. */
export async function* runInContainer(run: ExecRun): AsyncGenerator<AgentEvent> {
  const { docker, containerId, input, options, agentId, logger } = run;
  const runId = randomUUID();
  const startedAt = Date.now();
  const container = docker.getContainer(containerId);
  const extraEnv = Object.entries(options.env ?? {}).map(([name, value]) => `${name}=${value}`);
  let exec: Docker.Exec;
  let socket: Duplex;
  try {
    exec = await container.exec({
      Cmd: [...run.command],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      // the credential is not here: it goes in the input, on stdin
      Env: [...extraEnv, `AGENTRY_RUN_ID=${runId}`],
    });
    socket = await exec.start({ hijack: true, stdin: true });
  } catch (error) {
    const code = statusCode(error);
    if (code === 404 || code === 409) {
      // the container went away between our look and the exec
      yield {
        type: "error",
        code: "AGENT_FAILED",
        message: "The agent's container is not running",
      };
      return;
    }
    throw error;
  }

  const stdout = new PassThrough();
  const stderr = new PassThrough();
  docker.modem.demuxStream(socket, stdout, stderr);
  let streamEnded = false;
  const ended = new Promise<void>((resolve) => {
    const finish = (): void => {
      streamEnded = true;
      stdout.end();
      stderr.end();
      resolve();
    };
    socket.once("end", finish);
    socket.once("close", finish);
    socket.once("error", (error: Error) => {
      logger.warn({ agentId, err: error }, "agent exec stream failed");
      finish();
    });
  });
  socket.write(`${JSON.stringify(input)}\n`);
  socket.end(); // half-close: the agent sees the end of its stdin and keeps its stdout

  const agentProcess: AgentProcess = {
    stdout,
    stderr,
    exited: async () => {
      await ended;
      return exitOutcome(run, exec, startedAt);
    },
    kill: async () => {
      await killRun(container, runId, logger);
      // should something outside the run still hold its output open, stop waiting for it
      setTimeout(() => {
        if (!streamEnded) socket.destroy();
      }, 5_000).unref();
    },
  };
  yield* streamRun(agentProcess, {
    agentId,
    secret: input.credential.secret,
    logger,
    signal: options.signal,
  });
}

async function exitOutcome(
  run: ExecRun,
  exec: Docker.Exec,
  startedAt: number,
): Promise<ExitOutcome> {
  let exitCode: number | null = null;
  // the stream can end a moment before the engine records the exit code
  for (let poll = 0; poll < 40; poll += 1) {
    try {
      const info = await exec.inspect();
      if (!info.Running) {
        exitCode = info.ExitCode;
        break;
      }
    } catch (error) {
      ignoreStatus(404)(error); // the exec went with its container
      break;
    }
    await delay(50);
  }
  if (exitCode === 0) return { reason: null };
  const inspectContainer = () =>
    run.docker
      .getContainer(run.containerId)
      .inspect()
      .catch((error: unknown) => {
        ignoreStatus(404)(error);
        return undefined;
      });
  let container = await inspectContainer();
  // A container killed under the run takes its processes down with SIGKILL a moment before the
  // engine records the container as stopped: a killed run we did not kill ourselves gets that
  // moment, or the user would read "the agent was killed" instead of "its container stopped".
  const mayBeContainerDeath =
    (exitCode === SIGKILL_EXIT || exitCode === null) && run.options.signal?.aborted !== true;
  for (let poll = 0; mayBeContainerDeath && poll < CONTAINER_EXIT_POLLS; poll += 1) {
    if (container === undefined || !(container.State as ContainerState).Running) break;
    await delay(50);
    container = await inspectContainer();
  }
  if (container === undefined)
    return { reason: "The agent's container was removed during the run" };
  const state = container.State as ContainerState;
  const limit = `${Math.round(run.memoryBytes / MIB)} MiB`;
  if (!state.Running) {
    return {
      reason: state.OOMKilled
        ? `The agent's container ran out of memory (limit ${limit}) and stopped`
        : `The agent's container stopped during the run (exit code ${state.ExitCode})`,
    };
  }
  if (exitCode === null) return { reason: "The agent ended with an unknown exit status" };
  if (exitCode === SIGKILL_EXIT && (await hadOomSince(run, startedAt))) {
    return { reason: `The agent ran out of memory (limit ${limit}) and was killed` };
  }
  return { reason: `The agent ${describeExitCode(exitCode)}` };
}

// The engine sets State.OOMKilled only when the container itself exits; an exec'd process
// killed by the OOM killer shows up as an "oom" event on the container instead.
async function hadOomSince(run: ExecRun, since: number): Promise<boolean> {
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

async function killRun(container: Docker.Container, runId: string, logger: Logger): Promise<void> {
  try {
    const killer = await container.exec({
      Cmd: ["node", "-e", KILL_RUN_SCRIPT, runId],
      AttachStdout: true,
      AttachStderr: true,
    });
    const output = await killer.start({});
    output.resume();
    await new Promise<void>((resolve) => {
      output.once("end", resolve);
      output.once("close", resolve);
      output.once("error", () => {
        resolve();
      });
    });
    const { ExitCode } = await killer.inspect();
    if (ExitCode === 0) return;
    logger.warn(
      { exitCode: ExitCode, containerId: container.id },
      "could not kill an agent run inside its container",
    );
  } catch (error) {
    const code = statusCode(error);
    if (code === 404 || code === 409) return; // the container is gone already
    logger.warn(
      { err: error, containerId: container.id },
      "could not kill an agent run inside its container",
    );
  }
  // last resort: the whole container goes; the next ensure() makes a fresh one
  await container.kill().catch(ignoreStatus(404, 409));
}
