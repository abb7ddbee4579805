import { randomUUID } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { AgentEvent, AgentRunInput } from "@agentry/core/protocol";
import { AgentRunError } from "../errors.js";
import { scrub } from "../scrub.js";
import { describeLimit, runCli, type CliExit } from "./cli-process.js";
import { environment, readState, writeSettings, writeState } from "./gemini-cli-setup.js";
import { CLI_EXIT_MEANINGS, failureOf, parseStreamLine } from "./gemini-cli-stream.js";
import {
  readRecordedCalls,
  sessionFiles,
  usageEvents,
  type ModelTotals,
  type RecordedCall,
} from "./gemini-cli-usage.js";
import { cliStateDir, createRunHome, type RunHome } from "./run-home.js";
import type { AgentRunner, RunContext, RunOutcome } from "./runner.js";

const CLI = "gemini";

const MAX_TOOL_DETAIL = 200;

/**
 * Runs one message with Gemini CLI (`gemini --prompt … --output-format stream-json`), continuing
 * the agent's CLI session. Gemini CLI takes Gemini API keys only.
 */
export const runGeminiCli: AgentRunner = async (
  input: AgentRunInput,
  context: RunContext,
): Promise<RunOutcome> => {
  const secrets = [input.credential.secret];
  const log = (line: string): void => {
    context.log(scrub(line, secrets));
  };
  const fail = (error: AgentRunError): RunOutcome => {
    context.emit({
      type: "error",
      code: error.code,
      ...(error.status === undefined ? {} : { status: error.status }),
      message: scrub(error.message, secrets),
    });
    return "error";
  };

  if (input.credential.kind !== "API_KEY") {
    return fail(
      new AgentRunError(
        "AGENT_FAILED",
        "Gemini CLI takes an API key, not a subscription: use a Gemini API key (from Google AI Studio)",
      ),
    );
  }
  if (input.provider !== "GEMINI") {
    return fail(
      new AgentRunError(
        "AGENT_FAILED",
        `Gemini CLI runs Gemini models only, not ${input.provider}`,
      ),
    );
  }

  let home: RunHome | undefined;
  try {
    const stateDir = cliStateDir(context.workspace, CLI);
    // `.gemini` (settings, sessions, project ids) lives in the workspace, linked into the run
    // HOME; GEMINI_CLI_HOME names it by its stable path because the CLI writes that path into
    // every request's system prompt, and a path that changed per run would defeat the
    // provider's prompt caching across messages.
    home = await createRunHome({ workspace: context.workspace, cli: CLI, persistent: [".gemini"] });
    const geminiDir = join(stateDir, ".gemini");
    await writeSettings(geminiDir);
    const tmp = home.at("tmp"); // the CLI's error reports go to TMPDIR; removed with the HOME
    await mkdir(tmp, { mode: 0o700 });
    const env = environment(input, context, home.path, stateDir, tmp);

    const saved = (await readState(stateDir))?.sessionId;
    const run = (resume: string | undefined): Promise<Attempt> =>
      runOnce(input, context, { env, geminiDir, resume, log });
    // A session whose file is gone (state restored without it, cleaned up) cannot be resumed:
    // start a new conversation rather than fail every message.
    const resumable =
      saved !== undefined && (await sessionFiles(geminiDir, saved)).length > 0 ? saved : undefined;
    if (saved !== undefined && resumable === undefined) {
      log(`gemini session ${saved} not found; starting a new one`);
    }
    let attempt = await run(resumable);
    if (attempt.sessionMissing) {
      log(`gemini could not resume session ${saved ?? "?"}; starting a new one`);
      attempt = await run(undefined);
    }
    if (attempt.started) await writeState(stateDir, { sessionId: attempt.sessionId });

    for (const usage of attempt.usage) context.emit(usage);
    const failure = failureOfRun(input, attempt);
    if (failure !== undefined) {
      log(`gemini ${describeExit(attempt.exit)}; stderr: ${tail(attempt.exit.stderrTail)}`);
      return fail(failure);
    }
    context.emit({ type: "done" });
    return "done";
  } catch (error) {
    log(
      `run failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
    const reason = error instanceof Error ? error.message : String(error);
    return fail(new AgentRunError("AGENT_FAILED", `the agent failed: ${reason}`));
  } finally {
    await home?.dispose().catch(() => undefined);
  }
};

interface Attempt {
  readonly sessionId: string;
  /** The CLI opened the session (so it exists for the next message to resume). */
  readonly started: boolean;
  /** `--resume` found no such session, before any call. */
  readonly sessionMissing: boolean;
  readonly exit: CliExit;
  readonly result: { ok: boolean; errorMessage: string | undefined } | undefined;
  readonly usage: Extract<AgentEvent, { type: "usage" }>[];
}

async function runOnce(
  input: AgentRunInput,
  context: RunContext,
  options: {
    env: Record<string, string>;
    geminiDir: string;
    resume: string | undefined;
    log: (line: string) => void;
  },
): Promise<Attempt> {
  const { resume, geminiDir } = options;
  // A new session gets its id from us, so its calls can be found even if the run is cut short.
  const sessionId = resume ?? randomUUID();
  const before = new Set(
    resume === undefined ? [] : (await readRecordedCalls(geminiDir, sessionId)).keys(),
  );

  // What the stream told (an object: it is filled in from the line callback).
  const seen: {
    started: boolean;
    result: Attempt["result"];
    totals: Record<string, ModelTotals> | undefined;
  } = { started: false, result: undefined, totals: undefined };
  let wroteText = false;
  let textEndsLine = false;
  let toolSinceText = false;
  const exit = await runCli({
    command: CLI,
    args: [
      "--model",
      input.model, // always: without it the "auto" router adds a classifier call
      `--prompt=${input.text}`, // one argument, even for text that starts with "-"
      "--output-format",
      "stream-json",
      "--skip-trust", // without it: exit 55 in a folder it has not been told to trust
      // The container is the sandbox: every tool call runs without asking (headless runs
      // cannot answer a prompt; the default mode drops the write and shell tools instead).
      "--approval-mode",
      "yolo",
      ...(resume === undefined ? ["--session-id", sessionId] : ["--resume", resume]),
    ],
    binDir: context.cliBinDir,
    env: options.env,
    cwd: context.workspace,
    timeLimitMs: input.timeLimitMs,
    onStdoutLine: (line) => {
      const event = parseStreamLine(line);
      switch (event?.kind) {
        case "init":
          seen.started = true;
          return;
        case "text": {
          // The CLI streams each model turn's text; keep turns around tool calls apart.
          const separate = toolSinceText && wroteText && !textEndsLine;
          const delta = separate ? `\n${event.delta}` : event.delta;
          toolSinceText = false;
          wroteText = true;
          textEndsLine = delta.endsWith("\n");
          context.emit({ type: "text", delta });
          return;
        }
        case "tool":
          toolSinceText = true;
          context.emit({
            type: "tool",
            name: event.name,
            ...toolDetail(event.parameters, [input.credential.secret]),
          });
          return;
        case "tool-failed":
        case "warning":
          options.log(`gemini: ${event.message.slice(0, 500)}`);
          return;
        case "result":
          seen.result = { ok: event.ok, errorMessage: event.errorMessage };
          seen.totals = event.models;
          return;
        case undefined:
          return;
      }
    },
  });

  const sessionMissing =
    resume !== undefined &&
    !seen.started &&
    exit.code === 42 &&
    exit.stderrTail.includes("Error resuming session");
  const after = sessionMissing
    ? new Map<string, RecordedCall>()
    : await readRecordedCalls(geminiDir, sessionId);
  return {
    sessionId,
    started: seen.started || after.size > 0,
    sessionMissing,
    exit,
    result: seen.result,
    usage: sessionMissing ? [] : usageEvents(input, before, after, seen.totals),
  };
}

/** Undefined when the run succeeded; else the error to report. */
function failureOfRun(input: AgentRunInput, attempt: Attempt): AgentRunError | undefined {
  const { exit, result } = attempt;
  if (exit.spawnError !== undefined) {
    return new AgentRunError("AGENT_FAILED", `Gemini CLI could not be started: ${exit.spawnError}`);
  }
  if (exit.timedOut) {
    return new AgentRunError(
      "AGENT_FAILED",
      `Gemini CLI did not finish within ${describeLimit(input.timeLimitMs)}`,
    );
  }
  if (result?.ok === true) return undefined;
  if (result !== undefined) return failureOf(result.errorMessage, exit.code);
  return new AgentRunError("AGENT_FAILED", `Gemini CLI ${describeExit(exit)} without a result`);
}

function toolDetail(parameters: unknown, secrets: readonly string[]): { detail?: string } {
  if (parameters === undefined || parameters === null) return {};
  let detail: string;
  try {
    detail = JSON.stringify(parameters);
  } catch {
    return {};
  }
  if (detail === "{}") return {};
  const short = detail.length > MAX_TOOL_DETAIL ? `${detail.slice(0, MAX_TOOL_DETAIL)}…` : detail;
  return { detail: scrub(short, secrets) };
}

function describeExit(exit: CliExit): string {
  if (exit.code !== null) {
    const meaning = CLI_EXIT_MEANINGS[exit.code];
    return `exited with code ${exit.code}${meaning === undefined ? "" : ` (${meaning})`}`;
  }
  return `was killed by ${exit.signal ?? "a signal"}`;
}

function tail(stderr: string): string {
  return stderr.trim().split("\n").slice(-5).join(" | ").slice(-800);
}
