import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "./parse-env.js";
import { KeyRingError, keyTextProblem, parseKeyRing, type KeyRing } from "../crypto/key-ring.js";

/** Where `npm start` keeps the development key, relative to the repository root (git-ignored). */
export const DEV_KEY_FILE = ".local/encryption.key";

export interface EncryptionKeyEnv {
  readonly ENCRYPTION_KEY?: string | undefined;
  readonly ENCRYPTION_KEYS_PREVIOUS?: string | undefined;
  readonly NODE_ENV?: string | undefined;
}

export interface EncryptionKeyText {
  /** The current key's text (hex or base64), not yet parsed. */
  readonly current: string;
  readonly previous: string | undefined;
  /** Where the current key came from: the environment, or the development key file. */
  readonly source: "env" | "dev-file";
  /** The development key file's path when source is "dev-file". */
  readonly path?: string;
}

/**
 * ENCRYPTION_KEY from the environment; outside production, when it is unset, the development
 * key `npm start` wrote to `<repoRoot>/.local/encryption.key` (one line: the key as 64 hex
 * characters or base64; blank lines and `#` comments ignored). Throws ConfigError when there
 * is neither. The file is only read here, never created: `npm start` creates it.
 */
export function loadEncryptionKeyFromEnvOrDevFile(
  env: EncryptionKeyEnv,
  repoRoot: string,
): EncryptionKeyText {
  const previous =
    env.ENCRYPTION_KEYS_PREVIOUS?.trim() === "" ? undefined : env.ENCRYPTION_KEYS_PREVIOUS;
  const fromEnv = env.ENCRYPTION_KEY?.trim();
  if (fromEnv !== undefined && fromEnv !== "") return { current: fromEnv, previous, source: "env" };
  if (env.NODE_ENV === "production") {
    throw new ConfigError([
      "ENCRYPTION_KEY: required in production (32 bytes as 64 hex characters or base64; e.g. `openssl rand -hex 32`)",
    ]);
  }
  const path = join(repoRoot, DEV_KEY_FILE);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new ConfigError([
      `ENCRYPTION_KEY: not set, and there is no development key at ${path}; run \`npm start\` once (it creates one) or set ENCRYPTION_KEY (e.g. \`openssl rand -hex 32\`)`,
    ]);
  }
  const line = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== "" && !l.startsWith("#"));
  const problem = keyTextProblem(`The development key in ${path}`, line ?? "");
  if (line === undefined || problem !== undefined) {
    throw new ConfigError([problem ?? `The development key in ${path} is empty`]);
  }
  return { current: line, previous, source: "dev-file", path };
}

/**
 * The key ring for a process: loadEncryptionKeyFromEnvOrDevFile, then parseKeyRing, with key
 * problems reported as a ConfigError. `source` lets the caller warn when a development key is used.
 */
export function loadKeyRing(
  env: EncryptionKeyEnv,
  repoRoot: string,
): {
  readonly ring: KeyRing;
  readonly source: EncryptionKeyText["source"];
  readonly path?: string;
} {
  const text = loadEncryptionKeyFromEnvOrDevFile(env, repoRoot);
  try {
    const ring = parseKeyRing(text.current, text.previous);
    return text.path === undefined
      ? { ring, source: text.source }
      : { ring, source: text.source, path: text.path };
  } catch (error) {
    if (error instanceof KeyRingError) throw new ConfigError(error.problems);
    throw error;
  }
}
