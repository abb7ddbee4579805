import { text } from "node:stream/consumers";
import { createAgentIo, type AgentIo } from "./agent-io.js";
import { parseAgentConfig } from "./config.js";
import { serveResident } from "./resident.js";
import { parseRunInput, runMessage } from "./run.js";

// The agent process. Two modes:
// - one run (no arguments): stdin holds one AgentRunInput JSON object; stdout gets NDJSON
//   protocol events only; exit 0 after `done`, 1 after `error`, 2 when the input or the
//   environment is unusable;
// - resident (`--resident`, under the agent host): one ResidentRunFrame a line on stdin, each
//   run's events on stdout followed by the run-end line, until stdin ends.
// stderr: diagnostics, scrubbed of the run's credential, in both.

async function runOnce(io: AgentIo): Promise<number> {
  const config = parseAgentConfig(process.env);
  if (!config.ok) {
    for (const problem of config.problems) io.log(`bad environment: ${problem}`);
    io.emit({ type: "error", code: "AGENT_FAILED", message: "invalid agent environment" });
    return 2;
  }
  const parsed = parseRunInput(await text(process.stdin));
  if (!parsed.ok) {
    io.emit(parsed.event);
    return 2;
  }
  const { input } = parsed;
  const { workspace } = config.config;
  io.beginRun({
    workspace,
    messageId: input.messageId,
    attempt: input.attempt,
    secret: input.credential.secret,
  });
  const outcome = await runMessage(input, {
    workspace,
    timeoutMs: config.config.timeoutMs,
    cliBinDir: config.config.cliBinDir,
    passEnv: config.config.passEnv,
    emit: io.emit,
    log: io.log,
  });
  io.endRun();
  return outcome === "done" ? 0 : 1;
}

const io = createAgentIo();
const resident = process.argv.includes("--resident");
void (resident ? serveResident(io) : runOnce(io))
  .catch((error: unknown) => {
    // Only reachable through a bug; the message may come from anywhere, so it is not printed.
    io.log(`unexpected failure: ${error instanceof Error ? error.name : typeof error}`);
    io.emit({ type: "error", code: "AGENT_FAILED", message: "the agent failed unexpectedly" });
    return 1;
  })
  .then(async (code) => {
    await io.flush();
    // Exit now: SDK keep-alive sockets must not hold the process open.
    process.exit(code);
  });
