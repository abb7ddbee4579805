import { execFileSync } from "node:child_process";
import { once } from "node:events";
import { connect, createServer } from "node:net";

// Processes a command started, and the ports they hold: for tests that start the system the way
// a person does (`npm start`, `npm run demo`) and check that a signal stops all of it.

export async function freePort(): Promise<number> {
  const probe = createServer().listen(0, "127.0.0.1");
  await once(probe, "listening");
  const address = probe.address();
  probe.close();
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

export const listening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => {
      resolve(false);
    });
  });

/** Every process below `pid`, however deep. */
export function descendants(pid: number): number[] {
  let children: number[];
  try {
    children = execFileSync("pgrep", ["-P", String(pid)], { encoding: "utf8" })
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map(Number);
  } catch {
    children = []; // pgrep exits 1 when there are none
  }
  return children.flatMap((child) => [child, ...descendants(child)]);
}

export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** SIGKILLs whatever is left below `pid`: a failed test's clean-up. */
export function killTree(pid: number): void {
  for (const child of descendants(pid)) {
    try {
      process.kill(child, "SIGKILL");
    } catch {
      // gone already
    }
  }
}
