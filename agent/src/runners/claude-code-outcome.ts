import type { AgentRunInput } from "@agentry/core/protocol";
import type { AgentErrorCode } from "../errors.js";
import type { ClaudeStream } from "./claude-code-stream.js";
import { describeLimit, type CliExit } from "./cli-process.js";
import type { RunContext, RunOutcome } from "./runner.js";

// How a Claude Code run ends: `done`, or the error its result (or its exit) tells.

const MAX_DETAIL = 400;
const STDERR_LOGGED = 2000;
const SUBSCRIPTION_FIX = "run `claude setup-token` and save the new token";

export interface Failure {
  readonly code: AgentErrorCode;
  readonly message: string;
  readonly status?: number | undefined;
}

export interface FinishedRun {
  readonly exit: CliExit;
  readonly stream: ClaudeStream;
}

/** Ends the run: `done` when the CLI's result says so, else the failure, through `fail`. */
export function conclude(
  input: AgentRunInput,
  context: RunContext,
  attempt: FinishedRun,
  log: (line: string) => void,
  fail: (failure: Failure) => RunOutcome,
): RunOutcome {
  const { exit, stream } = attempt;
  const result = stream.result;
  if (result === undefined || exit.stderrTail.trim() !== "") {
    const tail = exit.stderrTail.trim().slice(-STDERR_LOGGED);
    if (tail !== "") log(`claude-code: exit ${exit.code ?? exit.signal ?? "?"}; stderr: ${tail}`);
  }
  if (result === undefined) {
    if (refusedForGood(stream.lastRetryStatus) && stream.lastRetryStatus !== undefined) {
      return fail(providerFailure(input, stream.lastRetryStatus, ""));
    }
    if (exit.timedOut) {
      return fail({
        code: "AGENT_FAILED",
        message: `Claude Code did not finish within ${describeLimit(input.timeLimitMs)}`,
      });
    }
    if (exit.spawnError !== undefined) {
      return fail({
        code: "AGENT_FAILED",
        message: `Claude Code could not be started: ${exit.spawnError}`,
      });
    }
    const how =
      exit.code === null ? `was killed (${exit.signal ?? "?"})` : `exited with code ${exit.code}`;
    // A credential refused on every retry, even when the CLI then died without saying so.
    if (stream.lastRetryStatus !== undefined) {
      return fail(
        providerFailure(input, stream.lastRetryStatus, `Claude Code ${how} while retrying`),
      );
    }
    return fail({
      code: "AGENT_FAILED",
      message:
        stream.jsonLines === 0
          ? `Claude Code ${how} without printing anything it is expected to print`
          : `Claude Code ${how} without a result`,
    });
  }
  if (result.subtype === "error_max_turns") {
    // It stopped where it was told to: the reply so far stands, as with the chat agent.
    context.emit({ type: "done", stopReason: "max_calls" });
    return "done";
  }
  if (result.isError) {
    const detail = (result.text ?? "").slice(0, MAX_DETAIL);
    if (result.apiErrorStatus !== undefined) {
      return fail(providerFailure(input, result.apiErrorStatus, detail));
    }
    // Refused before any call (e.g. an expired sign-in that could not be refreshed): the CLI
    // says so in the error notice it writes as an assistant message.
    if (stream.apiError === "authentication_failed")
      return fail(credentialRefused(input, undefined));
    return fail({
      code: "AGENT_FAILED",
      message: `Claude Code failed (${result.subtype ?? "error"})${detail === "" ? "" : `: ${detail}`}`,
    });
  }
  context.emit({
    type: "done",
    ...(result.stopReason === undefined ? {} : { stopReason: result.stopReason }),
  });
  return "done";
}

export const refusedForGood = (status: number | undefined): boolean =>
  status === 401 || status === 403;

/** A subscription given as Claude's .credentials.json (rather than a setup token). */
export const isCredentialsFile = (input: AgentRunInput): boolean =>
  input.credential.kind === "SUBSCRIPTION" && input.credential.secret.trim().startsWith("{");

/** The credential was refused: the user must replace it (the message says how). */
function credentialRefused(input: AgentRunInput, status: number | undefined, detail = ""): Failure {
  const http = status === undefined ? "" : ` (HTTP ${status})`;
  if (input.credential.kind === "API_KEY") {
    return {
      code: "INVALID_API_KEY",
      status,
      message: `Anthropic refused the API key${http}${detail === "" ? "" : `: ${detail}`}`,
    };
  }
  const file = isCredentialsFile(input)
    ? " (or sign in with `claude` again and save the new ~/.claude/.credentials.json)"
    : "";
  return {
    code: "AUTHENTICATION_FAILED",
    status,
    message: `Anthropic refused the Claude subscription; it may have expired or been revoked${http}. To fix it, ${SUBSCRIPTION_FIX}${file}`,
  };
}

/** Anthropic's HTTP refusal, as the result (or the last retry) reported it. */
function providerFailure(input: AgentRunInput, status: number, detail: string): Failure {
  const suffix = detail === "" ? "" : `: ${detail}`;
  if (status === 401 || status === 403) return credentialRefused(input, status, detail);
  if (status === 429) {
    return {
      code: "RATE_LIMITED",
      status,
      message: `Anthropic rate limit reached (HTTP 429)${suffix}`,
    };
  }
  return {
    code: "AGENT_FAILED",
    status,
    message: `Anthropic request failed (HTTP ${status})${suffix}`,
  };
}
