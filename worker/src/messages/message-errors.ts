import { AppError, type AgentEvent, type KeySource, type Provider } from "@agentry/core";

const PROVIDER_NAME: Record<Provider, string> = {
  ANTHROPIC: "Anthropic",
  OPENAI: "OpenAI",
  GEMINI: "Google Gemini",
  GITHUB_COPILOT: "GitHub Copilot",
  GIT: "the repository host",
};

const SOURCE_NAME: Record<KeySource, string> = {
  SESSION: "session key",
  ACCOUNT: "account key",
  SYSTEM: "system key",
};

export interface KeyContext {
  readonly source: KeySource;
  readonly provider: Provider;
  readonly hint: string;
}

/**
 * Turns an agent's error event into the error users see. Provider refusals name the key
 * source and the credential's hint, so the user knows which key to fix; nothing from the
 * provider's text reaches the message except through the agent's scrubbed `message`.
 */
export function agentErrorToAppError(
  event: Extract<AgentEvent, { type: "error" }>,
  key: KeyContext,
): AppError {
  const provider = PROVIDER_NAME[key.provider];
  const source = SOURCE_NAME[key.source];
  const hint = key.hint === "" ? "" : ` (…${key.hint})`;
  const details = {
    keySource: key.source,
    provider: key.provider,
    hint: key.hint,
    status: event.status,
  };
  switch (event.code) {
    case "INVALID_API_KEY":
      return new AppError(
        "INVALID_API_KEY",
        `Invalid API key — the ${source}${hint} was refused by ${provider}`,
        details,
      );
    case "AUTHENTICATION_FAILED":
      // The agent's message says how to get a fresh one for its CLI (`claude setup-token`,
      // `codex login --device-auth`, …); it is scrubbed of anything key-shaped.
      return new AppError(
        "AUTHENTICATION_FAILED",
        `Authentication failed — the ${source}${hint} was refused or has expired. ${
          event.message.trim() === "" ? "Get a fresh token and save it." : event.message
        }`,
        details,
      );
    case "RATE_LIMITED":
      return new AppError(
        "RATE_LIMITED",
        `Rate limited by ${provider} — try again shortly`,
        details,
      );
    case "AGENT_FAILED":
      return new AppError("AGENT_FAILED", `The agent failed: ${event.message}`, {
        status: event.status,
      });
  }
}
