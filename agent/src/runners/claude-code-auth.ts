import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { parseClaudeCredentialsJson, type AgentRunInput } from "@agentry/core/protocol";
import type { RunHome } from "./run-home.js";

// How Claude Code takes each kind of Anthropic credential, for one run:
// - an API key: ANTHROPIC_API_KEY (sent as x-api-key);
// - a token from `claude setup-token` (sk-ant-oat01-…): CLAUDE_CODE_OAUTH_TOKEN (a bearer token
//   with the OAuth beta; the CLI cannot refresh it);
// - Claude's own ~/.claude/.credentials.json: that file in the run's HOME. The CLI refreshes an
//   expired sign-in itself and rewrites the file with a new refresh token (the old one stops
//   working), so the file is read back after the run and handed to the worker when it changed.

export const CREDENTIALS_FILE = ".claude/.credentials.json";

export interface ClaudeCredential {
  /** Variables for the CLI's environment. */
  readonly env: Readonly<Record<string, string>>;
  /** Everything secret in play (for scrubbing diagnostics). */
  readonly secrets: readonly string[];
  /** Set when the credential is a credentials file. */
  readonly file?: {
    readonly path: string;
    readonly accessToken: string;
    readonly refreshToken: string;
  };
}

export type PreparedCredential =
  | { readonly ok: true; readonly credential: ClaudeCredential }
  | { readonly ok: false; readonly message: string };

/** Puts the credential where Claude Code looks for it: a variable, or the file in the run's HOME. */
export async function prepareClaudeCredential(
  credential: AgentRunInput["credential"],
  home: RunHome,
): Promise<PreparedCredential> {
  const secret = credential.secret.trim();
  if (credential.kind === "API_KEY") {
    return { ok: true, credential: { env: { ANTHROPIC_API_KEY: secret }, secrets: [secret] } };
  }
  if (!secret.startsWith("{")) {
    return {
      ok: true,
      credential: { env: { CLAUDE_CODE_OAUTH_TOKEN: secret }, secrets: [secret] },
    };
  }
  const tokens = parseClaudeCredentialsJson(secret);
  if (tokens === undefined) {
    return {
      ok: false,
      message:
        "The Anthropic subscription is neither a token from `claude setup-token` nor Claude's .credentials.json; run `claude setup-token` and save the new token",
    };
  }
  const path = home.at(CREDENTIALS_FILE);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, secret, { mode: 0o600 });
  // writeFile keeps the mode of a file that already exists; make sure.
  await chmod(path, 0o600);
  return {
    ok: true,
    credential: {
      env: {},
      secrets: [secret, tokens.accessToken, tokens.refreshToken],
      file: { path, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken },
    },
  };
}

/**
 * The credentials file as the CLI left it, when it holds other tokens than it was given (the
 * CLI refreshed the sign-in); undefined otherwise. Its tokens are returned for scrubbing.
 */
export async function rotatedCredential(
  credential: ClaudeCredential,
): Promise<{ readonly secret: string; readonly tokens: readonly string[] } | undefined> {
  if (credential.file === undefined) return undefined;
  let text: string;
  try {
    text = (await readFile(credential.file.path, "utf8")).trim();
  } catch {
    return undefined;
  }
  const tokens = parseClaudeCredentialsJson(text);
  if (tokens === undefined) return undefined;
  const changed =
    tokens.accessToken !== credential.file.accessToken ||
    tokens.refreshToken !== credential.file.refreshToken;
  return changed ? { secret: text, tokens: [tokens.accessToken, tokens.refreshToken] } : undefined;
}
