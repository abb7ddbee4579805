import { AgentRunError } from "../errors.js";

// The Copilot CLI takes a GitHub token (`github_pat_…`, `gho_…`, `ghu_…`) and asks GitHub's API
// about it first (`GET /copilot_internal/user`). A refused token makes the CLI retry that about
// 40 times before it exits, so the runner asks once itself and fails at once on a refusal.

export const GITHUB_API = "https://api.github.com";

/** What the user must do about a token Copilot does not take. */
export const COPILOT_TOKEN_FIX =
  "create a fine-grained GitHub token with the Copilot Requests permission (github_pat_…) and save it as this credential";

const CHECK_TIMEOUT_MS = 10_000;
const MAX_DETAIL = 200;

/** Refuses a classic personal access token before anything runs (Copilot never accepts one). */
export function classicTokenError(secret: string): AgentRunError | undefined {
  if (!secret.trim().startsWith("ghp_")) return undefined;
  return new AgentRunError(
    "AUTHENTICATION_FAILED",
    `GitHub Copilot does not accept classic personal access tokens (ghp_…): ${COPILOT_TOKEN_FIX}`,
  );
}

/** GitHub refused the token (HTTP 401/403). */
export function refusedTokenError(status: number, detail: string): AgentRunError {
  const said = detail === "" ? "" : `: ${detail.slice(0, MAX_DETAIL)}`;
  return new AgentRunError(
    "AUTHENTICATION_FAILED",
    `GitHub refused the token (HTTP ${status}${said}); it may have expired, been revoked or lack the Copilot permission: ${COPILOT_TOKEN_FIX}`,
    { status },
  );
}

/**
 * Asks GitHub's API whether it takes the token for Copilot. Only a refusal (401, 403) is an
 * answer; anything else (no network, a proxy in the way, 5xx) leaves the question to the CLI.
 */
export async function checkCopilotToken(
  githubApi: string,
  secret: string,
  log: (line: string) => void,
): Promise<AgentRunError | undefined> {
  let response: Response;
  try {
    response = await fetch(`${githubApi.replace(/\/+$/, "")}/copilot_internal/user`, {
      headers: {
        authorization: `Bearer ${secret}`,
        accept: "application/json",
        "user-agent": "agentry-agent",
      },
      signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
    });
  } catch (error) {
    log(`copilot: token check skipped: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
  const body = await response.text().catch(() => "");
  if (response.status !== 401 && response.status !== 403) return undefined;
  let detail = "";
  try {
    const message = (JSON.parse(body) as { message?: unknown }).message;
    if (typeof message === "string") detail = message;
  } catch {
    // not GitHub's JSON: no detail
  }
  return refusedTokenError(response.status, detail);
}
