// The domain's enums, shared by api and worker. They mirror the Prisma enums (same strings);
// a type test in core keeps the two in step.

export const Provider = {
  ANTHROPIC: "ANTHROPIC",
  OPENAI: "OPENAI",
  GEMINI: "GEMINI",
  GITHUB_COPILOT: "GITHUB_COPILOT",
  /** Repository access (clone and push over https): a token, not a model provider. */
  GIT: "GIT",
} as const;
export type Provider = (typeof Provider)[keyof typeof Provider];

export const CredentialKind = { API_KEY: "API_KEY", SUBSCRIPTION: "SUBSCRIPTION" } as const;
export type CredentialKind = (typeof CredentialKind)[keyof typeof CredentialKind];

export const KeySource = { SESSION: "SESSION", ACCOUNT: "ACCOUNT", SYSTEM: "SYSTEM" } as const;
export type KeySource = (typeof KeySource)[keyof typeof KeySource];

export const AgentKind = {
  CHAT: "CHAT",
  CLAUDE_CODE: "CLAUDE_CODE",
  CODEX: "CODEX",
  GEMINI_CLI: "GEMINI_CLI",
  COPILOT: "COPILOT",
  OPENCODE: "OPENCODE",
} as const;
export type AgentKind = (typeof AgentKind)[keyof typeof AgentKind];
