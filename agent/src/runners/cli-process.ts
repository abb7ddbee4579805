import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { join } from "node:path";

/** Longest stderr kept for diagnostics (the tail; it is scrubbed before it is logged). */
const STDERR_TAIL = 16 * 1024;

export interface CliRunOptions {
  /** The executable's name in `binDir` (e.g. `claude`). */
  readonly command: string;
  readonly args: readonly string[];
  readonly binDir: string;
  /** The whole environment of the CLI: nothing of the agent's own is inherited. */
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** Killed (the process group) when it outlives this. */
  readonly timeLimitMs: number;
  /** Each line of standard output, as it comes. */
  readonly onStdoutLine: (line: string) => void;
  readonly signal?: AbortSignal;
  /** Written to its standard input, which then closes; default: end of file at once. */
  readonly stdin?: string;
}

export interface CliExit {
  /** Null when killed by a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** True when the time limit killed it. */
  readonly timedOut: boolean;
  /** The last part of what it wrote to stderr (unscrubbed: scrub before logging). */
  readonly stderrTail: string;
  /** Set when it could not be started (e.g. the executable is missing). */
  readonly spawnError?: string;
}

/**
 * Runs a CLI headless once: standard input at end of file (or the given text), its own process
 * group (a time limit or an abort kills everything it started), stdout read line by line.
 * Resolves when it has exited and its output is drained; never rejects.
 */
export function runCli(options: CliRunOptions): Promise<CliExit> {
  return new Promise((resolve) => {
    let stderr = "";
    let timedOut = false;
    let settled = false;
    const child = spawn(join(options.binDir, options.command), options.args, {
      cwd: options.cwd,
      env: { ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    // Closed at once (end of file, as from /dev/null) or after the given text. A CLI that exits
    // without reading it must not fail the run (EPIPE).
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.stdin ?? "");
    const killGroup = (): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, options.timeLimitMs);
    const onAbort = (): void => {
      killGroup();
    };
    options.signal?.addEventListener("abort", onAbort, { once: true });

    const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
    lines.on("line", (line) => {
      options.onStdoutLine(line);
    });
    const stdoutClosed = new Promise<void>((done) => lines.once("close", done));
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL);
    });
    const finish = (exit: CliExit): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      resolve(exit);
    };
    child.once("error", (error) => {
      finish({
        code: null,
        signal: null,
        timedOut,
        stderrTail: stderr,
        spawnError: error.message,
      });
    });
    child.once("exit", (code, signal) => {
      // Whatever it left running in its group goes with it.
      killGroup();
      void stdoutClosed.then(() => {
        finish({ code, signal, timedOut, stderrTail: stderr });
      });
    });
  });
}

/** "1 min 30 s"-style wording of a time limit, for messages. */
export function describeLimit(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}
