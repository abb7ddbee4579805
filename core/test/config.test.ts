import { randomBytes } from "node:crypto";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { commonEnvSchema, systemKeysFromEnv } from "../src/config/common-env.js";
import {
  DEV_KEY_FILE,
  loadEncryptionKeyFromEnvOrDevFile,
  loadKeyRing,
} from "../src/config/encryption-key.js";
import { ConfigError, parseEnv } from "../src/config/parse-env.js";
import { keyVersionOf } from "../src/crypto/key-ring.js";
import { newKeyText } from "./support/fixtures.js";

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("parseEnv with the common schema", () => {
  it("gives the defaults that make `npm start` work on a developer machine", () => {
    expect(parseEnv(commonEnvSchema, {})).toEqual({
      NODE_ENV: "development",
      LOG_LEVEL: "info",
      DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/agentry",
      REDIS_URL: "redis://127.0.0.1:6379",
      ALLOW_SYSTEM_KEYS: true,
      REPOSITORY_ALLOW_LOOPBACK: false,
      VERIFY_TIMEOUT_MS: 10_000,
      OPENAI_OAUTH_TOKEN_URL: "https://auth.openai.com/oauth/token",
      // OpenAI's device sign-in is on with no configuration.
      OPENAI_OAUTH_ISSUER: "https://auth.openai.com",
      ANTHROPIC_OAUTH_TOKEN_URL: "https://console.anthropic.com/v1/oauth/token",
      ANTHROPIC_OAUTH_AUTHORIZE_URL: "https://claude.ai/oauth/authorize",
    });
  });

  it("never takes GIT_TOKEN as a system-wide repository token", () => {
    const env = parseEnv(commonEnvSchema, {
      GIT_TOKEN: `ghp_${randomBytes(27).toString("base64url").slice(0, 36)}`,
    });
    expect(systemKeysFromEnv(env).GIT).toBeUndefined();
  });

  it("reads ALLOW_SYSTEM_KEYS as true/false, 1/0 or yes/no, and an empty value as unset", () => {
    const allow = (value: string): boolean =>
      parseEnv(commonEnvSchema, { ALLOW_SYSTEM_KEYS: value }).ALLOW_SYSTEM_KEYS;
    for (const value of ["true", "TRUE", "1", "yes", "Yes", ""]) expect(allow(value)).toBe(true);
    for (const value of ["false", "False", "0", "no", "NO"]) expect(allow(value)).toBe(false);
  });

  it("lists every problem at once, naming each variable", () => {
    const error = configError(() =>
      parseEnv(commonEnvSchema, {
        DATABASE_URL: "not a url",
        ALLOW_SYSTEM_KEYS: "maybe",
        LOG_LEVEL: "loud",
        ENCRYPTION_KEY: "abcd1234",
        ENCRYPTION_KEYS_PREVIOUS: `${newKeyText()},short`,
        OPENAI_BASE_URL: "::",
      }),
    );
    const variables = error.problems.map((p) => p.split(":")[0]);
    expect(variables.sort()).toEqual(
      [
        "ALLOW_SYSTEM_KEYS",
        "DATABASE_URL",
        "ENCRYPTION_KEY",
        "ENCRYPTION_KEYS_PREVIOUS",
        "LOG_LEVEL",
        "OPENAI_BASE_URL",
      ].sort(),
    );
    expect(error.message).toContain("6 problems");
    expect(error.problems).toContain(
      "ENCRYPTION_KEY: must be 32 bytes, as 64 hex characters or base64; as hex it decodes to 4 bytes",
    );
    expect(error.problems).toContainEqual(
      expect.stringMatching(/^ENCRYPTION_KEYS_PREVIOUS: entry 2 of 2 must be 32 bytes/),
    );
  });

  it("never prints a secret value, even from a schema whose message quotes it", () => {
    const key = newKeyText().slice(0, 40);
    const schema = commonEnvSchema.extend({
      PORT: z
        .string()
        .refine((v) => /^\d+$/.test(v), { error: (issue) => `bad port ${String(issue.input)}` }),
    });
    const error = configError(() =>
      parseEnv(schema, { ENCRYPTION_KEY: key, PORT: "4000-hunter2-secretish" }),
    );
    expect(error.message).not.toContain(key.slice(0, 8));
    expect(error.message).not.toContain("hunter2");
    expect(error.message).toContain("PORT: bad port [REDACTED]");
  });

  it("lets a process extend the common variables with its own", () => {
    const schema = commonEnvSchema.extend({ PORT: z.coerce.number().int().default(4000) });
    expect(parseEnv(schema, { PORT: "4100" })).toMatchObject({
      PORT: 4100,
      ALLOW_SYSTEM_KEYS: true,
    });
  });

  it("maps the system key variables to providers, COPILOT_GITHUB_TOKEN to GITHUB_COPILOT", () => {
    const env = parseEnv(commonEnvSchema, {
      ANTHROPIC_API_KEY: "sk-ant-x",
      COPILOT_GITHUB_TOKEN: "gho_x",
      OPENAI_API_KEY: "",
    });
    expect(systemKeysFromEnv(env)).toEqual({
      ANTHROPIC: "sk-ant-x",
      OPENAI: undefined,
      GEMINI: undefined,
      GITHUB_COPILOT: "gho_x",
      GIT: undefined,
    });
  });
});

describe("loadEncryptionKeyFromEnvOrDevFile", () => {
  const roots: string[] = [];
  const repoRoot = (keyFile?: string): string => {
    const root = mkdtempSync(join(tmpdir(), "agentry-core-"));
    roots.push(root);
    if (keyFile !== undefined) {
      mkdirSync(join(root, ".local"));
      writeFileSync(join(root, DEV_KEY_FILE), keyFile);
    }
    return root;
  };
  afterEach(() => {
    for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  });

  it("prefers ENCRYPTION_KEY from the environment", () => {
    const key = newKeyText();
    expect(
      loadEncryptionKeyFromEnvOrDevFile({ ENCRYPTION_KEY: key }, repoRoot(`${newKeyText()}\n`)),
    ).toEqual({ current: key, previous: undefined, source: "env" });
  });

  it("falls back to the development key file outside production", () => {
    const key = newKeyText();
    const root = repoRoot(`${key}\n`);
    const loaded = loadKeyRing({ NODE_ENV: "development", ENCRYPTION_KEY: "" }, root);
    expect(loaded.source).toBe("dev-file");
    expect(loaded.path).toBe(join(root, DEV_KEY_FILE));
    expect(loaded.ring.current.version).toBe(keyVersionOf(Buffer.from(key, "hex")));
  });

  it("keeps previous keys from the environment when the current key comes from the file", () => {
    const previous = newKeyText();
    const loaded = loadKeyRing({ ENCRYPTION_KEYS_PREVIOUS: previous }, repoRoot(newKeyText()));
    expect(loaded.ring.previous.map((k) => k.version)).toEqual([
      keyVersionOf(Buffer.from(previous, "hex")),
    ]);
  });

  it("requires ENCRYPTION_KEY in production, even when a development key file exists", () => {
    const error = configError(() =>
      loadEncryptionKeyFromEnvOrDevFile({ NODE_ENV: "production" }, repoRoot(newKeyText())),
    );
    expect(error.message).toContain("ENCRYPTION_KEY: required in production");
  });

  it("says how to get a key when there is neither a variable nor a file", () => {
    const error = configError(() => loadEncryptionKeyFromEnvOrDevFile({}, repoRoot()));
    expect(error.message).toContain("run `npm start` once");
  });

  it("refuses a malformed development key file without quoting it", () => {
    const bad = newKeyText().slice(0, 30);
    const error = configError(() => loadKeyRing({}, repoRoot(bad)));
    expect(error.message).toContain("as hex it decodes to 15 bytes");
    expect(error.message).not.toContain(bad.slice(0, 8));
  });

  it("reports a malformed previous key as a configuration problem", () => {
    const error = configError(() =>
      loadKeyRing({ ENCRYPTION_KEY: newKeyText(), ENCRYPTION_KEYS_PREVIOUS: "zz" }, repoRoot()),
    );
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^ENCRYPTION_KEYS_PREVIOUS /);
  });
});
