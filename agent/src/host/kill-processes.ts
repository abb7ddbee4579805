import { readdirSync, readFileSync } from "node:fs";

// How the host kills a run: SIGKILL to the agent program and everything it started. CLIs run in
// process groups of their own (so their own time limits kill their tools), so a group kill of
// the agent program alone would leave them running.

/**
 * `tree`: the agent program, every descendant found through /proc, and their process groups
 * (the process runtime, on a shared machine). `container`: every process in the container but
 * the host and its ancestors (PID 1's init): nothing else in an agent's container belongs to
 * anyone but the agent, and a process its tools left behind and orphaned is caught too.
 */
export type KillScope = "tree" | "container";

interface ProcessEntry {
  readonly pid: number;
  readonly ppid: number;
}

function readProcesses(): ProcessEntry[] {
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return []; // no /proc (not Linux): the group kill below is all there is
  }
  const entries: ProcessEntry[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ")"
      const stat = readFileSync(`/proc/${name}/stat`, "latin1");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      entries.push({ pid: Number(name), ppid: Number(fields[1]) });
    } catch {
      // it ended while we looked
    }
  }
  return entries;
}

function descendants(root: number, entries: readonly ProcessEntry[]): number[] {
  const children = new Map<number, number[]>();
  for (const { pid, ppid } of entries) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const found: number[] = [];
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function ancestorsOfSelf(entries: readonly ProcessEntry[]): Set<number> {
  const parent = new Map(entries.map((entry) => [entry.pid, entry.ppid]));
  const kept = new Set<number>([process.pid]);
  for (let pid = process.ppid; pid > 0 && !kept.has(pid); pid = parent.get(pid) ?? 0) {
    kept.add(pid);
  }
  return kept;
}

function kill(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/** SIGKILLs the agent program (`pid`) and what it started, per `scope`. */
export function killAgentProcesses(pid: number, scope: KillScope): void {
  const entries = readProcesses();
  if (scope === "container") {
    const kept = ancestorsOfSelf(entries);
    for (const entry of entries) if (!kept.has(entry.pid)) kill(entry.pid);
    kill(pid);
    return;
  }
  // Found before anything dies: a killed parent's children are re-parented out of the tree.
  const tree = descendants(pid, entries);
  for (const target of [pid, ...tree]) {
    kill(-target); // its process group, when it leads one
    kill(target);
  }
}
