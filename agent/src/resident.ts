import { createInterface } from "node:readline";
import { RUN_END_LINE } from "@agentry/core/protocol";
import type { AgentIo } from "./agent-io.js";
import { parseAgentConfig } from "./config.js";
import { parseRunInputValue, runMessage } from "./run.js";

// The resident agent: loaded once by the agent host, it runs one message per line of its
// standard input (a ResidentRunFrame), one after the other, each ended by the run-end line so
// the host knows it is ready for the next. What one run sets up (its journal, its credential,
// its extra environment) is gone before the next starts.

export async function serveResident(io: AgentIo): Promise<number> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === "") continue;
    await runFrame(line, io);
    await io.flush();
    io.writeLine(RUN_END_LINE);
  }
  return 0; // the host went away
}

async function runFrame(line: string, io: AgentIo): Promise<void> {
  let frame: { input?: unknown; env?: unknown } = {};
  try {
    frame = JSON.parse(line) as typeof frame;
  } catch {
    // answered below as an invalid input
  }
  const parsed = parseRunInputValue(frame.input);
  if (!parsed.ok) {
    io.emit(parsed.event);
    return;
  }
  const restoreEnv = applyEnv(frame.env);
  try {
    const config = parseAgentConfig(process.env);
    if (!config.ok) {
      for (const problem of config.problems) io.log(`bad environment: ${problem}`);
      io.emit({ type: "error", code: "AGENT_FAILED", message: "invalid agent environment" });
      return;
    }
    const { input } = parsed;
    const { workspace } = config.config;
    io.beginRun({
      workspace,
      messageId: input.messageId,
      attempt: input.attempt,
      secret: input.credential.secret,
    });
    try {
      await runMessage(input, {
        workspace,
        timeoutMs: config.config.timeoutMs,
        cliBinDir: config.config.cliBinDir,
        passEnv: config.config.passEnv,
        emit: io.emit,
        log: io.log,
      });
    } finally {
      io.endRun();
    }
  } finally {
    restoreEnv();
  }
}

/** Sets a run's extra environment (never a secret); returns what puts the old values back. */
function applyEnv(env: unknown): () => void {
  if (typeof env !== "object" || env === null) return () => undefined;
  const saved = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(env)) {
    if (typeof value !== "string") continue;
    saved.set(name, process.env[name]);
    process.env[name] = value;
  }
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) Reflect.deleteProperty(process.env, name);
      else process.env[name] = value;
    }
  };
}
