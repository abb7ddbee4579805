import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { System } from "./system.js";

// The worker as operators run it (its production build, `worker/dist/main.mjs`, which the global
// setup brings up to date), in a child process of its own, so a test can SIGKILL it like a crash,
// mid-message, and start another.

const WORKER_DIR = fileURLToPath(new URL("../../../worker/", import.meta.url));

export interface WorkerProcess {
  readonly pid: number;
  /** Resolves once the worker logged "worker ready"; rejects if it exits first. */
  readonly ready: Promise<void>;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ readonly code: number | null; readonly signal: string | null }>;
  /** SIGKILL: no shutdown, no lock released, no job acknowledged. Resolves once it is gone. */
  kill(): Promise<void>;
  /** SIGTERM: the graceful stop. Resolves once it has exited. */
  stop(): Promise<void>;
}

export interface WorkerProcessOptions {
  /** Receives every line the worker writes (stdout: pino JSON; stderr: anything else). */
  readonly onLine?: (line: string) => void;
  /** Added to the system's worker environment. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Starts `node dist/main.mjs` in worker/, with the system's worker environment and
 * the api's namespace (AGENTRY_NAMESPACE), so it serves this system's queues and channels.
 * The in-process worker of `startSystem` should be stopped first (`system.stopWorker()`).
 */
export function spawnWorkerProcess(
  system: System,
  options: WorkerProcessOptions = {},
): WorkerProcess {
  const inherited = ["PATH", "HOME", "DOCKER_HOST", "TMPDIR"].flatMap((name) => {
    const value = process.env[name];
    return value === undefined ? [] : [[name, value] as const];
  });
  const child = spawn(process.execPath, ["dist/main.mjs"], {
    cwd: WORKER_DIR,
    env: {
      ...Object.fromEntries(inherited),
      ...system.workerEnv,
      AGENTRY_NAMESPACE: system.api.namespace,
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.pid === undefined) throw new Error("could not start the worker process");
  const pid = child.pid;

  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      resolve({ code, signal });
    });
  });
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    void exited.then(({ code, signal }) => {
      reject(new Error(`the worker exited before it was ready (code ${code}, signal ${signal})`));
    });
  });
  ready.catch(() => undefined); // a caller that never awaits it must not see an unhandled rejection

  const onLine = (line: string): void => {
    if (line === "") return;
    options.onLine?.(line);
    if (line.includes('"msg":"worker ready"')) markReady();
  };
  for (const stream of [child.stdout, child.stderr]) {
    let pending = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      const parts = (pending + chunk).split("\n");
      pending = parts.pop() ?? "";
      for (const line of parts) onLine(line);
    });
    stream.on("end", () => {
      onLine(pending);
      pending = "";
    });
  }

  const signal = async (name: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    await exited;
  };
  return {
    pid,
    ready,
    exited,
    kill: () => signal("SIGKILL"),
    stop: () => signal("SIGTERM"),
  };
}
