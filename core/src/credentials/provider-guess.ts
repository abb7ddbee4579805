import type { Provider } from "../domain/enums.js";
import { AppError } from "../errors/app-error.js";
import { parseCodexAuthJson, PROVIDER_LABELS } from "./formats.js";

// Which provider a secret belongs to, going by its shape: the documented public prefixes, and
// Codex's auth.json. A key pasted under the wrong provider (an sk-ant- key as a Gemini key) is
// refused naming the provider it looks like. Messages name prefixes only, never the secret.

interface Shape {
  readonly provider: Provider;
  readonly prefix: string;
  /** What it is called in a message, e.g. "an Anthropic key (sk-ant-…)". */
  readonly described: string;
}

// Longest prefix first: sk-ant- is Anthropic's, any other sk- is OpenAI's.
const SHAPES: readonly Shape[] = [
  { provider: "ANTHROPIC", prefix: "sk-ant-", described: "an Anthropic key (sk-ant-…)" },
  { provider: "OPENAI", prefix: "sk-", described: "an OpenAI key (sk-…)" },
  { provider: "GEMINI", prefix: "AIza", described: "a Gemini key (AIza…)" },
  { provider: "GITHUB_COPILOT", prefix: "github_pat_", described: "a GitHub token (github_pat_…)" },
  ...["gho_", "ghu_", "ghp_", "ghs_", "ghr_"].map((prefix): Shape => ({
    provider: "GITHUB_COPILOT",
    prefix,
    described: `a GitHub token (${prefix}…)`,
  })),
];

const CODEX_AUTH_JSON = "Codex's auth.json (an OpenAI credential)";

/** A secret's provider going by its shape, and how to name that shape; undefined when it has none. */
export function guessProvider(
  secret: string,
): { readonly provider: Provider; readonly described: string } | undefined {
  const value = secret.trim();
  if (value.startsWith("{")) {
    return parseCodexAuthJson(value) === undefined
      ? undefined
      : { provider: "OPENAI", described: CODEX_AUTH_JSON };
  }
  const shape = SHAPES.find((candidate) => value.startsWith(candidate.prefix));
  return shape === undefined ? undefined : { provider: shape.provider, described: shape.described };
}

/**
 * Refuses (BAD_USER_INPUT, details `{ field, looksLike }`) a secret whose shape says it belongs
 * to another provider than the one it is being stored for.
 */
export function refuseWrongProvider(provider: Provider, secret: string, field = "secret"): void {
  // A repository token may be any host's (a GitHub token is one, gho_… or github_pat_…).
  if (provider === "GIT") return;
  const guess = guessProvider(secret);
  if (guess === undefined || guess.provider === provider) return;
  const label = PROVIDER_LABELS[provider];
  throw new AppError(
    "BAD_USER_INPUT",
    `This looks like ${guess.described}, not ${/^[AEIOU]/.test(label) ? "an" : "a"} ${label} credential; store it under ${PROVIDER_LABELS[guess.provider]}`,
    { field, looksLike: guess.provider },
  );
}
