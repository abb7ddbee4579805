import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readdir, readFile } from "node:fs/promises";
import readline from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { withTimeout } from "../lib/clock.js";

// A process started as an operator starts it (its own command line, environment and working
// directory), and its memory read from /proc: the resident set of the process and of the whole
// tree under it (tsx runs the program in a child node process, beside an esbuild service).

export interface ServiceCommand {
  readonly label: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Resolves once the program is ready (it has started listening, consuming, …). */
  readonly ready: (started: RunningService) => Promise<void>;
}

/** One reading, in bytes. */
export interface MemorySample {
  /** VmRSS of the process running the program (for tsx: its child, not the tsx CLI). */
  readonly rss: number;
  /** Its pages no other process shares (Private_Clean + Private_Dirty): RSS less node's code. */
  readonly uss: number;
  /** VmRSS summed over the whole tree started. */
  readonly treeRss: number;
  /** How many processes that tree has. */
  readonly processes: number;
}

export interface RunningService {
  readonly child: ChildProcess;
  /** Whether the process has not exited yet. */
  running(): boolean;
  /** Output lines so far (stdout and stderr). */
  readonly lines: readonly string[];
  /** Resolves with the first line `match` accepts (or rejects when the process exits). */
  waitForLine(match: (line: string) => boolean, timeoutMs: number): Promise<string>;
  sample(): Promise<MemorySample>;
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 10_000;

export function startService(spec: ServiceCommand): RunningService {
  const child = spawn(spec.command, [...spec.args], {
    cwd: spec.cwd,
    env: spec.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const listeners = new Set<(line: string) => void>();
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream }).on("line", (line) => {
      lines.push(line);
      if (lines.length > 200) lines.shift();
      for (const listener of listeners) listener(line);
    });
  }
  const exited = once(child, "exit");

  const service: RunningService = {
    child,
    lines,
    running: () => child.exitCode === null && child.signalCode === null,
    waitForLine: (match, timeoutMs) => {
      const found = new Promise<string>((resolve, reject) => {
        const seen = lines.find(match);
        if (seen !== undefined) {
          resolve(seen);
          return;
        }
        const listener = (line: string) => {
          if (!match(line)) return;
          listeners.delete(listener);
          resolve(line);
        };
        listeners.add(listener);
        void exited.then(([code, signal]) => {
          listeners.delete(listener);
          reject(new Error(`${spec.label} exited (${String(signal ?? code)})`));
        });
      });
      return withTimeout(found, timeoutMs, `${spec.label}: waiting for its output`);
    },
    sample: async () => {
      const pid = child.pid;
      if (pid === undefined || child.exitCode !== null)
        throw new Error(`${spec.label} is not running`);
      const tree = await processTree(pid);
      // The program's own process: the deepest node in the chain (tsx → node), else the root.
      const main = (await deepestNode(pid)) ?? pid;
      const [rss, uss, treeRss] = await Promise.all([
        residentBytes(main),
        privateBytes(main),
        Promise.all(tree.map(residentBytes)).then((all) => all.reduce((a, b) => a + b, 0)),
      ]);
      return { rss, uss, treeRss, processes: tree.length };
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const pid = child.pid ?? -1;
      // Its children too: tsx's CLI passes the signal on, but nothing may outlive a failed run.
      const everything = await processTree(pid);
      child.kill("SIGTERM");
      const timer = setTimeout(() => {
        for (const each of everything) {
          try {
            process.kill(each, "SIGKILL");
          } catch {
            // gone
          }
        }
      }, STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
      await sleep(200);
      for (const each of everything) {
        try {
          process.kill(each, "SIGKILL");
        } catch {
          // gone, as it should be
        }
      }
    },
  };
  return service;
}

async function statusField(pid: number, field: string): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
  return match?.[1] === undefined ? 0 : Number(match[1]) * 1024;
}

const residentBytes = (pid: number) => statusField(pid, "VmRSS").catch(() => 0);

async function privateBytes(pid: number): Promise<number> {
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, "utf8").catch(() => "");
  let total = 0;
  for (const match of rollup.matchAll(/^Private_(?:Clean|Dirty):\s+(\d+) kB/gm)) {
    total += Number(match[1]) * 1024;
  }
  return total;
}

/** `pid` and every process below it. */
async function processTree(pid: number): Promise<number[]> {
  const parents = new Map<number, number[]>();
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ")".
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (!Number.isFinite(ppid)) continue;
    parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
  }
  const tree: number[] = [];
  const visit = (each: number) => {
    tree.push(each);
    for (const child of parents.get(each) ?? []) visit(child);
  };
  visit(pid);
  return tree;
}

/** The last node process in the chain of node processes from `pid` down. */
async function deepestNode(pid: number): Promise<number | undefined> {
  const tree = await processTree(pid);
  let found: number | undefined;
  for (const each of tree) {
    const exe = await readFile(`/proc/${each}/cmdline`, "utf8").catch(() => "");
    if (/(^|\/)node\0/.test(exe) || exe.startsWith("node\0")) found = each;
  }
  return found;
}
