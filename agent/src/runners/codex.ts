import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import type { AgentRunInput } from "@agentry/core/protocol";
import { AgentRunError } from "../errors.js";
import { scrub } from "../scrub.js";
import { describeLimit, runCli, type CliExit } from "./cli-process.js";
import {
  parseCodexSignIn,
  rotatedCodexSignIn,
  writeCodexSignIn,
  type CodexSignIn,
} from "./codex-auth.js";
import {
  CODEX_CLI,
  loadCodexState,
  saveCodexState,
  totalsDelta,
  usageOf,
  ZERO_TOTALS,
  type CodexTotals,
} from "./codex-state.js";
import { CodexStream, type CodexRunSummary } from "./codex-stream.js";
import { createRunHome, type RunHome } from "./run-home.js";
import type { AgentRunner, RunContext, RunOutcome } from "./runner.js";

// Codex (`codex exec --json`) against the run's own model provider entry, so the base URL and
// the credential are exactly the run's: an API key in an environment variable, or a ChatGPT
// sign-in as $CODEX_HOME/auth.json. CODEX_HOME is in the run's throwaway HOME; only
// `sessions/` (the conversation) is linked into the workspace.

const CODEX_HOME = ".codex";
const PROVIDER_ID = "agentry";
/** Holds the API key for Codex (kept out of the commands it runs, see `codexArgs`). */
const KEY_VARIABLE = "AGENTRY_OPENAI_API_KEY";
const OPENAI_API = "https://api.openai.com/v1";
/** Where a ChatGPT sign-in's requests go (Codex's own provider uses it with ChatGPT auth). */
const CHATGPT_CODEX_API = "https://chatgpt.com/backend-api/codex";
const SIGN_IN_FIX =
  "run `codex login --device-auth` and save the new ~/.codex/auth.json as this credential";
const MAX_DETAIL = 400;

const signInSecrets = (signIn: CodexSignIn): string[] => [
  signIn.accessToken,
  signIn.refreshToken,
  ...(signIn.idToken === undefined ? [] : [signIn.idToken]),
];

/** A TOML string (JSON's escapes are TOML basic-string escapes). */
const toml = (value: string): string => JSON.stringify(value);

function codexArgs(input: AgentRunInput, threadId: string | undefined): string[] {
  const subscription = input.credential.kind === "SUBSCRIPTION";
  const baseUrl = input.baseUrls.OPENAI ?? (subscription ? CHATGPT_CODEX_API : OPENAI_API);
  const auth = subscription ? "requires_openai_auth=true" : `env_key=${toml(KEY_VARIABLE)}`;
  const config = [
    `model=${toml(input.model)}`,
    `model_provider=${toml(PROVIDER_ID)}`,
    `model_providers.${PROVIDER_ID}={name=${toml(PROVIDER_ID)},base_url=${toml(baseUrl)},wire_api="responses",${auth}}`,
    // Headless in a container that is itself the sandbox: Codex's own sandbox (namespaces,
    // seccomp) is not available there, and nobody could answer an approval prompt.
    'approval_policy="never"',
    'sandbox_mode="danger-full-access"',
    // auth.json, never an OS keyring, so a refreshed sign-in lands where the runner reads it.
    'cli_auth_credentials_store="file"',
    // The model's shell commands do not get the key in their environment.
    `shell_environment_policy.exclude=[${toml(KEY_VARIABLE)}]`,
    "analytics.enabled=false",
    "check_for_update_on_startup=false",
  ];
  return [
    "exec",
    "--skip-git-repo-check",
    "--json",
    ...config.flatMap((entry) => ["-c", entry]),
    // ChatGPT connectors and plugin marketplaces: network calls a headless run has no use for.
    ...["apps", "plugins", "remote_plugin"].flatMap((feature) => ["--disable", feature]),
    ...(threadId === undefined ? [] : ["resume", threadId]),
    "--",
    input.text,
  ];
}

function codexEnv(
  input: AgentRunInput,
  context: RunContext,
  home: RunHome,
): Record<string, string> {
  return {
    PATH: [context.cliBinDir, dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"].join(
      ":",
    ),
    HOME: home.path,
    CODEX_HOME: home.at(CODEX_HOME),
    TMPDIR: home.at("tmp"),
    LANG: "C.UTF-8",
    TERM: "dumb",
    NO_COLOR: "1",
    ...context.passEnv,
    ...(input.credential.kind === "API_KEY" ? { [KEY_VARIABLE]: input.credential.secret } : {}),
  };
}

/** Classifies what Codex said when the turn failed. */
function failureOf(message: string, input: AgentRunInput): AgentRunError {
  const subscription = input.credential.kind === "SUBSCRIPTION";
  const detail = message.slice(0, MAX_DETAIL);
  const status = Number(/\bstatus:? (\d{3})\b/.exec(message)?.[1] ?? Number.NaN);
  const known = Number.isNaN(status) ? {} : { status };
  // Codex's own words when a sign-in cannot be refreshed (reused, expired or revoked token).
  const refreshFailed = /could not be refreshed|sign in again|refresh token/i.test(message);
  if (status === 401 || status === 403 || (subscription && refreshFailed)) {
    return subscription
      ? new AgentRunError(
          "AUTHENTICATION_FAILED",
          `OpenAI refused the ChatGPT sign-in${Number.isNaN(status) ? "" : ` (HTTP ${status})`}; it may have expired or been replaced: ${SIGN_IN_FIX}. Codex said: ${detail}`,
          known,
        )
      : new AgentRunError(
          "INVALID_API_KEY",
          `OpenAI refused the API key (HTTP ${status}): ${detail}`,
          known,
        );
  }
  if (status === 429 || /usage limit|rate limit/i.test(message)) {
    return new AgentRunError("RATE_LIMITED", `OpenAI rate limit reached: ${detail}`, {
      status: 429,
    });
  }
  return new AgentRunError("AGENT_FAILED", `Codex failed: ${detail}`, known);
}

/** The run's error, when it did not end with a completed turn. */
function outcomeError(
  exit: CliExit,
  summary: CodexRunSummary,
  input: AgentRunInput,
): AgentRunError | undefined {
  if (exit.timedOut) {
    return new AgentRunError(
      "AGENT_FAILED",
      `Codex did not finish within ${describeLimit(input.timeLimitMs)}`,
    );
  }
  if (exit.spawnError !== undefined) {
    return new AgentRunError("AGENT_FAILED", `Codex could not be started: ${exit.spawnError}`);
  }
  if (summary.failure !== undefined) return failureOf(summary.failure, input);
  if (summary.totals !== undefined) return undefined;
  if (summary.lastError !== undefined) return failureOf(summary.lastError, input);
  const how = exit.code === null ? `signal ${exit.signal ?? "?"}` : `exit code ${exit.code}`;
  return new AgentRunError("AGENT_FAILED", `Codex exited without a result (${how})`);
}

/** Codex could not find the saved thread (its rollout file is gone): start a new one. */
const threadGone = (exit: CliExit, summary: CodexRunSummary): boolean =>
  exit.code !== 0 &&
  !exit.timedOut &&
  summary.threadId === undefined &&
  /no rollout found|thread not found|no (?:saved )?session/i.test(exit.stderrTail);

export const runCodex: AgentRunner = async (input, context): Promise<RunOutcome> => {
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

  if (input.provider !== "OPENAI") {
    return fail(new AgentRunError("AGENT_FAILED", "Codex runs with OpenAI credentials only"));
  }
  let signIn: CodexSignIn | undefined;
  if (input.credential.kind === "SUBSCRIPTION") {
    signIn = parseCodexSignIn(input.credential.secret);
    if (signIn === undefined) {
      return fail(
        new AgentRunError(
          "AUTHENTICATION_FAILED",
          `The OpenAI subscription is not Codex's auth.json with tokens; ${SIGN_IN_FIX}`,
        ),
      );
    }
    // Scrub the tokens, not the whole file: its common words and dates would blank out logs.
    secrets.splice(0, secrets.length, ...signInSecrets(signIn));
  }

  let home: RunHome | undefined;
  try {
    const saved = await loadCodexState(context.workspace, log);
    home = await createRunHome({
      workspace: context.workspace,
      cli: CODEX_CLI,
      persistent: [`${CODEX_HOME}/sessions`],
    });
    await mkdir(home.at("tmp"), { recursive: true, mode: 0o700 });
    const authFile = home.at(`${CODEX_HOME}/auth.json`);
    if (signIn !== undefined) await writeCodexSignIn(authFile, signIn);
    const env = codexEnv(input, context, home);

    const attempt = async (threadId: string | undefined) => {
      const stream = new CodexStream(context.emit, log, clean);
      const exit = await runCli({
        command: "codex",
        args: codexArgs(input, threadId),
        binDir: context.cliBinDir,
        env,
        cwd: context.workspace,
        timeLimitMs: input.timeLimitMs,
        onStdoutLine: (line) => {
          stream.line(line);
        },
      });
      return { exit, summary: stream.summary };
    };

    let before: CodexTotals = saved?.totals ?? ZERO_TOTALS;
    let { exit, summary } = await attempt(saved?.threadId);
    if (saved !== undefined && threadGone(exit, summary)) {
      log(`codex: thread ${saved.threadId} is gone; starting a new one`);
      before = ZERO_TOTALS;
      ({ exit, summary } = await attempt(undefined));
    }

    if (summary.threadId !== undefined) {
      // The thread goes on with the next message, even after a failed turn.
      const sameThread = summary.threadId === saved?.threadId;
      await saveCodexState(context.workspace, {
        threadId: summary.threadId,
        totals: summary.totals ?? (sameThread ? before : ZERO_TOTALS),
      });
    }
    if (summary.totals !== undefined) {
      context.emit({
        type: "usage",
        callIndex: 0,
        provider: input.provider,
        model: input.model,
        ...usageOf(totalsDelta(summary.totals, before)),
      });
    }
    if (signIn !== undefined) {
      const rotated = await rotatedCodexSignIn(authFile, signIn);
      if (rotated !== undefined) {
        secrets.push(...signInSecrets(rotated));
        log("codex: the ChatGPT sign-in was refreshed; handing on the new auth.json");
        context.emit({ type: "credential", secret: rotated.content });
      }
    }

    const error = outcomeError(exit, summary, input);
    if (error !== undefined) {
      log(
        `codex: run failed (exit ${exit.code ?? exit.signal ?? "?"}); stderr tail: ${exit.stderrTail.slice(-2000)}`,
      );
      return fail(error);
    }
    context.emit({ type: "done" });
    return "done";
  } catch (error) {
    log(`codex: run failed: ${error instanceof Error ? error.message : String(error)}`);
    return fail(new AgentRunError("AGENT_FAILED", "the Codex agent failed unexpectedly"));
  } finally {
    await home?.dispose().catch(() => undefined);
  }
};
