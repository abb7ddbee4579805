import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { once } from "node:events";
import { accessSync, constants, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer } from "node:net";
import { delimiter, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

// What the fault tests' own servers (Redis, Postgres, a Docker engine) share: free ports,
// children that are killed however the test ends, and waiting for a server to answer.

/** A free TCP port on 127.0.0.1 (free when asked; the server takes it right after). */
export async function freePort(): Promise<number> {
  const probe = createServer().listen(0, "127.0.0.1");
  await once(probe, "listening");
  const address = probe.address();
  probe.close();
  await once(probe, "close");
  if (address === null || typeof address === "string") throw new Error("no free port");
  return address.port;
}

// What the test started must not outlive it, however it ends. Children still running when the
// test process exits are killed then (an exit handler may only act synchronously: SIGKILL). A
// test process that is killed itself (a timeout's teardown) runs no handler: a guardian process
// it starts, detached, checks every second that it is alive, and when it is not, stops what is
// listed in a file the test keeps (SIGTERM, then SIGKILL) and deletes the listed folders.
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

const GUARDIAN = `
const fs = require("fs");
const { execFileSync } = require("child_process");
const [parent, file] = process.argv.slice(1);
const alive = (pid) => { try { process.kill(Number(pid), 0); return true; } catch { return false; } };
const read = () => { try { return JSON.parse(fs.readFileSync(file, "utf8")); } catch { return { pids: [], dirs: [] }; } };
const timer = setInterval(() => {
  if (alive(parent)) return;
  clearInterval(timer);
  const { pids, dirs } = read();
  for (const pid of pids) { try { process.kill(pid, "SIGTERM"); } catch {} }
  const deadline = Date.now() + 20000;
  const finish = () => {
    if (pids.some(alive) && Date.now() < deadline) return setTimeout(finish, 250);
    for (const pid of pids) { try { process.kill(pid, "SIGKILL"); } catch {} }
    const mounts = fs.readFileSync("/proc/self/mountinfo", "utf8").split("\\n").map((l) => l.split(" ")[4] || "");
    for (const dir of dirs) {
      for (const point of mounts.filter((m) => m.startsWith(dir + "/")).sort((a, b) => b.length - a.length)) {
        try { execFileSync("umount", ["-l", point]); } catch {}
      }
      fs.rmSync(dir, { recursive: true, force: true });
    }
    fs.rmSync(file, { force: true });
  };
  finish();
}, 1000);
`;

const guarded = { pids: new Set<number>(), dirs: new Set<string>() };
let guardianFile: string | undefined;

function writeGuarded(): void {
  if (guardianFile === undefined) {
    guardianFile = join(tmpdir(), `agentry-fault-guardian-${process.pid}.json`);
    spawn(process.execPath, ["-e", GUARDIAN, String(process.pid), guardianFile], {
      detached: true,
      stdio: "ignore",
    }).unref();
  }
  writeFileSync(guardianFile, JSON.stringify({ pids: [...guarded.pids], dirs: [...guarded.dirs] }));
}

/** Has the guardian delete `dir` should the test process die before it does. */
export function guardDirectory(dir: string): void {
  guarded.dirs.add(dir);
  writeGuarded();
}

/** The test deleted `dir` itself. */
export function releaseDirectory(dir: string): void {
  guarded.dirs.delete(dir);
  writeGuarded();
}

export interface Child {
  readonly process: ChildProcess;
  /** The last lines it wrote (stdout and stderr), for failure messages. */
  output(): string;
  /** Whether it has not exited yet. */
  running(): boolean;
  /** Resolves when it has exited (at once if it has). */
  exited(): Promise<void>;
  /** Sends `signal`, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

/** Spawns a server process whose output is kept (the tail) and who dies with the test. */
export function spawnChild(
  command: string,
  args: readonly string[],
  options: SpawnOptions = {},
): Child {
  const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  const pid = child.pid;
  if (pid !== undefined) {
    guarded.pids.add(pid);
    writeGuarded();
  }
  let tail = "";
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString("utf8")).slice(-4000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exit = new Promise<void>((resolve) => {
    const forget = (): void => {
      running.delete(child);
      if (pid !== undefined && guarded.pids.delete(pid)) writeGuarded();
      resolve();
    };
    child.once("exit", forget);
    child.once("error", (error) => {
      tail += `\n${error.message}`;
      forget();
    });
  });
  const gone = (): boolean => child.exitCode !== null || child.signalCode !== null;
  return {
    process: child,
    output: () => tail,
    running: () => !gone(),
    exited: () => exit,
    async stop(signal = "SIGTERM", graceMs = 10_000) {
      if (gone()) return;
      child.kill(signal);
      const killer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exit;
      clearTimeout(killer);
    },
  };
}

/** Polls `probe` until it resolves true; fails naming `what` (and the child's output). */
export async function waitUntil(
  probe: () => Promise<boolean>,
  what: string,
  timeoutMs: number,
  child?: Child,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (
      child !== undefined &&
      (child.process.exitCode !== null || child.process.signalCode !== null)
    ) {
      throw new Error(`${what}: the process exited\n${child.output()}`);
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${what}: not within ${timeoutMs} ms${child === undefined ? "" : `\n${child.output()}`}`,
      );
    }
    await sleep(100);
  }
}

/** Whether `command` is an executable on PATH (or an absolute path to one). */
export function installed(command: string): boolean {
  const candidates = command.includes("/")
    ? [command]
    : (process.env["PATH"] ?? "").split(delimiter).map((dir) => join(dir, command));
  return candidates.some((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
