import type {
  AgentKind,
  AgentStatus,
  CredentialKind,
  KeySource,
  Provider,
} from "../gql/graphql.js";

// How the api's enums are named to people. Typed as records over the generated unions, so a
// value added to the schema does not compile until it has a label.

export const PROVIDERS = [
  "ANTHROPIC",
  "OPENAI",
  "GEMINI",
  "GITHUB_COPILOT",
] as const satisfies readonly Provider[];

export const PROVIDER_LABELS = {
  ANTHROPIC: "Anthropic",
  OPENAI: "OpenAI",
  GEMINI: "Gemini",
  GITHUB_COPILOT: "GitHub Copilot",
} as const satisfies Record<Provider, string>;

export const CREDENTIAL_KIND_LABELS = {
  API_KEY: "API key",
  SUBSCRIPTION: "Subscription",
} as const satisfies Record<CredentialKind, string>;

export const AGENT_KINDS = [
  "CHAT",
  "CLAUDE_CODE",
  "CODEX",
  "GEMINI_CLI",
  "COPILOT",
  "OPENCODE",
] as const satisfies readonly AgentKind[];

export const AGENT_KIND_LABELS = {
  CHAT: "Chat",
  CLAUDE_CODE: "Claude Code",
  CODEX: "Codex",
  GEMINI_CLI: "Gemini CLI",
  COPILOT: "GitHub Copilot",
  OPENCODE: "OpenCode",
} as const satisfies Record<AgentKind, string>;

/** The providers each agent kind can call (the api refuses other pairs). */
export const AGENT_PROVIDERS = {
  CHAT: ["ANTHROPIC", "OPENAI", "GEMINI"],
  CLAUDE_CODE: ["ANTHROPIC"],
  CODEX: ["OPENAI"],
  GEMINI_CLI: ["GEMINI"],
  COPILOT: ["GITHUB_COPILOT"],
  OPENCODE: ["ANTHROPIC", "OPENAI", "GEMINI", "GITHUB_COPILOT"],
} as const satisfies Record<AgentKind, readonly Provider[]>;

export const AGENT_STATUS_LABELS = {
  STARTING: "Starting container",
  BUSY: "Working",
  IDLE: "Idle",
  STOPPED: "Stopped",
  FAILED: "Failed",
} as const satisfies Record<AgentStatus, string>;

/** "Failed: the container exited (137)" when a reason is known, else the status alone. */
export function agentStatusText(status: AgentStatus, reason?: string | null): string {
  const label = AGENT_STATUS_LABELS[status];
  return status === "FAILED" && reason ? `${label}: ${reason}` : label;
}

export const KEY_SOURCE_LABELS = {
  SESSION: "Using this session's key",
  ACCOUNT: "Using your account key",
  SYSTEM: "Using the system key",
} as const satisfies Record<KeySource, string>;

export const NO_KEY_LABEL = "No key — add one";

/** Which key the next message will use, as the settings tab says it; null means none. */
export function keySourceLabel(source: KeySource | null | undefined): string {
  return source ? KEY_SOURCE_LABELS[source] : NO_KEY_LABEL;
}

/** How a finished message names the key it ran with. */
export const RAN_WITH_LABELS = {
  SESSION: "session key",
  ACCOUNT: "account key",
  SYSTEM: "system key",
} as const satisfies Record<KeySource, string>;

/** The agent kinds that can call a provider. */
export function agentKindsFor(provider: Provider): AgentKind[] {
  return AGENT_KINDS.filter((kind) =>
    (AGENT_PROVIDERS[kind] as readonly Provider[]).includes(provider),
  );
}

/** The agent a provider's key status is shown for first: the chat agent where it can run. */
export function defaultAgentKind(provider: Provider): AgentKind {
  return agentKindsFor(provider)[0] ?? "CHAT";
}
