import { Console } from "node:console";
import { Writable } from "node:stream";
import { text } from "node:stream/consumers";
import type { AgentEvent } from "@agentry/core/protocol";
import { parseAgentConfig } from "./config.js";
import { openJournal } from "./journal.js";
import { parseRunInput, runMessage } from "./run.js";
import { scrub } from "./scrub.js";

// The agent process: one message per run. stdin: one AgentRunInput JSON object; stdout: NDJSON
// protocol events only; stderr: diagnostics. Exit 0 after `done`, 1 after `error`, 2 when the
// input or the environment is unusable.

/** The credential of this run, once known: nothing written to stderr may contain it. */
const secrets: string[] = [];

// Anything a dependency prints (SDK warnings) must not land among the protocol events, nor
// carry the credential.
const scrubbedStderr = new Writable({
  write(chunk: Buffer | string, _encoding, callback) {
    process.stderr.write(scrub(chunk.toString(), secrets), () => {
      callback();
    });
  },
});
globalThis.console = new Console({ stdout: scrubbedStderr, stderr: scrubbedStderr });

let journal: ((event: AgentEvent) => void) | null = null;
// The worker may die mid-run and its end of the pipe with it: keep going (the journal has the
// run), rather than crash on EPIPE.
let stdoutOpen = true;
process.stdout.on("error", () => {
  stdoutOpen = false;
});

function emit(event: AgentEvent): void {
  if (event.type === "credential") {
    // A rotated credential goes to the worker only: never to the journal on disk.
    secrets.push(event.secret);
  } else {
    journal?.(event);
  }
  if (stdoutOpen) process.stdout.write(`${JSON.stringify(event)}\n`);
}

function log(line: string): void {
  process.stderr.write(`agentry-agent: ${scrub(line, secrets)}\n`);
}

async function flushStdout(): Promise<void> {
  if (!stdoutOpen) return;
  await new Promise<void>((resolve) =>
    process.stdout.write("", () => {
      resolve();
    }),
  );
}

async function main(): Promise<number> {
  const config = parseAgentConfig(process.env);
  if (!config.ok) {
    for (const problem of config.problems) log(`bad environment: ${problem}`);
    emit({ type: "error", code: "AGENT_FAILED", message: "invalid agent environment" });
    return 2;
  }
  const parsed = parseRunInput(await text(process.stdin));
  if (!parsed.ok) {
    emit(parsed.event);
    return 2;
  }
  secrets.push(parsed.input.credential.secret);
  journal = openJournal(config.config.workspace, parsed.input.messageId, parsed.input.attempt);
  const outcome = await runMessage(parsed.input, {
    workspace: config.config.workspace,
    timeoutMs: config.config.timeoutMs,
    cliBinDir: config.config.cliBinDir,
    passEnv: config.config.passEnv,
    emit,
    log,
  });
  return outcome === "done" ? 0 : 1;
}

void main()
  .catch((error: unknown) => {
    // Only reachable through a bug; the message may come from anywhere, so it is not printed.
    log(`unexpected failure: ${error instanceof Error ? error.name : typeof error}`);
    emit({ type: "error", code: "AGENT_FAILED", message: "the agent failed unexpectedly" });
    return 1;
  })
  .then(async (code) => {
    await flushStdout();
    // Exit now: SDK keep-alive sockets must not hold the process open.
    process.exit(code);
  });
