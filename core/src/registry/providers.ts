import type { CredentialKind, Provider } from "../domain/enums.js";

// One descriptor per provider: everything the system knows about it that is not wire format
// (the agents and the fake provider speak those). Every table keyed by provider in core, the
// api and (through the schema) the client derives from here.

/** How one kind of credential of a provider looks to people: forms, instructions, messages. */
export interface CredentialFormat {
  readonly kind: CredentialKind;
  /** What it is called, on its own, e.g. "Claude subscription token", "Anthropic API key". */
  readonly name: string;
  /** The label of the field it is pasted into, e.g. "Claude Code token". */
  readonly inputLabel: string;
  /** What it looks like, in one sentence. */
  readonly description: string;
  /** The public prefixes it starts with (empty when it has none); validation is formats.ts. */
  readonly prefixes: readonly string[];
  /** The shape shown in an empty field; never a real secret. */
  readonly placeholder: string;
  /** Pasted as a whole file (several lines) rather than a one-line token. */
  readonly multiline: boolean;
  /** How a person gets one and adds it, step by step; `code` spans in backticks. */
  readonly steps: readonly string[];
}

export interface ProviderDescriptor {
  /** How it is named to people. */
  readonly label: string;
  /** One sentence for the schema. */
  readonly description: string;
  /** The operator's system-wide key: its environment variable and the kind of credential it is. */
  readonly systemKey: { readonly variable: string; readonly kind: CredentialKind };
  /** The credential kinds it has, most preferred first, with how each looks. */
  readonly credentials: readonly CredentialFormat[];
  /** @pydantic/genai-prices' provider id; null when it does not bill per token. */
  readonly priceProviderId: string | null;
  /** The model an agent gets when spawned without one. */
  readonly defaultModel: string;
  /** Model names that belong to it (spawnAgent infers the provider from them); null: none. */
  readonly modelPattern: RegExp | null;
}

const ANTHROPIC = {
  label: "Anthropic",
  description: "Anthropic (Claude): API keys and Claude subscription tokens.",
  systemKey: { variable: "ANTHROPIC_API_KEY", kind: "API_KEY" },
  credentials: [
    {
      kind: "SUBSCRIPTION",
      name: "Claude subscription token",
      inputLabel: "Claude Code token",
      description:
        "A token from `claude setup-token`, starting with sk-ant-oat01-, or the contents of Claude's ~/.claude/.credentials.json.",
      prefixes: ["sk-ant-oat01-"],
      placeholder: "sk-ant-oat01-…",
      multiline: false,
      steps: [
        "On a machine where you use Claude Code, run `claude setup-token` and sign in with your Claude subscription.",
        "Paste the token it prints (it starts with `sk-ant-oat01-`).",
        "Or, for a sign-in the agent refreshes itself, paste the contents of `~/.claude/.credentials.json` from a machine where you signed in with `claude`.",
      ],
    },
    {
      kind: "API_KEY",
      name: "Anthropic API key",
      inputLabel: "API key",
      description: "An Anthropic API key, starting with sk-ant-.",
      prefixes: ["sk-ant-"],
      placeholder: "sk-ant-api03-…",
      multiline: false,
      steps: [
        "Create a key in the Anthropic Console (console.anthropic.com → API Keys).",
        "Paste it (it starts with `sk-ant-`).",
      ],
    },
  ],
  priceProviderId: "anthropic",
  defaultModel: "claude-sonnet-4-5",
  modelPattern: /^claude/i,
} as const satisfies ProviderDescriptor;

const OPENAI = {
  label: "OpenAI",
  description: "OpenAI: API keys and Codex (ChatGPT sign-in) auth.json.",
  systemKey: { variable: "OPENAI_API_KEY", kind: "API_KEY" },
  credentials: [
    {
      kind: "SUBSCRIPTION",
      name: "ChatGPT sign-in (Codex auth.json)",
      inputLabel: "Contents of auth.json",
      description: "The contents of Codex's ~/.codex/auth.json after a ChatGPT sign-in.",
      prefixes: [],
      placeholder: '{"auth_mode": "chatgpt", "tokens": { … } }',
      multiline: true,
      steps: [
        "Run `codex login --device-auth` and sign in with your ChatGPT account.",
        "Paste the whole contents of `~/.codex/auth.json` (the tokens in it are refreshed as agents run).",
      ],
    },
    {
      kind: "API_KEY",
      name: "OpenAI API key",
      inputLabel: "API key",
      description: "An OpenAI API key, starting with sk-.",
      prefixes: ["sk-"],
      placeholder: "sk-…",
      multiline: false,
      steps: [
        "Create a key on the OpenAI platform (platform.openai.com → API keys).",
        "Paste it (it starts with `sk-`).",
      ],
    },
  ],
  priceProviderId: "openai",
  defaultModel: "gpt-5",
  modelPattern: /^(gpt|o\d|chatgpt|codex)/i,
} as const satisfies ProviderDescriptor;

const GEMINI = {
  label: "Gemini",
  description: "Google Gemini: API keys.",
  systemKey: { variable: "GEMINI_API_KEY", kind: "API_KEY" },
  credentials: [
    {
      kind: "API_KEY",
      name: "Gemini API key",
      inputLabel: "API key",
      description: "A Gemini API key (about 39 characters, usually starting with AIza).",
      prefixes: [],
      placeholder: "AIza…",
      multiline: false,
      steps: [
        "Create a key in Google AI Studio (aistudio.google.com → Get API key).",
        "Paste it (about 39 characters, usually starting with `AIza`).",
      ],
    },
  ],
  // genai-prices files Gemini under Google.
  priceProviderId: "google",
  defaultModel: "gemini-2.5-flash",
  modelPattern: /^gemini/i,
} as const satisfies ProviderDescriptor;

const GITHUB_COPILOT = {
  label: "GitHub Copilot",
  description: "GitHub Copilot: a GitHub token with the Copilot permission.",
  systemKey: { variable: "COPILOT_GITHUB_TOKEN", kind: "SUBSCRIPTION" },
  credentials: [
    {
      kind: "SUBSCRIPTION",
      name: "GitHub token for Copilot",
      inputLabel: "GitHub token",
      description:
        "A fine-grained GitHub token with the Copilot Requests permission (github_pat_, gho_ or ghu_; classic ghp_ tokens are not accepted).",
      prefixes: ["github_pat_", "gho_", "ghu_"],
      placeholder: "github_pat_…",
      multiline: false,
      steps: [
        "On GitHub, create a fine-grained personal access token with the Copilot Requests permission (Settings → Developer settings → Personal access tokens), on an account with a Copilot plan.",
        "Paste it (it starts with `github_pat_`; `gho_` and `ghu_` tokens work too, classic `ghp_` tokens do not).",
      ],
    },
  ],
  // Copilot bills by subscription, not per token.
  priceProviderId: null,
  // Offered on every Copilot plan, the free one included (gpt-4.1 is not).
  defaultModel: "gpt-5-mini",
  modelPattern: null,
} as const satisfies ProviderDescriptor;

// Not a model provider: the token a session's repository is cloned and pushed with (issue 9).
// It lives among the providers so it is stored, sealed, rotated, listed and deleted as every
// other credential is (setAccountCredential / setSessionKey with provider GIT), and no agent
// kind runs with it. It resolves session > account only: a system-wide token would let every
// user clone whatever the operator's token reaches, so GIT_TOKEN is never read for it (the
// variable is only the registry's name for it; see resolveRepositoryToken).
const GIT = {
  label: "Git repository",
  description:
    "A repository token: clones the session's repository into each agent's workspace and pushes its branches (https, basic auth).",
  systemKey: { variable: "GIT_TOKEN", kind: "API_KEY" },
  credentials: [
    {
      kind: "API_KEY",
      name: "repository token",
      inputLabel: "Repository token",
      description:
        "A token for https access to the repository: GitHub fine-grained (github_pat_) or classic (ghp_), GitLab (glpat-), or any host's token or password, optionally as username:token.",
      prefixes: ["github_pat_", "ghp_", "glpat-"],
      placeholder: "github_pat_…",
      multiline: false,
      steps: [
        "On GitHub, create a fine-grained personal access token for the repository with Contents read and write (Settings → Developer settings → Personal access tokens); a classic `ghp_` token with the repo scope works too.",
        "On GitLab, create a personal or project access token with read_repository and write_repository (it starts with `glpat-`).",
        "For any other https host, paste the token or password; when the host needs a particular user name, paste `username:token`.",
      ],
    },
  ],
  priceProviderId: null,
  defaultModel: "",
  modelPattern: null,
} as const satisfies ProviderDescriptor;

/** Every provider, in the order people see them. A provider missing here does not compile. */
export const PROVIDER_REGISTRY = {
  ANTHROPIC,
  OPENAI,
  GEMINI,
  GITHUB_COPILOT,
  GIT,
} as const satisfies Record<Provider, ProviderDescriptor>;
