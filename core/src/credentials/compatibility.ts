import type { AgentKind, CredentialKind, Provider } from "../domain/enums.js";

/** What each agent kind can run with: its providers, and the credential kinds it can use. */
export interface AgentCredentialSupport {
  readonly providers: readonly Provider[];
  readonly kinds: readonly CredentialKind[];
}

/**
 * The compatibility table. The chat agent calls provider APIs with an API key only; each CLI
 * takes its provider's subscription token or API key as that CLI supports them.
 */
export const AGENT_CREDENTIALS = {
  CHAT: { providers: ["ANTHROPIC", "OPENAI", "GEMINI"], kinds: ["API_KEY"] },
  CLAUDE_CODE: { providers: ["ANTHROPIC"], kinds: ["SUBSCRIPTION", "API_KEY"] },
  CODEX: { providers: ["OPENAI"], kinds: ["SUBSCRIPTION", "API_KEY"] },
  GEMINI_CLI: { providers: ["GEMINI"], kinds: ["API_KEY"] },
  COPILOT: { providers: ["GITHUB_COPILOT"], kinds: ["SUBSCRIPTION"] },
  OPENCODE: {
    providers: ["ANTHROPIC", "OPENAI", "GEMINI", "GITHUB_COPILOT"],
    kinds: ["SUBSCRIPTION", "API_KEY"],
  },
} as const satisfies Record<AgentKind, AgentCredentialSupport>;

/** Whether an agent of `agentKind` can run with `provider` at all (spawnAgent checks this). */
export function agentSupportsProvider(agentKind: AgentKind, provider: Provider): boolean {
  const support: AgentCredentialSupport = AGENT_CREDENTIALS[agentKind];
  return support.providers.includes(provider);
}

/** Whether an agent of `agentKind` can run with a `kind` credential of `provider`. */
export function agentCanUse(
  agentKind: AgentKind,
  provider: Provider,
  kind: CredentialKind,
): boolean {
  const support: AgentCredentialSupport = AGENT_CREDENTIALS[agentKind];
  return support.providers.includes(provider) && support.kinds.includes(kind);
}

/** The kind a system-wide key from the environment has. */
export const SYSTEM_KEY_KINDS = {
  ANTHROPIC: "API_KEY",
  OPENAI: "API_KEY",
  GEMINI: "API_KEY",
  GITHUB_COPILOT: "SUBSCRIPTION",
} as const satisfies Record<Provider, CredentialKind>;

/** The environment variable that holds each provider's system-wide key. */
export const SYSTEM_KEY_VARIABLES = {
  ANTHROPIC: "ANTHROPIC_API_KEY",
  OPENAI: "OPENAI_API_KEY",
  GEMINI: "GEMINI_API_KEY",
  GITHUB_COPILOT: "COPILOT_GITHUB_TOKEN",
} as const satisfies Record<Provider, string>;

/** The credential kinds each provider has at all (Gemini has no subscription token here). */
export const PROVIDER_CREDENTIAL_KINDS = {
  ANTHROPIC: ["SUBSCRIPTION", "API_KEY"],
  OPENAI: ["SUBSCRIPTION", "API_KEY"],
  GEMINI: ["API_KEY"],
  GITHUB_COPILOT: ["SUBSCRIPTION"],
} as const satisfies Record<Provider, readonly CredentialKind[]>;

/** How an agent kind is named to people. */
export const AGENT_KIND_LABELS = {
  CHAT: "Chat",
  CLAUDE_CODE: "Claude Code",
  CODEX: "Codex",
  GEMINI_CLI: "Gemini CLI",
  COPILOT: "GitHub Copilot",
  OPENCODE: "OpenCode",
} as const satisfies Record<AgentKind, string>;
