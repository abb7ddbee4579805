import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { AgentRunInput } from "@agentry/core/protocol";
import { AgentRunError } from "../errors.js";
import { scrub } from "../scrub.js";
import { describeLimit, runCli, type CliExit } from "./cli-process.js";
import {
  CODEX_SIGN_IN_FIX,
  openCodeCredential,
  rotatedCodexAuth,
  writeOpenCodeAuth,
  type OpenCodeCredential,
} from "./opencode-auth.js";
import { copilotApiAddress } from "./opencode-copilot.js";
import { loadOpenCodeState, OPENCODE_CLI, saveOpenCodeState } from "./opencode-state.js";
import {
  OpenCodeStream,
  type OpenCodeFailure,
  type OpenCodeRunSummary,
} from "./opencode-stream.js";
import { createRunHome, type RunHome } from "./run-home.js";
import type { AgentRunner, RunContext, RunOutcome } from "./runner.js";

// OpenCode (`opencode run --format json`), configured wholly by OPENCODE_CONFIG_CONTENT for the
// run's provider, model and base URL, with the credential in auth.json in the run's throwaway
// HOME. Its sessions live in a SQLite database that OPENCODE_DB puts in a folder linked into the
// workspace; auth.json sits beside that folder, never in it.

const DATA_DIR = ".local/share/opencode";
/** The persistent folder (linked to the workspace) holding OpenCode's session database. */
const SESSIONS_DIR = `${DATA_DIR}/sessions`;
const CONFIG_DIR = ".config/opencode";
const MAX_DETAIL = 400;
const TITLE_LENGTH = 60;

const LABEL = {
  ANTHROPIC: "Anthropic",
  OPENAI: "OpenAI",
  GEMINI: "Gemini",
  GITHUB_COPILOT: "GitHub Copilot",
} as const satisfies Record<AgentRunInput["provider"], string>;

/** Where OpenCode's provider SDK should send calls, from the run's base URLs. */
function providerBaseUrl(input: AgentRunInput): string | undefined {
  const trim = (url: string): string => url.replace(/\/+$/, "");
  switch (input.provider) {
    case "ANTHROPIC":
      return input.baseUrls.ANTHROPIC === undefined
        ? undefined
        : `${trim(input.baseUrls.ANTHROPIC)}/v1`;
    case "OPENAI":
      // A ChatGPT sign-in's calls go to ChatGPT's own address whatever the base URL says.
      return input.credential.kind === "SUBSCRIPTION" ? undefined : input.baseUrls.OPENAI;
    case "GEMINI":
      return input.baseUrls.GEMINI === undefined
        ? undefined
        : `${trim(input.baseUrls.GEMINI)}/v1beta`;
    case "GITHUB_COPILOT":
      return undefined; // looked up (copilotApiAddress)
  }
}

function openCodeConfig(
  input: AgentRunInput,
  providerId: string,
  baseUrl: string | undefined,
): string {
  const model = `${providerId}/${input.model}`;
  return JSON.stringify({
    model,
    // The small model writes titles and summaries; keep every call on the run's model.
    small_model: model,
    enabled_providers: [providerId],
    ...(baseUrl === undefined
      ? {}
      : { provider: { [providerId]: { options: { baseURL: baseUrl } } } }),
    autoupdate: false,
    share: "disabled",
    // Snapshots copy the workspace into a git store for undo: nothing a headless run needs.
    snapshot: false,
    // The container is the sandbox and nobody is there to answer a prompt.
    permission: "allow",
  });
}

/** The session's title: given, so OpenCode makes no (unreported) title-generation call. */
function titleOf(text: string): string {
  const firstLine = text.trim().split("\n")[0]?.trim() ?? "";
  return firstLine === "" ? "agentry" : firstLine.slice(0, TITLE_LENGTH);
}

function openCodeArgs(input: AgentRunInput, sessionId: string | undefined): string[] {
  return [
    "run",
    "--format",
    "json",
    // No plugins from npm; `--auto` approves whatever a permission rule would still ask.
    "--pure",
    "--auto",
    // Errors on stderr: OpenCode's own event names only a log reference for most of them.
    "--print-logs",
    "--log-level",
    "ERROR",
    `--title=${titleOf(input.text)}`,
    ...(sessionId === undefined ? [] : ["--session", sessionId]),
  ];
}

function openCodeEnv(context: RunContext, home: RunHome, config: string): Record<string, string> {
  return {
    PATH: [context.cliBinDir, dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"].join(
      ":",
    ),
    HOME: home.path,
    TMPDIR: home.at("tmp"),
    LANG: "C.UTF-8",
    TERM: "dumb",
    NO_COLOR: "1",
    OPENCODE_CONFIG_CONTENT: config,
    OPENCODE_DB: home.at(`${SESSIONS_DIR}/opencode.db`),
    OPENCODE_DISABLE_MODELS_FETCH: "1",
    OPENCODE_DISABLE_AUTOUPDATE: "1",
    OPENCODE_DISABLE_LSP_DOWNLOAD: "1",
    ...context.passEnv,
  };
}

/**
 * The HOME's files: auth.json, and a config folder that looks installed. OpenCode otherwise
 * npm-installs @opencode-ai/plugin into every config folder it loads, `--pure` or not.
 */
async function prepareHome(home: RunHome, credential: OpenCodeCredential): Promise<string> {
  await mkdir(home.at("tmp"), { recursive: true, mode: 0o700 });
  await mkdir(home.at(`${CONFIG_DIR}/node_modules`), { recursive: true, mode: 0o700 });
  await writeFile(
    home.at(`${CONFIG_DIR}/package-lock.json`),
    JSON.stringify({ packages: { "": { dependencies: { "@opencode-ai/plugin": "*" } } } }),
  );
  const authFile = home.at(`${DATA_DIR}/auth.json`);
  await writeOpenCodeAuth(authFile, credential);
  return authFile;
}

/** The last error OpenCode logged (`error="…"`), e.g. `ProviderModelNotFoundError: …`. */
function loggedError(stderr: string): string | undefined {
  return [...stderr.matchAll(/\berror="([^"\n]{1,400})"/g)].at(-1)?.[1];
}

/** Classifies the session's failure as OpenCode reported it. */
function failureOf(failure: OpenCodeFailure, input: AgentRunInput, stderr: string): AgentRunError {
  const label = LABEL[input.provider];
  const status = failure.statusCode;
  const known = status === undefined ? {} : { status };
  // "Unexpected server error. Check server logs for details.": the log has the reason.
  const logged = failure.name === "UnknownError" ? loggedError(stderr) : undefined;
  const detail = (logged ?? failure.message).slice(0, MAX_DETAIL);
  const signIn = input.credential.kind === "SUBSCRIPTION";
  const keyRefused =
    status === 401 ||
    status === 403 ||
    failure.name === "ProviderAuthError" ||
    /API_KEY_INVALID|API key not valid/.test(`${failure.message} ${failure.responseBody ?? ""}`) ||
    // A refused refresh (a reused or revoked refresh token); a 5xx there is not the sign-in's fault.
    (signIn && /token refresh failed: 4\d\d/i.test(failure.message));
  if (keyRefused) {
    const http = status === undefined ? "" : ` (HTTP ${status})`;
    if (!signIn) {
      return new AgentRunError(
        "INVALID_API_KEY",
        `${label} refused the API key${http}: ${detail}`,
        known,
      );
    }
    const fix =
      input.provider === "OPENAI"
        ? CODEX_SIGN_IN_FIX
        : "save a GitHub token with the Copilot permission as this credential";
    return new AgentRunError(
      "AUTHENTICATION_FAILED",
      `${label} refused the sign-in${http}; it may have expired or been replaced: ${fix}. OpenCode said: ${detail}`,
      known,
    );
  }
  if (status === 429) {
    return new AgentRunError(
      "RATE_LIMITED",
      `${label} rate limit reached (HTTP 429): ${detail}`,
      known,
    );
  }
  return new AgentRunError(
    "AGENT_FAILED",
    `OpenCode failed: ${logged === undefined ? `${failure.name}: ` : ""}${detail}`,
    known,
  );
}

/** The run's error, when it did not end with a result. */
function outcomeError(
  exit: CliExit,
  summary: OpenCodeRunSummary,
  input: AgentRunInput,
): AgentRunError | undefined {
  if (exit.timedOut) {
    return new AgentRunError(
      "AGENT_FAILED",
      `OpenCode did not finish within ${describeLimit(input.timeLimitMs)}`,
    );
  }
  if (exit.spawnError !== undefined) {
    return new AgentRunError("AGENT_FAILED", `OpenCode could not be started: ${exit.spawnError}`);
  }
  if (summary.failure !== undefined) return failureOf(summary.failure, input, exit.stderrTail);
  if (exit.code === 0 && summary.calls + summary.textParts > 0) return undefined;
  const how = exit.code === null ? `signal ${exit.signal ?? "?"}` : `exit code ${exit.code}`;
  return new AgentRunError("AGENT_FAILED", `OpenCode exited without a result (${how})`);
}

/** OpenCode could not find the saved session (its database was lost): start a new one. */
const sessionGone = (exit: CliExit, summary: OpenCodeRunSummary): boolean =>
  exit.code !== 0 &&
  !exit.timedOut &&
  summary.sessionId === undefined &&
  /session not found/i.test(exit.stderrTail);

export const runOpenCode: AgentRunner = async (input, context): Promise<RunOutcome> => {
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

  const credential = openCodeCredential(input);
  if (credential instanceof AgentRunError) return fail(credential);
  secrets.push(...credential.secrets);

  let home: RunHome | undefined;
  try {
    let baseUrl = providerBaseUrl(input);
    const githubApi = input.baseUrls.GITHUB_COPILOT;
    if (input.provider === "GITHUB_COPILOT" && githubApi !== undefined) {
      const address = await copilotApiAddress(githubApi, input);
      if (address instanceof AgentRunError) return fail(address);
      baseUrl = address;
    }

    const saved = await loadOpenCodeState(context.workspace, log);
    home = await createRunHome({
      workspace: context.workspace,
      cli: OPENCODE_CLI,
      persistent: [SESSIONS_DIR],
    });
    const authFile = await prepareHome(home, credential);
    const env = openCodeEnv(context, home, openCodeConfig(input, credential.providerId, baseUrl));

    const attempt = async (sessionId: string | undefined) => {
      // The budget's cap: once the run has made maxCalls calls, OpenCode is stopped before it
      // starts another (it has no such limit of its own).
      const stop = new AbortController();
      const stream = new OpenCodeStream(
        context.emit,
        { provider: input.provider, model: input.model },
        clean,
      );
      const exit = await runCli({
        command: "opencode",
        args: openCodeArgs(input, sessionId),
        binDir: context.cliBinDir,
        env,
        cwd: context.workspace,
        timeLimitMs: input.timeLimitMs,
        // As arguments, OpenCode would quote words with spaces and turn "42" into a number.
        stdin: input.text,
        signal: stop.signal,
        onStdoutLine: (line) => {
          stream.line(line);
          const { calls, finishReason } = stream.summary;
          if (input.maxCalls !== null && calls >= input.maxCalls && finishReason === "tool-calls") {
            stop.abort();
          }
        },
      });
      return { exit, summary: stream.summary, capped: stop.signal.aborted };
    };

    let { exit, summary, capped } = await attempt(saved?.sessionId);
    if (saved !== undefined && sessionGone(exit, summary)) {
      log(`opencode: session ${saved.sessionId} is gone; starting a new one`);
      ({ exit, summary, capped } = await attempt(undefined));
    }
    // The conversation goes on with the next message, even after a failed turn.
    if (summary.sessionId !== undefined && summary.sessionId !== saved?.sessionId) {
      await saveOpenCodeState(context.workspace, { sessionId: summary.sessionId });
    }

    const rotated = await rotatedCodexAuth(authFile, credential);
    if (rotated !== undefined) {
      secrets.push(...rotated.secrets);
      log("opencode: the ChatGPT sign-in was refreshed; handing on the new auth.json");
      context.emit({ type: "credential", secret: rotated.content });
    }

    if (capped && summary.failure === undefined && !exit.timedOut) {
      context.emit({ type: "done", stopReason: "max_calls" });
      return "done";
    }
    const error = outcomeError(exit, summary, input);
    if (error !== undefined) {
      log(
        `opencode: run failed (exit ${exit.code ?? exit.signal ?? "?"}); stderr tail: ${exit.stderrTail.slice(-2000)}`,
      );
      return fail(error);
    }
    context.emit({ type: "done" });
    return "done";
  } catch (error) {
    log(`opencode: run failed: ${error instanceof Error ? error.message : String(error)}`);
    return fail(new AgentRunError("AGENT_FAILED", "the OpenCode agent failed unexpectedly"));
  } finally {
    await home?.dispose().catch(() => undefined);
  }
};
