import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { StringDecoder } from "node:string_decoder";
import { RUN_END_LINE, type ResidentRunFrame, type RunExit } from "@agentry/core/protocol";
import { killAgentProcesses, type KillScope } from "./kill-processes.js";

// The resident agent program under the host: started at once (so the first message finds it
// loaded), given one run at a time on its standard input, restarted whenever it dies (a crash,
// running out of memory, a cancelled run), with a growing pause when it keeps dying at start.

/** Where one run's output goes (the connection that asked for it). */
export interface RunSink {
  out(data: string): void;
  err(data: string): void;
  end(exit: RunExit): void;
}

interface Run {
  readonly id: string;
  readonly frame: ResidentRunFrame;
  readonly sink: RunSink;
  cancelled: boolean;
}

export interface SupervisorOptions {
  /** The agent program (a single-file bundle run with this node). */
  readonly script: string;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly killScope: KillScope;
  /** The host's own diagnostics (never a secret, never run output). */
  readonly log: (line: string) => void;
}

/** Output lines are forwarded whole; a line longer than this is forwarded in pieces. */
const FORWARD_PIECE = 64 * 1024;
const MAX_RESTART_DELAY_MS = 5_000;
/** A program that lived this long before dying idle was not crash-looping. */
const HEALTHY_UPTIME_MS = 2_000;

export class AgentSupervisor {
  readonly #options: SupervisorOptions;
  readonly #queue: Run[] = [];
  #child: ChildProcessWithoutNullStreams | undefined;
  #current: Run | undefined;
  #restartDelayMs = 0;
  #closing = false;

  constructor(options: SupervisorOptions) {
    this.#options = options;
  }

  /** The run in progress, if any. */
  get running(): string | null {
    return this.#current?.id ?? null;
  }

  /** Whether a run is in progress or waiting. */
  get busy(): boolean {
    return this.#current !== undefined || this.#queue.length > 0;
  }

  start(): void {
    if (this.#child !== undefined || this.#closing) return;
    const startedAt = Date.now();
    const child = spawn(process.execPath, [this.#options.script, "--resident"], {
      cwd: this.#options.cwd,
      env: this.#options.env,
      stdio: ["pipe", "pipe", "pipe"],
      // its own process group: a kill takes what it started with it
      detached: true,
    });
    this.#child = child;
    child.stdin.on("error", () => undefined); // it died with a frame unread: its exit says so
    let stdoutEnded = false;
    const stdoutDone = new Promise<void>((resolve) => {
      child.stdout.once("close", () => {
        stdoutEnded = true;
        resolve();
      });
    });
    this.#readStdout(child);
    const stderr = new StringDecoder("utf8");
    child.stderr.on("data", (chunk: Buffer) => {
      const text = stderr.write(chunk);
      if (text !== "") this.#current?.sink.err(text);
    });
    let exited = false;
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (exited) return;
      exited = true;
      // the last of its output first (briefly: something it started may hold the pipe open)
      const drained = stdoutEnded
        ? Promise.resolve()
        : Promise.race([stdoutDone, new Promise((resolve) => setTimeout(resolve, 500))]);
      void drained.then(() => {
        this.#exited(child, startedAt, code, signal);
      });
    };
    child.once("exit", onExit);
    child.once("error", (error) => {
      this.#options.log(`could not start the agent program: ${error.message}`);
      onExit(null, null);
    });
    this.#dispatch();
  }

  /** Queues a run; it starts once the runs before it have ended. */
  submit(id: string, frame: ResidentRunFrame, sink: RunSink): void {
    this.#queue.push({ id, frame, sink, cancelled: false });
    this.#dispatch();
  }

  /** Ends a run: a queued one is dropped, the one in progress is killed with its processes. */
  cancel(id: string): void {
    const queued = this.#queue.findIndex((run) => run.id === id);
    if (queued !== -1) {
      const [run] = this.#queue.splice(queued, 1);
      run?.sink.end({ finished: false, code: null, signal: null, cancelled: true });
      return;
    }
    if (this.#current?.id !== id) return;
    this.#current.cancelled = true;
    this.#kill();
  }

  /** Kills the agent program and everything it started; no restart follows. */
  close(): void {
    this.#closing = true;
    this.#kill();
  }

  #kill(): void {
    const pid = this.#child?.pid;
    if (pid !== undefined) killAgentProcesses(pid, this.#options.killScope);
  }

  #dispatch(): void {
    const child = this.#child;
    if (this.#current !== undefined || child === undefined) return;
    const run = this.#queue.shift();
    if (run === undefined) return;
    this.#current = run;
    // The credential is in this frame: it goes down the pipe and nowhere else.
    child.stdin.write(`${JSON.stringify(run.frame)}\n`);
  }

  #readStdout(child: ChildProcessWithoutNullStreams): void {
    const decoder = new StringDecoder("utf8");
    let line = "";
    // once part of a line went out, that line cannot be the end marker any more
    let partial = false;
    child.stdout.on("data", (chunk: Buffer) => {
      let text = decoder.write(chunk);
      for (let newline = text.indexOf("\n"); newline !== -1; newline = text.indexOf("\n")) {
        const whole = line + text.slice(0, newline);
        text = text.slice(newline + 1);
        line = "";
        if (!partial && whole === RUN_END_LINE) {
          this.#runEnded({ finished: true, code: null, signal: null, cancelled: false });
        } else {
          this.#current?.sink.out(`${whole}\n`);
        }
        partial = false;
      }
      line += text;
      if (line.length > FORWARD_PIECE) {
        this.#current?.sink.out(line);
        line = "";
        partial = true;
      }
    });
  }

  #runEnded(exit: RunExit): void {
    const run = this.#current;
    this.#current = undefined;
    run?.sink.end({ ...exit, cancelled: run.cancelled });
    this.#dispatch();
  }

  #exited(
    child: ChildProcessWithoutNullStreams,
    startedAt: number,
    code: number | null,
    signal: NodeJS.Signals | null,
  ): void {
    if (this.#child !== child) return;
    this.#child = undefined;
    // Dying in a run is that run's failure; dying idle, soon after starting, is a crash loop.
    const inRun = this.#current !== undefined;
    if (inRun) this.#runEnded({ finished: false, code, signal, cancelled: false });
    if (this.#closing) return;
    const healthy = inRun || Date.now() - startedAt >= HEALTHY_UPTIME_MS;
    this.#restartDelayMs = healthy
      ? 0
      : Math.min(MAX_RESTART_DELAY_MS, Math.max(100, this.#restartDelayMs * 2));
    if (this.#restartDelayMs > 0) {
      this.#options.log(
        `the agent program ended (${signal ?? `code ${code ?? "?"}`}); restarting in ${this.#restartDelayMs} ms`,
      );
    }
    setTimeout(() => {
      this.start();
    }, this.#restartDelayMs);
  }
}
