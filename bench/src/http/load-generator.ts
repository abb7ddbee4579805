import { fork } from "node:child_process";
import { once } from "node:events";
import { withTimeout } from "../lib/clock.js";
import type { FromLoadGenerator, LoadResult, LoadSpec } from "./load-protocol.js";

const CHILD = new URL("./load-generator.child.ts", import.meta.url);
/** Past the run's own duration: starting the child, connecting, and the last responses. */
const SLACK_MS = 30_000;

/** Runs `spec` from a process of its own (autocannon) and resolves with what it measured. */
export async function generateLoad(spec: LoadSpec): Promise<LoadResult> {
  const child = fork(CHILD, [], {
    execArgv: ["--import", "tsx"],
    serialization: "advanced",
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  try {
    const reply = once(child, "message") as Promise<[FromLoadGenerator]>;
    child.send(spec);
    const [message] = await withTimeout(
      Promise.race([
        reply,
        once(child, "exit").then(([code]) => {
          throw new Error(`the load generator exited (${String(code)}) without a result`);
        }),
      ]),
      spec.durationS * 1000 + SLACK_MS,
      `load against ${spec.url}`,
    );
    if (message.type === "failed") throw new Error(`the load generator failed: ${message.message}`);
    return message.result;
  } finally {
    if (child.exitCode === null) child.kill();
  }
}
