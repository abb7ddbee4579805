// The process runtime's agent hosts outlive the worker that started them (a worker that dies
// mid-message leaves the run going for the next worker; see worker/src/runtime/process-host.ts).
// When `npm start` stops the whole local system, nothing is left to find them: they are stopped
// too, as the worker's own ProcessHosts.stop does (SIGTERM, then SIGKILL after two seconds).
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { repoRoot } from "./paths.mjs";

/** Where the worker's process runtime keeps its agents (create-runtime.ts's default). */
export const agentsDir = path.join(repoRoot, ".local", "agents");

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid in `dir/host.pid` when that process is still this agent's host (not a recycled pid). */
async function hostPid(dir) {
  let pid;
  try {
    pid = Number(await readFile(path.join(dir, "host.pid"), "utf8"));
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    const commandLine = await readFile(`/proc/${pid}/cmdline`, "utf8");
    return commandLine.includes(path.join(dir, "host.sock")) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Stops every agent host running under `root`; returns how many were running. */
export async function stopAgentHosts(root = agentsDir) {
  let names;
  try {
    names = await readdir(root);
  } catch {
    return 0;
  }
  const pids = (await Promise.all(names.map((name) => hostPid(path.join(root, name))))).filter(
    (pid) => pid !== undefined,
  );
  const signal = (name) => {
    for (const pid of pids) {
      try {
        process.kill(pid, name);
      } catch {
        // gone already
      }
    }
  };
  signal("SIGTERM"); // a host kills its agent program and what it started, then exits
  for (let poll = 0; poll < 40 && pids.some(alive); poll += 1) await sleep(50);
  signal("SIGKILL");
  return pids.length;
}
