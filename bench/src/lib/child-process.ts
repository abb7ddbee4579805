import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { withTimeout } from "./clock.js";

// A bench part in a process of its own (TypeScript through tsx), spoken to over IPC: when what
// is measured is a process's memory, or when the load must come from outside the measured one.

type Waiter<T> = {
  readonly accepts: (message: T) => boolean;
  readonly resolve: (message: T) => void;
  readonly reject: (error: unknown) => void;
};

const EXIT_TIMEOUT_MS = 10_000;

/** A child process taking `In` messages and answering with `Out` ones ({ type: "failed" } ends it). */
export class BenchProcess<In, Out extends { readonly type: string }> {
  readonly #child: ChildProcess;
  readonly #label: string;
  readonly #waiters = new Set<Waiter<Out>>();
  #failure: Error | undefined;

  private constructor(child: ChildProcess, label: string) {
    this.#child = child;
    this.#label = label;
    child.on("message", (message: Out) => {
      if (message.type === "failed") {
        this.#fail(new Error(`${label}: ${(message as unknown as { message: string }).message}`));
        return;
      }
      for (const waiter of this.#waiters) {
        if (waiter.accepts(message)) {
          this.#waiters.delete(waiter);
          waiter.resolve(message);
        }
      }
    });
    child.on("error", (error) => {
      this.#fail(error);
    });
    child.on("exit", (code, signal) => {
      this.#fail(new Error(`${label} exited (${signal ?? code ?? "?"})`));
    });
  }

  /** Starts `entry` (a .ts file) with tsx, with `args`, node's `execArgv` and `env`. */
  static start<In, Out extends { readonly type: string }>(
    entry: URL,
    label: string,
    options: {
      readonly args?: readonly string[];
      readonly execArgv?: readonly string[];
      readonly env?: NodeJS.ProcessEnv;
    } = {},
  ): BenchProcess<In, Out> {
    const { args = [], execArgv = [], env = process.env } = options;
    const child = fork(fileURLToPath(entry), [...args], {
      execArgv: [...execArgv, "--import", import.meta.resolve("tsx")],
      env,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    return new BenchProcess<In, Out>(child, label);
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  send(message: In): void {
    this.#child.send(message as object);
  }

  /** The first message from now on that `accepts` takes, within `timeoutMs`. */
  async next(accepts: (message: Out) => boolean, timeoutMs: number, what: string): Promise<Out> {
    if (this.#failure !== undefined) throw this.#failure;
    let waiter: Waiter<Out> | undefined;
    const reply = new Promise<Out>((resolve, reject) => {
      waiter = { accepts, resolve, reject };
      this.#waiters.add(waiter);
    });
    try {
      return await withTimeout(reply, timeoutMs, `${this.#label}: ${what}`);
    } finally {
      if (waiter !== undefined) this.#waiters.delete(waiter);
    }
  }

  /** Sends `message` and waits for the answer `accepts` takes. */
  async request(
    message: In,
    accepts: (message: Out) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<Out> {
    const reply = this.next(accepts, timeoutMs, what);
    this.send(message);
    return reply;
  }

  /** Stops the process: SIGTERM, then SIGKILL if it lingers. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    try {
      await withTimeout(exited, EXIT_TIMEOUT_MS, `${this.#label} exiting`);
    } catch {
      child.kill("SIGKILL");
      await exited;
    }
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const waiter of this.#waiters) waiter.reject(error);
    this.#waiters.clear();
  }
}

/**
 * A bench child's end: `handle` answers the parent's messages (a throw is reported as
 * { type: "failed" }); `cleanUp` runs once before the process exits, on SIGTERM or SIGINT, or
 * when the parent is gone.
 */
export class ChildPort<In, Out> {
  #exiting = false;

  constructor(
    handle: (message: In) => Promise<void> | void,
    private readonly cleanUp: () => Promise<void> = () => Promise.resolve(),
  ) {
    if (process.send === undefined) throw new Error("this file runs as a bench child process");
    process.on("message", (message: In) => {
      Promise.resolve()
        .then(() => handle(message))
        .catch((error: unknown) => {
          this.#report(String(error));
        });
    });
    process.on("SIGTERM", () => {
      this.#exit(143);
    });
    // Ctrl-C reaches the whole process group: the parent's clean-up stops this one too.
    process.on("SIGINT", () => {
      this.#exit(130);
    });
    process.on("disconnect", () => {
      this.#exit(0);
    });
  }

  send(message: Out): void {
    if (process.connected) process.send?.(message);
  }

  #report(message: string): void {
    if (process.connected) process.send?.({ type: "failed", message });
  }

  #exit(code: number): void {
    if (this.#exiting) return;
    this.#exiting = true;
    this.cleanUp().then(
      () => process.exit(code),
      (error: unknown) => {
        console.error("bench child: clean-up failed:", error);
        process.exit(1);
      },
    );
  }
}
