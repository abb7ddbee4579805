import { readFile, writeFile } from "node:fs/promises";

// A ChatGPT sign-in is Codex's whole auth.json (`{"auth_mode":"chatgpt","tokens":{id_token,
// access_token, refresh_token, account_id},"last_refresh"}`). Codex refreshes an expired access
// token itself and rewrites the file with a rotated refresh token, after which the stored one
// no longer works: the runner reads the file back and hands the new content on.

export interface CodexSignIn {
  /** The file as Codex gets it. */
  readonly content: string;
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly idToken: string | undefined;
}

const field = (value: unknown, name: string): unknown =>
  typeof value === "object" && value !== null
    ? (value as Record<string, unknown>)[name]
    : undefined;

const nonEmpty = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim() !== "" ? value : undefined;

/** The sign-in in `text`, or undefined when it is not a Codex auth.json with tokens. */
export function parseCodexSignIn(text: string): CodexSignIn | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
  const tokens = field(parsed, "tokens");
  const accessToken = nonEmpty(field(tokens, "access_token"));
  const refreshToken = nonEmpty(field(tokens, "refresh_token"));
  if (accessToken === undefined || refreshToken === undefined) return undefined;
  // Codex treats tokens without `last_refresh` as unavailable; a copy pasted without it still works.
  const content =
    field(parsed, "last_refresh") === undefined
      ? JSON.stringify({ ...parsed, last_refresh: new Date().toISOString() }, null, 2)
      : text;
  return { content, accessToken, refreshToken, idToken: nonEmpty(field(tokens, "id_token")) };
}

/** Writes the sign-in for this run only: owner-readable, in the run's HOME. */
export async function writeCodexSignIn(path: string, signIn: CodexSignIn): Promise<void> {
  await writeFile(path, signIn.content, { mode: 0o600 });
}

/**
 * The file Codex left, when it holds other tokens than it was given (it refreshed); undefined
 * when nothing changed or the file is gone or unreadable.
 */
export async function rotatedCodexSignIn(
  path: string,
  given: CodexSignIn,
): Promise<CodexSignIn | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return undefined;
  }
  const now = parseCodexSignIn(text);
  if (now === undefined) return undefined;
  const changed =
    now.accessToken !== given.accessToken ||
    now.refreshToken !== given.refreshToken ||
    now.idToken !== given.idToken;
  return changed ? now : undefined;
}
