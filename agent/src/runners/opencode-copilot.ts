import type { AgentRunInput } from "@agentry/core/protocol";
import { AgentRunError } from "../errors.js";

// OpenCode sends Copilot calls to api.githubcopilot.com (or copilot-api.<enterprise host>), not
// to the GitHub API address the run is given. With an address given (GitHub Enterprise, or a
// fake in tests), Copilot's model API is looked up there the way GitHub's own Copilot CLI does:
// `GET <github api>/copilot_internal/user` names it in `endpoints.api`.

const LOOKUP_TIMEOUT_MS = 30_000;

const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

/** Copilot's model API for the token, found at the GitHub API address `githubApi`. */
export async function copilotApiAddress(
  githubApi: string,
  input: AgentRunInput,
): Promise<string | AgentRunError> {
  const url = `${githubApi.replace(/\/+$/, "")}/copilot_internal/user`;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: {
        authorization: `Bearer ${input.credential.secret}`,
        accept: "application/json",
        "user-agent": "agentry-opencode",
      },
      signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS),
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return new AgentRunError(
      "AGENT_FAILED",
      `GitHub could not be reached at ${githubApi}: ${reason}`,
    );
  }
  if (response.status === 401 || response.status === 403) {
    return new AgentRunError(
      input.credential.kind === "API_KEY" ? "INVALID_API_KEY" : "AUTHENTICATION_FAILED",
      `GitHub refused the token for Copilot (HTTP ${response.status}); save a GitHub token with the Copilot permission`,
      { status: response.status },
    );
  }
  if (!response.ok) {
    return new AgentRunError(
      "AGENT_FAILED",
      `GitHub's Copilot lookup failed (HTTP ${response.status})`,
      { status: response.status },
    );
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const api = record(record(body)?.["endpoints"])?.["api"];
  if (typeof api !== "string" || !URL.canParse(api)) {
    return new AgentRunError(
      "AGENT_FAILED",
      "GitHub did not say where Copilot's API is for this token",
    );
  }
  return api.replace(/\/+$/, "");
}
