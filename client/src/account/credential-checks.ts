import type { CredentialKind, Provider } from "../gql/graphql.js";
import type { CredentialFormat } from "../registry/registry.js";

// What each credential looks like, checked before it is sent so a wrong paste gets a message
// that says what to paste instead. The api checks again (and has the last word). A credential
// without a check of its own here gets one from its format in the api's registry.

export type CredentialCheck = (secret: string) => string | undefined;

const GITHUB_PREFIXES = ["github_pat_", "gho_", "ghu_"] as const;
/** The api's MIN_TOKEN_BODY: a prefix alone (or little more) is a paste cut short. */
const MIN_TOKEN_BODY = 8;

const cutShort = (value: string, prefix: string, what: string): string | undefined =>
  value.length - prefix.length < MIN_TOKEN_BODY
    ? `This is only the start of ${what}: paste the whole token.`
    : undefined;

export const checkClaudeCodeToken: CredentialCheck = (secret) => {
  const value = secret.trim();
  if (value === "") return "Paste the token that `claude setup-token` printed.";
  if (value.startsWith("sk-ant-oat01-"))
    return cutShort(value, "sk-ant-oat01-", "a Claude Code token");
  // Claude's .credentials.json: the api reads it and says what is missing, if anything.
  if (value.startsWith("{")) return undefined;
  if (value.startsWith("sk-ant-"))
    return "This is an Anthropic API key, not a Claude Code token — add it under API Keys, or run `claude setup-token` for a token starting with sk-ant-oat01-.";
  return "A Claude Code token starts with sk-ant-oat01- — run `claude setup-token` to get one.";
};

export const checkCodexAuthJson: CredentialCheck = (secret) => {
  const value = secret.trim();
  if (value === "") return "Paste the contents of ~/.codex/auth.json.";
  if (value.startsWith("sk-"))
    return "This is an OpenAI API key — add it under API Keys. For Codex, paste the contents of ~/.codex/auth.json.";
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return "This is not the contents of auth.json: paste the whole file, from { to }.";
  }
  const tokens =
    typeof parsed === "object" && parsed !== null
      ? (parsed as Record<string, unknown>)["tokens"]
      : undefined;
  const field = (name: string): unknown =>
    typeof tokens === "object" && tokens !== null
      ? (tokens as Record<string, unknown>)[name]
      : undefined;
  const filled = (name: string): boolean => {
    const found = field(name);
    return typeof found === "string" && found.trim() !== "";
  };
  if (!filled("access_token") || !filled("refresh_token"))
    return "This auth.json has no ChatGPT sign-in tokens: run `codex login --device-auth`, sign in with ChatGPT, then paste ~/.codex/auth.json.";
  return undefined;
};

export const checkCopilotToken: CredentialCheck = (secret) => {
  const value = secret.trim();
  if (value === "") return "Paste a GitHub token with the Copilot permission.";
  if (value.startsWith("ghp_"))
    return "Classic ghp_ tokens do not work with Copilot — create a fine-grained token (github_pat_…) with the Copilot Requests permission.";
  const prefix = GITHUB_PREFIXES.find((candidate) => value.startsWith(candidate));
  if (prefix === undefined)
    return "A GitHub token for Copilot starts with github_pat_, gho_ or ghu_.";
  return cutShort(value, prefix, "a GitHub token");
};

export const checkAnthropicApiKey: CredentialCheck = (secret) => {
  const value = secret.trim();
  if (value === "") return "Paste the key.";
  if (value.startsWith("sk-ant-oat"))
    return "This is a Claude Code subscription token — add it under Agent Credentials.";
  return value.startsWith("sk-ant-")
    ? cutShort(value, "sk-ant-", "an Anthropic API key")
    : "An Anthropic API key starts with sk-ant-.";
};

export const checkOpenAiApiKey: CredentialCheck = (secret) => {
  const value = secret.trim();
  if (value === "") return "Paste the key.";
  if (value.startsWith("{"))
    return "This looks like Codex's auth.json — add it under Agent Credentials.";
  return value.startsWith("sk-")
    ? cutShort(value, "sk-", "an OpenAI API key")
    : "An OpenAI API key starts with sk-.";
};

export const checkGeminiApiKey: CredentialCheck = (secret) => {
  const value = secret.trim();
  if (value === "") return "Paste the key.";
  return value.length >= 20
    ? undefined
    : "A Gemini API key is longer than this (about 39 characters).";
};

const CHECKS: Partial<Record<`${Provider}:${CredentialKind}`, CredentialCheck>> = {
  "ANTHROPIC:SUBSCRIPTION": checkClaudeCodeToken,
  "ANTHROPIC:API_KEY": checkAnthropicApiKey,
  "OPENAI:SUBSCRIPTION": checkCodexAuthJson,
  "OPENAI:API_KEY": checkOpenAiApiKey,
  "GEMINI:API_KEY": checkGeminiApiKey,
  "GITHUB_COPILOT:SUBSCRIPTION": checkCopilotToken,
};

/** A check from the registry's description of a credential: not empty, one of its prefixes. */
export function formatCheck(format: CredentialFormat): CredentialCheck {
  return (secret) => {
    const value = secret.trim();
    if (value === "") return `Paste the ${format.name}.`;
    if (format.prefixes.length > 0 && !format.prefixes.some((prefix) => value.startsWith(prefix)))
      return `A ${format.name} starts with ${format.prefixes.join(", ")}.`;
    return undefined;
  };
}

/** The check for a provider's credential of `kind`. */
export function checkFor(
  provider: Provider,
  kind: CredentialKind,
  format: CredentialFormat,
): CredentialCheck {
  return CHECKS[`${provider}:${kind}`] ?? formatCheck(format);
}
