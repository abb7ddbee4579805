import { randomUUID } from "node:crypto";
import { access, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { AgentRunInput } from "@agentry/core/protocol";
import { AgentRunError } from "../errors.js";
import { scrub } from "../scrub.js";
import { describeLimit, runCli, type CliExit } from "./cli-process.js";
import {
  checkCopilotToken,
  classicTokenError,
  GITHUB_API,
  refusedTokenError,
} from "./copilot-auth.js";
import {
  CopilotStream,
  type CopilotRunSummary,
  type CopilotSessionError,
} from "./copilot-stream.js";
import {
  addCalls,
  COPILOT_CLI,
  countsDelta,
  isEmpty,
  journalCalls,
  loadCopilotState,
  saveCopilotState,
  usageFileTotals,
  usageOf,
  type CopilotCounts,
} from "./copilot-usage.js";
import { createRunHome, type RunHome } from "./run-home.js";
import type { AgentRunner, RunContext, RunOutcome } from "./runner.js";

// GitHub Copilot's CLI (`copilot -p … --output-format json`), with the run's GitHub token in
// COPILOT_GITHUB_TOKEN (never written to a file) and GitHub's API address from the run. Its
// state folder ~/.copilot (sessions, their journals) is linked into the workspace; its logs and
// caches stay in the throwaway HOME. The conversation is one Copilot session whose id the
// runner chooses and keeps: `--session-id` resumes it, or starts it under that id when it is
// gone, so a lost session starts afresh instead of failing.

const LABEL = "GitHub Copilot";
const COPILOT_HOME = ".copilot";
/** Where the image (or the machine's CLI install) keeps Copilot's unpacked package. */
const INSTALLED_CACHE = join("..", "..", "copilot-cache");
/** Copilot stays alive after some failures (a rate limit): how long it gets to exit by itself. */
const END_GRACE_MS = 5_000;
const MAX_DETAIL = 300;

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

/**
 * Copilot unpacks ~235 MB on its first run. The install's unpacked copy when there is one, else
 * a folder outside the run's HOME that outlives the run, so it is unpacked once per machine.
 * Only the package goes there (COPILOT_PKG_CACHE_HOME): the rest of Copilot's cache (a
 * per-token copy of GitHub's answer) stays in the run's HOME.
 */
async function packageCache(cliBinDir: string): Promise<string> {
  const installed = resolve(cliBinDir, INSTALLED_CACHE);
  if (await exists(installed)) return installed;
  const shared = join(tmpdir(), "agentry-copilot-cache");
  await mkdir(shared, { recursive: true, mode: 0o700 });
  return shared;
}

/** The platform's native executable when npm linked it (skips the Node launcher), else `copilot`. */
async function copilotCommand(cliBinDir: string): Promise<string> {
  const native = `copilot-${process.platform}-${process.arch}`;
  return (await exists(join(cliBinDir, native))) ? native : "copilot";
}

const hasProxy = (env: Readonly<Record<string, string>>): boolean =>
  Object.keys(env).some((name) => /^(https?|all)_proxy$/i.test(name));

function copilotArgs(input: AgentRunInput, sessionId: string, home: RunHome): string[] {
  return [
    // `=` keeps a prompt that starts with "-" from reading as an option.
    `--prompt=${input.text}`,
    "--output-format",
    "json",
    `--model=${input.model}`,
    `--session-id=${sessionId}`,
    // Headless in a container that is itself the sandbox: nobody could answer a prompt.
    "--allow-all-tools",
    "--no-ask-user",
    // The model's shell commands do not get the token.
    "--secret-env-vars=COPILOT_GITHUB_TOKEN",
    "--no-auto-update",
    "--disable-client-telemetry",
    "--usage-output-file",
    home.at("usage.json"),
    "--log-dir",
    home.at("logs"),
  ];
}

function copilotEnv(
  input: AgentRunInput,
  context: RunContext,
  home: RunHome,
  cache: string,
): Record<string, string> {
  const githubApi = input.baseUrls.GITHUB_COPILOT?.replace(/\/+$/, "");
  return {
    PATH: [context.cliBinDir, dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"].join(
      ":",
    ),
    HOME: home.path,
    TMPDIR: home.at("tmp"),
    LANG: "C.UTF-8",
    TERM: "dumb",
    NO_COLOR: "1",
    COPILOT_AUTO_UPDATE: "false",
    COPILOT_PKG_CACHE_HOME: cache,
    ...context.passEnv,
    COPILOT_GITHUB_TOKEN: input.credential.secret,
    ...(githubApi === undefined ? {} : { COPILOT_DEBUG_GITHUB_API_URL: githubApi }),
  };
}

/** Classifies Copilot's `session.error`. */
function sessionFailure(error: CopilotSessionError): AgentRunError {
  const status = error.statusCode;
  const detail = error.message.slice(0, MAX_DETAIL);
  if (status === 401 || status === 403 || error.errorType === "authorization") {
    return refusedTokenError(status ?? 401, detail);
  }
  if (status === 429 || error.errorType === "rate_limit") {
    return new AgentRunError("RATE_LIMITED", `${LABEL} rate limit reached: ${detail}`, {
      status: 429,
    });
  }
  return new AgentRunError(
    "AGENT_FAILED",
    `${LABEL} failed: ${detail}`,
    status === undefined ? {} : { status },
  );
}

/** The run's error, when it did not end with a completed turn. */
function outcomeError(
  exit: CliExit,
  summary: CopilotRunSummary,
  input: AgentRunInput,
): AgentRunError | undefined {
  if (exit.timedOut) {
    return new AgentRunError(
      "AGENT_FAILED",
      `${LABEL} did not finish within ${describeLimit(input.timeLimitMs)}`,
    );
  }
  if (exit.spawnError !== undefined) {
    return new AgentRunError("AGENT_FAILED", `${LABEL} could not be started: ${exit.spawnError}`);
  }
  if (summary.error !== undefined) return sessionFailure(summary.error);
  // Ended by the runner after the CLI reported success and then lingered: still a success.
  if (summary.resultExitCode === 0) return undefined;
  // Failures before the session starts are only on stderr, e.g. GitHub refusing the token.
  const refused =
    /Failed to fetch PAT user login \((40[13])\)[^\n]*?(?:returned: ([^\n]*))?$/m.exec(
      exit.stderrTail,
    );
  if (refused?.[1] !== undefined) return refusedTokenError(Number(refused[1]), refused[2] ?? "");
  if (/Classic Personal Access Tokens/i.test(exit.stderrTail)) {
    return classicTokenError("ghp_");
  }
  const said = /^Error: (.+)$/m.exec(exit.stderrTail)?.[1]?.slice(0, MAX_DETAIL);
  const how = exit.code === null ? `signal ${exit.signal ?? "?"}` : `exit code ${exit.code}`;
  if (said !== undefined)
    return new AgentRunError("AGENT_FAILED", `${LABEL} failed (${how}): ${said}`);
  const garbage = summary.unparsed > 0 ? `, ${summary.unparsed} unreadable output lines` : "";
  return new AgentRunError("AGENT_FAILED", `${LABEL} exited without a result (${how}${garbage})`);
}

export const runCopilot: AgentRunner = async (input, context): Promise<RunOutcome> => {
  const secrets = [input.credential.secret];
  const clean = (text: string): string => scrub(text, secrets);
  const log = (line: string): void => {
    context.log(clean(line));
  };
  const fail = (error: AgentRunError): RunOutcome => {
    context.emit({
      type: "error",
      code: error.code,
      ...(error.status === undefined ? {} : { status: error.status }),
      message: clean(error.message),
    });
    return "error";
  };

  if (input.provider !== "GITHUB_COPILOT") {
    return fail(new AgentRunError("AGENT_FAILED", `${LABEL} runs with a GitHub token only`));
  }
  // Copilot refuses classic tokens itself, but only after starting up: say so at once.
  const classic = classicTokenError(input.credential.secret);
  if (classic !== undefined) return fail(classic);

  let home: RunHome | undefined;
  try {
    // Through a proxy GitHub may be unreachable directly: the CLI (which honours it) decides.
    if (!hasProxy(context.passEnv)) {
      const api = input.baseUrls.GITHUB_COPILOT ?? GITHUB_API;
      const refused = await checkCopilotToken(api, input.credential.secret, log);
      if (refused !== undefined) return fail(refused);
    }

    const saved = await loadCopilotState(context.workspace, log);
    home = await createRunHome({
      workspace: context.workspace,
      cli: COPILOT_CLI,
      persistent: [COPILOT_HOME],
    });
    await mkdir(home.at("tmp"), { recursive: true, mode: 0o700 });
    const sessionId = saved?.sessionId ?? randomUUID();
    const journal = home.at(`${COPILOT_HOME}/session-state/${sessionId}/events.jsonl`);
    const resumed = saved !== undefined && (await journalCalls(journal)) !== undefined;
    if (saved !== undefined && !resumed) {
      log(`copilot: session ${sessionId} is gone; starting it afresh`);
    }
    const lastSequence = resumed ? saved.usageSequence : 0;
    const totalsBefore: Record<string, CopilotCounts> = resumed ? saved.totals : {};

    const ended = new AbortController();
    let grace: NodeJS.Timeout | undefined;
    const stream = new CopilotStream(context.emit, clean, () => {
      grace ??= setTimeout(() => {
        ended.abort();
      }, END_GRACE_MS);
    });
    const exit = await runCli({
      command: await copilotCommand(context.cliBinDir),
      args: copilotArgs(input, sessionId, home),
      binDir: context.cliBinDir,
      env: copilotEnv(input, context, home, await packageCache(context.cliBinDir)),
      cwd: context.workspace,
      timeLimitMs: input.timeLimitMs,
      onStdoutLine: (line) => {
        stream.line(line);
      },
      signal: ended.signal,
    });
    clearTimeout(grace);

    // Usage spent counts even when the run failed: the journal has every finished call.
    const calls = await journalCalls(journal);
    const fresh = (calls ?? []).filter((call) => call.sequence > lastSequence);
    const fileTotals = await usageFileTotals(home.at("usage.json"));
    const reported: { model: string; counts: CopilotCounts }[] =
      fresh.length > 0
        ? fresh
        : Object.entries(fileTotals ?? {}).map(([model, now]) => ({
            model,
            counts: countsDelta(now, totalsBefore[model]),
          }));
    let callIndex = 0;
    for (const { model, counts } of reported) {
      if (isEmpty(counts)) continue;
      context.emit({
        type: "usage",
        callIndex: callIndex++,
        provider: input.provider,
        model: model === "" ? input.model : model,
        ...usageOf(counts),
      });
    }
    if (calls !== undefined) {
      await saveCopilotState(context.workspace, {
        sessionId,
        usageSequence: Math.max(lastSequence, ...calls.map((call) => call.sequence)),
        totals: fileTotals ?? addCalls(totalsBefore, fresh),
      });
    }

    const error = outcomeError(exit, stream.summary, input);
    if (error !== undefined) {
      log(
        `copilot: run failed (exit ${exit.code ?? exit.signal ?? "?"}); stderr tail: ${exit.stderrTail.slice(-2000)}`,
      );
      return fail(error);
    }
    context.emit({ type: "done" });
    return "done";
  } catch (error) {
    log(`copilot: run failed: ${error instanceof Error ? error.message : String(error)}`);
    return fail(new AgentRunError("AGENT_FAILED", `the ${LABEL} agent failed unexpectedly`));
  } finally {
    await home?.dispose().catch(() => undefined);
  }
};
