import { spawn } from "node:child_process";
import type { Readable } from "node:stream";
import type Docker from "dockerode";
import type { WorkspaceCommand, WorkspaceCommandResult } from "./runtime.js";

// A short command in an agent's workspace (runtime.exec): a local child process for the process
// runtime, a `docker exec` for the Docker runtime. Its standard input carries what must not be
// in its argument list or environment (a repository token); its output is bounded.

const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_MAX_OUTPUT = 1024 * 1024;
const MAX_STDERR = 64 * 1024;

/** Collects a stream up to `max` bytes, noting whether there was more. */
class Bounded {
  readonly #chunks: Buffer[] = [];
  #size = 0;
  truncated = false;
  constructor(private readonly max: number) {}
  push(chunk: Buffer): void {
    if (this.#size >= this.max) {
      this.truncated = true;
      return;
    }
    const room = this.max - this.#size;
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (kept.length < chunk.length) this.truncated = true;
    this.#chunks.push(kept);
    this.#size += kept.length;
  }
  bytes(): Buffer {
    return Buffer.concat(this.#chunks);
  }
}

/** Runs `command` as a local child process in `cwd`, with exactly `env` as its environment. */
export function execLocal(
  cwd: string,
  env: Readonly<Record<string, string>>,
  command: WorkspaceCommand,
): Promise<WorkspaceCommandResult> {
  const [program, ...args] = command.argv;
  if (program === undefined) throw new Error("execLocal: empty argv");
  const stdout = new Bounded(command.maxOutputBytes ?? DEFAULT_MAX_OUTPUT);
  const stderr = new Bounded(MAX_STDERR);
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      cwd,
      env: { ...env, ...command.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, command.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.stdout.on("data", (chunk: Buffer) => {
      stdout.push(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr.push(chunk);
      command.onStderr?.(chunk.toString("utf8"));
    });
    child.stdin.on("error", () => undefined); // it may exit before reading
    child.stdin.end(command.stdin ?? "");
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({
        exitCode: timedOut ? null : code,
        stdout: stdout.bytes(),
        stderr: stderr.bytes().toString("utf8"),
        truncated: stdout.truncated,
        timedOut,
      });
    });
  });
}

/**
 * Runs `command` in a running container through the engine's exec API, in `workingDir`; its
 * standard input is attached, written and closed. The exec's inspect shows its argv and `env`
 * (never a secret), not its input.
 */
export async function execInContainer(
  docker: Docker,
  containerId: string,
  workingDir: string,
  command: WorkspaceCommand,
): Promise<WorkspaceCommandResult> {
  const exec = await docker.getContainer(containerId).exec({
    Cmd: [...command.argv],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    WorkingDir: workingDir,
    Env: Object.entries(command.env ?? {}).map(([name, value]) => `${name}=${value}`),
  });
  const stream = (await exec.start({
    hijack: true,
    stdin: true,
  })) as unknown as NodeJS.ReadWriteStream & Readable;
  const stdout = new Bounded(command.maxOutputBytes ?? DEFAULT_MAX_OUTPUT);
  const stderr = new Bounded(MAX_STDERR);
  const state = { timedOut: false };
  const ended = new Promise<void>((resolve, reject) => {
    stream.on("end", resolve);
    stream.on("close", resolve);
    stream.on("error", reject);
  });
  docker.modem.demuxStream(
    stream,
    { write: (chunk: Buffer) => (stdout.push(chunk), true) } as unknown as NodeJS.WritableStream,
    {
      write: (chunk: Buffer) => {
        stderr.push(chunk);
        command.onStderr?.(chunk.toString("utf8"));
        return true;
      },
    } as unknown as NodeJS.WritableStream,
  );
  stream.write(command.stdin ?? "");
  // Half-close: the command sees the end of its input, the output keeps flowing back.
  (stream as unknown as { end: () => void }).end();
  const timer = setTimeout(() => {
    state.timedOut = true;
    stream.destroy();
  }, command.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  try {
    await ended;
  } catch (error) {
    if (!state.timedOut) throw error;
  } finally {
    clearTimeout(timer);
  }
  let exitCode: number | null = null;
  if (!state.timedOut) {
    // The exit code lands a moment after the stream ends.
    for (let poll = 0; poll < 100; poll += 1) {
      const info = await exec.inspect();
      if (!info.Running) {
        exitCode = info.ExitCode;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  return {
    exitCode,
    stdout: stdout.bytes(),
    stderr: stderr.bytes().toString("utf8"),
    truncated: stdout.truncated,
    timedOut: state.timedOut,
  };
}
