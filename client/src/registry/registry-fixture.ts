import type { RegistryQuery } from "../gql/graphql.js";

// A registry as the api answers it, for unit tests: enough kinds and providers to exercise
// what the screens derive from it (OpenCode without a Claude subscription, one kind not runnable).

const format = (
  kind: "API_KEY" | "SUBSCRIPTION",
  name: string,
  inputLabel: string,
  prefixes: string[],
  multiline = false,
) => ({
  kind,
  name,
  inputLabel,
  description: `${name}.`,
  prefixes,
  placeholder: `${prefixes[0] ?? ""}…`,
  multiline,
});

const setup = (
  provider: "ANTHROPIC" | "OPENAI" | "GEMINI" | "GITHUB_COPILOT",
  kind: "API_KEY" | "SUBSCRIPTION",
  steps: string[],
) => ({
  provider,
  kind,
  steps,
  instructions: steps.join(" "),
});

const CLAUDE_TOKEN = [
  "Run `claude setup-token` and sign in with your Claude subscription.",
  "Paste the token it prints (it starts with `sk-ant-oat01-`).",
];
const ANTHROPIC_KEY = ["Create a key in the Anthropic Console.", "Paste it (`sk-ant-`)."];
const CODEX_LOGIN = [
  "Run `codex login --device-auth` and sign in with your ChatGPT account.",
  "Paste the whole contents of `~/.codex/auth.json`.",
];
const OPENAI_KEY = ["Create a key on the OpenAI platform.", "Paste it (`sk-`)."];
const GEMINI_KEY = ["Create a key in Google AI Studio.", "Paste it."];

export const REGISTRY_FIXTURE: RegistryQuery = {
  agentKinds: [
    {
      kind: "CHAT",
      label: "Chat",
      description: "The built-in chat agent (API keys only).",
      providers: ["ANTHROPIC", "OPENAI", "GEMINI"],
      defaultProvider: "ANTHROPIC",
      credentialKinds: ["API_KEY"],
      runnable: true,
      command: null,
      setup: [
        setup("ANTHROPIC", "API_KEY", ANTHROPIC_KEY),
        setup("OPENAI", "API_KEY", OPENAI_KEY),
        setup("GEMINI", "API_KEY", GEMINI_KEY),
      ],
    },
    {
      kind: "CLAUDE_CODE",
      label: "Claude Code",
      description: "Claude Code: a Claude subscription token or an Anthropic API key.",
      providers: ["ANTHROPIC"],
      defaultProvider: "ANTHROPIC",
      credentialKinds: ["SUBSCRIPTION", "API_KEY"],
      runnable: true,
      command: "claude",
      setup: [
        setup("ANTHROPIC", "SUBSCRIPTION", CLAUDE_TOKEN),
        setup("ANTHROPIC", "API_KEY", ANTHROPIC_KEY),
      ],
    },
    {
      kind: "CODEX",
      label: "Codex",
      description: "Codex: a ChatGPT sign-in or an OpenAI API key.",
      providers: ["OPENAI"],
      defaultProvider: "OPENAI",
      credentialKinds: ["SUBSCRIPTION", "API_KEY"],
      runnable: true,
      command: "codex",
      setup: [setup("OPENAI", "SUBSCRIPTION", CODEX_LOGIN), setup("OPENAI", "API_KEY", OPENAI_KEY)],
    },
    {
      kind: "GEMINI_CLI",
      label: "Gemini CLI",
      description: "Gemini CLI: a Gemini API key only.",
      providers: ["GEMINI"],
      defaultProvider: "GEMINI",
      credentialKinds: ["API_KEY"],
      // Not runnable here, to show such a kind is not offered for spawning.
      runnable: false,
      command: "gemini",
      setup: [setup("GEMINI", "API_KEY", GEMINI_KEY)],
    },
    {
      kind: "OPENCODE",
      label: "OpenCode",
      description: "OpenCode: API keys, or a ChatGPT sign-in; not a Claude subscription.",
      providers: ["ANTHROPIC", "OPENAI", "GEMINI"],
      defaultProvider: "ANTHROPIC",
      credentialKinds: ["SUBSCRIPTION", "API_KEY"],
      runnable: true,
      command: "opencode",
      setup: [
        setup("ANTHROPIC", "API_KEY", ANTHROPIC_KEY),
        setup("OPENAI", "SUBSCRIPTION", CODEX_LOGIN),
        setup("OPENAI", "API_KEY", OPENAI_KEY),
        setup("GEMINI", "API_KEY", GEMINI_KEY),
      ],
    },
  ],
  providers: [
    {
      provider: "ANTHROPIC",
      label: "Anthropic",
      credentialKinds: ["SUBSCRIPTION", "API_KEY"],
      defaultModel: "claude-sonnet-4-5",
      models: [
        { id: "claude-sonnet-4-5", name: "Claude Sonnet 4.5" },
        { id: "claude-haiku-4-5", name: "Claude Haiku 4.5" },
      ],
      systemKeyAvailable: false,
      credentialFormats: [
        format("SUBSCRIPTION", "Claude subscription token", "Claude Code token", ["sk-ant-oat01-"]),
        format("API_KEY", "Anthropic API key", "API key", ["sk-ant-"]),
      ],
    },
    {
      provider: "OPENAI",
      label: "OpenAI",
      credentialKinds: ["SUBSCRIPTION", "API_KEY"],
      defaultModel: "gpt-5",
      models: [{ id: "gpt-5", name: "GPT-5" }],
      systemKeyAvailable: false,
      credentialFormats: [
        format(
          "SUBSCRIPTION",
          "ChatGPT sign-in (Codex auth.json)",
          "Contents of auth.json",
          [],
          true,
        ),
        format("API_KEY", "OpenAI API key", "API key", ["sk-"]),
      ],
    },
    {
      provider: "GEMINI",
      label: "Gemini",
      credentialKinds: ["API_KEY"],
      defaultModel: "gemini-2.5-flash",
      models: [{ id: "gemini-2.5-flash", name: "Gemini 2.5 Flash" }],
      systemKeyAvailable: true,
      credentialFormats: [format("API_KEY", "Gemini API key", "API key", [])],
    },
  ],
};
