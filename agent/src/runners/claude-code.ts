import { access, mkdir, readdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { AgentRunInput } from "@agentry/core/protocol";
import { scrub } from "../scrub.js";
import {
  prepareClaudeCredential,
  rotatedCredential,
  type ClaudeCredential,
} from "./claude-code-auth.js";
import {
  CLAUDE_CODE_CLI,
  loadClaudeCodeState,
  saveClaudeCodeState,
  type ClaudeCodeState,
} from "./claude-code-state.js";
import { ClaudeStream } from "./claude-code-stream.js";
import { ClaudeUsageAccountant, type SessionUsage } from "./claude-code-usage.js";
import {
  conclude,
  isCredentialsFile,
  refusedForGood,
  type Failure,
  type FinishedRun,
} from "./claude-code-outcome.js";
import { runCli } from "./cli-process.js";
import { createRunHome, type RunHome } from "./run-home.js";
import type { AgentRunner, RunContext, RunOutcome } from "./runner.js";

// Claude Code, headless: `claude -p … --output-format stream-json --verbose
// --include-partial-messages`, one run per message, the conversation kept as the CLI's own
// session (resumed with --resume) in the workspace. See README "Claude Code".

/** Where the CLI keeps its sessions (under HOME): linked to the workspace so they persist. */
const PROJECTS = ".claude/projects";
/** The CLI's own retries of a failed call (429, 5xx): a few seconds, then the worker decides. */
const MAX_RETRIES = "3";
/** How long the CLI may take to exit after its result (it can linger on open handles). */
const EXIT_GRACE_MS = 5000;

interface Attempt extends FinishedRun {
  readonly usage: SessionUsage;
}

export const runClaudeCode: AgentRunner = async (input, context): Promise<RunOutcome> => {
  let secrets: string[] = [input.credential.secret];
  const log = (line: string): void => {
    context.log(scrub(line, secrets));
  };
  const fail = (failure: Failure): RunOutcome => {
    context.emit({
      type: "error",
      code: failure.code,
      ...(failure.status === undefined ? {} : { status: failure.status }),
      message: scrub(failure.message, secrets),
    });
    return "error";
  };
  if (input.provider !== "ANTHROPIC") {
    return fail({
      code: "AGENT_FAILED",
      message: `Claude Code runs with Anthropic credentials, not ${input.provider}`,
    });
  }

  let home: RunHome | undefined;
  let credential: ClaudeCredential | undefined;
  let rotationChecked = false;
  // The CLI may have refreshed the sign-in even in a run that failed: the new refresh token must
  // reach the worker (the old one is spent), before the terminal event.
  const handOverRotation = async (): Promise<void> => {
    if (rotationChecked || credential === undefined) return;
    rotationChecked = true;
    const rotated = await rotatedCredential(credential);
    if (rotated === undefined) return;
    secrets = [...secrets, ...rotated.tokens];
    log("claude-code: the CLI refreshed the subscription; handing the new credential over");
    context.emit({ type: "credential", secret: rotated.secret });
  };

  try {
    home = await createRunHome({
      workspace: context.workspace,
      cli: CLAUDE_CODE_CLI,
      persistent: [PROJECTS],
    });
    const prepared = await prepareClaudeCredential(input.credential, home);
    if (!prepared.ok) return fail({ code: "AUTHENTICATION_FAILED", message: prepared.message });
    credential = prepared.credential;
    secrets = [...credential.secrets];
    const env = await environment(input, context, home, credential);

    let state = await loadClaudeCodeState(context.workspace, log);
    if (state.sessionId !== undefined && !(await sessionSaved(home, state.sessionId))) {
      log(`claude-code: session ${state.sessionId} is not in the workspace; starting a new one`);
      state = { totals: {}, rates: state.rates };
    }
    let attempt = await runOnce(input, context, env, state);
    if (attempt === "session-gone") {
      log(`claude-code: the CLI has no session ${state.sessionId ?? ""}; starting a new one`);
      state = { totals: {}, rates: state.rates };
      attempt = await runOnce(input, context, env, state);
    }
    if (attempt === "session-gone") {
      return fail({ code: "AGENT_FAILED", message: "Claude Code could not start a session" });
    }

    await handOverRotation();
    const sessionId = attempt.stream.sessionId ?? state.sessionId;
    await saveClaudeCodeState(context.workspace, {
      ...(sessionId === undefined ? {} : { sessionId }),
      totals: attempt.usage.totals,
      rates: attempt.usage.rates,
    });
    return conclude(input, context, attempt, log, fail);
  } catch (error) {
    log(
      `claude-code: run failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
    await handOverRotation().catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    return fail({ code: "AGENT_FAILED", message: `Claude Code failed: ${reason}` });
  } finally {
    await home?.dispose().catch(() => {
      log("claude-code: could not remove the run's HOME");
    });
  }
};

/** The CLI's whole environment: nothing of the agent's own is inherited. */
async function environment(
  input: AgentRunInput,
  context: RunContext,
  home: RunHome,
  credential: ClaudeCredential,
): Promise<Record<string, string>> {
  const tmp = home.at("tmp");
  await mkdir(tmp, { recursive: true, mode: 0o700 });
  const baseUrl = input.baseUrls.ANTHROPIC;
  return {
    PATH: [context.cliBinDir, dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"].join(
      ":",
    ),
    HOME: home.path,
    TMPDIR: tmp,
    LANG: "C.UTF-8",
    TERM: "dumb",
    // No telemetry, error reports, update checks or other calls the run does not need.
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_AUTOUPDATER: "1",
    CLAUDE_CODE_MAX_RETRIES: MAX_RETRIES,
    // The container is the sandbox: this lets bypassPermissions run as root there.
    IS_SANDBOX: "1",
    ...context.passEnv,
    ...(baseUrl === undefined ? {} : { ANTHROPIC_BASE_URL: baseUrl }),
    ...credential.env,
  };
}

async function runOnce(
  input: AgentRunInput,
  context: RunContext,
  env: Readonly<Record<string, string>>,
  state: ClaudeCodeState,
): Promise<Attempt | "session-gone"> {
  const accountant = new ClaudeUsageAccountant(input, context.emit, state.totals, state.rates);
  const stop = new AbortController();
  let grace: NodeJS.Timeout | undefined;
  const stream = new ClaudeStream({
    text: (delta) => {
      context.emit({ type: "text", delta });
    },
    tool: (name, detail) => {
      const secrets = [input.credential.secret];
      context.emit({
        type: "tool",
        name,
        ...(detail === undefined ? {} : { detail: scrub(detail, secrets) }),
      });
    },
    callStarted: () => {
      accountant.callStarted();
    },
    callEnded: (call) => {
      accountant.callEnded(call);
    },
  });
  const args = [
    "-p",
    "--output-format",
    "stream-json",
    "--verbose",
    "--include-partial-messages",
    "--model",
    input.model,
    // Headless in its own container: nobody is there to approve a tool, so none asks, and
    // anything that would still ask is refused at once rather than waited on.
    "--permission-mode",
    "bypassPermissions",
    "--permission-prompts",
    "none",
    // A cap on provider calls (the session's budget): the CLI stops after that many turns.
    ...(input.maxCalls === null ? [] : ["--max-turns", String(input.maxCalls)]),
    ...(state.sessionId === undefined ? [] : ["--resume", state.sessionId]),
    "--",
    input.text,
  ];
  const exit = await runCli({
    command: "claude",
    args,
    binDir: context.cliBinDir,
    env,
    cwd: context.workspace,
    timeLimitMs: input.timeLimitMs,
    signal: stop.signal,
    onStdoutLine: (line) => {
      stream.line(line);
      // A key or token the provider refused stays refused: no point in the CLI's retries. (A
      // credentials file is left to retry: the CLI may refresh the sign-in and try again.)
      if (refusedForGood(stream.lastRetryStatus) && !isCredentialsFile(input)) stop.abort();
      if (stream.result !== undefined && grace === undefined) {
        grace = setTimeout(() => {
          stop.abort();
        }, EXIT_GRACE_MS);
      }
    },
  });
  clearTimeout(grace);
  if (
    state.sessionId !== undefined &&
    stream.sessionId === state.sessionId &&
    stream.result?.subtype === "error_during_execution" &&
    /no conversation found/i.test(exit.stderrTail)
  ) {
    return "session-gone";
  }
  return { exit, stream, usage: accountant.finish(stream.result, stream.unfinishedCalls()) };
}

/** Whether the CLI's session transcript is in the (linked) projects folder. */
async function sessionSaved(home: RunHome, sessionId: string): Promise<boolean> {
  let projects: string[];
  try {
    projects = await readdir(home.at(PROJECTS));
  } catch {
    return false;
  }
  for (const project of projects) {
    try {
      await access(join(home.at(PROJECTS), project, `${sessionId}.jsonl`));
      return true;
    } catch {
      // not in this project
    }
  }
  return false;
}
