import type { AgentKind, CredentialKind, Provider } from "../domain/enums.js";

// One descriptor per agent kind: which providers it runs with, which of their credentials it can
// use and in which order, how it runs, and whether it runs at all yet.

/** How an agent kind runs inside its container. */
export type AgentRunMode =
  /** The built-in chat agent, calling the provider's API through its SDK. */
  | { readonly via: "sdk" }
  /** A coding agent's own CLI, run headless once per message. */
  | { readonly via: "cli"; readonly command: string };

/** The credentials an agent kind can use with one provider. */
export interface ProviderUse {
  readonly provider: Provider;
  /** The credential kinds it can use with this provider, most preferred first. */
  readonly kinds: readonly CredentialKind[];
}

export interface AgentKindDescriptor {
  /** How it is named to people. */
  readonly label: string;
  /** One sentence for the schema. */
  readonly description: string;
  readonly runs: AgentRunMode;
  /** Whether spawnAgent accepts it (its runner exists). */
  readonly runnable: boolean;
  /** The providers it runs with, each with the credentials it can use; the first is the default. */
  readonly uses: readonly ProviderUse[];
}

const CHAT = {
  label: "Chat",
  description: "The built-in chat agent, calling the provider's API (API keys only).",
  runs: { via: "sdk" },
  runnable: true,
  uses: [
    { provider: "ANTHROPIC", kinds: ["API_KEY"] },
    { provider: "OPENAI", kinds: ["API_KEY"] },
    { provider: "GEMINI", kinds: ["API_KEY"] },
  ],
} as const satisfies AgentKindDescriptor;

const CLAUDE_CODE = {
  label: "Claude Code",
  description: "Anthropic's Claude Code CLI: a Claude subscription token or an Anthropic API key.",
  runs: { via: "cli", command: "claude" },
  runnable: true,
  uses: [{ provider: "ANTHROPIC", kinds: ["SUBSCRIPTION", "API_KEY"] }],
} as const satisfies AgentKindDescriptor;

const CODEX = {
  label: "Codex",
  description: "OpenAI's Codex CLI: a ChatGPT sign-in (auth.json) or an OpenAI API key.",
  runs: { via: "cli", command: "codex" },
  runnable: true,
  uses: [{ provider: "OPENAI", kinds: ["SUBSCRIPTION", "API_KEY"] }],
} as const satisfies AgentKindDescriptor;

const GEMINI_CLI = {
  label: "Gemini CLI",
  description: "Google's Gemini CLI: a Gemini API key only.",
  runs: { via: "cli", command: "gemini" },
  runnable: true,
  uses: [{ provider: "GEMINI", kinds: ["API_KEY"] }],
} as const satisfies AgentKindDescriptor;

const COPILOT = {
  label: "GitHub Copilot",
  description:
    "GitHub Copilot's CLI: a fine-grained GitHub token with the Copilot permission (classic ghp_ tokens are not accepted).",
  runs: { via: "cli", command: "copilot" },
  runnable: true,
  uses: [{ provider: "GITHUB_COPILOT", kinds: ["SUBSCRIPTION"] }],
} as const satisfies AgentKindDescriptor;

// OpenCode 1.18 no longer accepts Anthropic OAuth, so a Claude subscription is not offered.
const OPENCODE = {
  label: "OpenCode",
  description:
    "The OpenCode CLI: an Anthropic, OpenAI or Gemini API key, or a ChatGPT sign-in (auth.json); not a Claude subscription.",
  runs: { via: "cli", command: "opencode" },
  runnable: true,
  uses: [
    { provider: "ANTHROPIC", kinds: ["API_KEY"] },
    { provider: "OPENAI", kinds: ["SUBSCRIPTION", "API_KEY"] },
    { provider: "GEMINI", kinds: ["API_KEY"] },
  ],
} as const satisfies AgentKindDescriptor;

/** Every agent kind, in the order people see them. A kind missing here does not compile. */
export const AGENT_KIND_REGISTRY = {
  CHAT,
  CLAUDE_CODE,
  CODEX,
  GEMINI_CLI,
  COPILOT,
  OPENCODE,
} as const satisfies Record<AgentKind, AgentKindDescriptor>;
