import { z } from "zod";
import { keyTextProblem, previousKeyEntries } from "../crypto/key-ring.js";
import type { SystemKeys } from "../credentials/choose.js";
import { SYSTEM_KEY_VARIABLES, type SystemKeyVariable } from "../credentials/compatibility.js";
import { byProvider } from "../registry/index.js";
import { LOG_LEVELS } from "../logging/logger.js";
import {
  DEFAULT_ANTHROPIC_OAUTH_AUTHORIZE_URL,
  DEFAULT_ANTHROPIC_OAUTH_TOKEN_URL,
  DEFAULT_OPENAI_OAUTH_ISSUER,
  DEFAULT_OPENAI_OAUTH_TOKEN_URL,
} from "../sign-in/oauth-clients.js";

// The variables api and worker share (see the contract's configuration table). Each process
// extends this in its own config.ts: `z.object({ ...commonEnvShape, PORT: … })`.

/** An unset variable and an empty one mean the same (compose files often write `VAR=`). */
const unsetIfEmpty = (value: unknown): unknown =>
  typeof value === "string" && value.trim() === "" ? undefined : value;

/** An optional variable whose empty value counts as unset. */
export const optionalText = () => z.preprocess(unsetIfEmpty, z.string().optional());

/** A boolean variable: true/false, 1/0, yes/no (any case); unset or empty gives `fallback`. */
export const booleanVariable = (fallback: boolean) =>
  z.preprocess(
    unsetIfEmpty,
    z
      .stringbool({ truthy: ["true", "1", "yes"], falsy: ["false", "0", "no"] })
      .optional()
      .transform((value) => value ?? fallback),
  );

const optionalUrl = () =>
  z.preprocess(
    unsetIfEmpty,
    z.url({ message: "must be a URL (e.g. http://127.0.0.1:8080)" }).optional(),
  );

const urlWithDefault = (fallback: string) =>
  z.preprocess(
    unsetIfEmpty,
    z
      .url({ message: "must be a URL" })
      .optional()
      .transform((value) => value ?? fallback),
  );

export const DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/agentry";
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

export const commonEnvShape = {
  NODE_ENV: z.preprocess(
    unsetIfEmpty,
    z
      .enum(["development", "test", "production"])
      .optional()
      .transform((v) => v ?? "development"),
  ),
  LOG_LEVEL: z.preprocess(
    unsetIfEmpty,
    z
      .enum(LOG_LEVELS)
      .optional()
      .transform((v) => v ?? "info"),
  ),
  DATABASE_URL: urlWithDefault(DEFAULT_DATABASE_URL),
  REDIS_URL: urlWithDefault(DEFAULT_REDIS_URL),
  /** Optional here: outside production a development key file may stand in (loadKeyRing). */
  ENCRYPTION_KEY: optionalText().superRefine((value, ctx) => {
    // The message is reported under the variable's name, so it does not repeat it.
    const problem = value === undefined ? undefined : keyTextProblem("", value);
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
  }),
  ENCRYPTION_KEYS_PREVIOUS: optionalText().superRefine((value, ctx) => {
    for (const { entry, text } of previousKeyEntries(value)) {
      const problem = keyTextProblem(entry, text);
      if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
    }
  }),
  ANTHROPIC_API_KEY: optionalText(),
  OPENAI_API_KEY: optionalText(),
  GEMINI_API_KEY: optionalText(),
  COPILOT_GITHUB_TOKEN: optionalText(),
  ALLOW_SYSTEM_KEYS: booleanVariable(true),
  /**
   * Tests only: session repositories may also be http(s):// on this machine (127.0.0.1, ::1,
   * localhost), where a test's own git server listens. Off by default; never set it in a
   * deployment (the worker would clone from, and push a token to, its own host's services).
   */
  REPOSITORY_ALLOW_LOOPBACK: booleanVariable(false),
  ANTHROPIC_BASE_URL: optionalUrl(),
  OPENAI_BASE_URL: optionalUrl(),
  GEMINI_BASE_URL: optionalUrl(),
  /** GitHub's API address, where the Copilot CLI finds its model endpoint (default GitHub's). */
  COPILOT_BASE_URL: optionalUrl(),
  /**
   * How long a credential check's call to a provider may take (verifyCredential): past it the
   * provider counts as unreachable. The api waits for the worker's answer this long plus a margin.
   */
  VERIFY_TIMEOUT_MS: z.preprocess(
    unsetIfEmpty,
    z.coerce
      .number({ message: "must be a whole number of milliseconds" })
      .int({ message: "must be a whole number of milliseconds" })
      .min(100, { message: "must be at least 100" })
      .max(120_000, { message: "must be at most 120000" })
      .optional()
      .transform((value) => value ?? 10_000),
  ),
  // --- the providers' authorization servers (sign-in flows, refresh; README: Sign-in flows) ---
  /** OpenAI's token endpoint: refresh and the device sign-in's code exchange. */
  OPENAI_OAUTH_TOKEN_URL: urlWithDefault(DEFAULT_OPENAI_OAUTH_TOKEN_URL),
  /**
   * OpenAI's issuer, under which the device sign-in lives as Codex's `--device-auth` speaks it
   * (`/api/accounts/deviceauth/usercode`, `…/token`, the page `/codex/device`, the redirect URI
   * `/deviceauth/callback`; core's oauth-clients.ts).
   */
  OPENAI_OAUTH_ISSUER: urlWithDefault(DEFAULT_OPENAI_OAUTH_ISSUER),
  /** Anthropic's token endpoint: the code flow's exchange and refresh. */
  ANTHROPIC_OAUTH_TOKEN_URL: urlWithDefault(DEFAULT_ANTHROPIC_OAUTH_TOKEN_URL),
  /** Where a code sign-in sends the user (the api builds the URL). */
  ANTHROPIC_OAUTH_AUTHORIZE_URL: urlWithDefault(DEFAULT_ANTHROPIC_OAUTH_AUTHORIZE_URL),
};

/** The shared variables as one schema; `commonEnvSchema.extend({ … })` adds a process's own. */
export const commonEnvSchema = z.object(commonEnvShape);
export type CommonEnv = z.output<typeof commonEnvSchema>;

/**
 * The system-wide fallback keys the configuration holds, each under the variable the registry
 * names (COPILOT_GITHUB_TOKEN is GITHUB_COPILOT's); a registered variable missing from the
 * shape above does not compile.
 */
export function systemKeysFromEnv(
  env: Pick<CommonEnv, Exclude<SystemKeyVariable, "GIT_TOKEN">>,
): SystemKeys {
  // Repository tokens have no system-wide fallback, or every user could clone what the
  // operator's token reaches (see the registry's GIT): GIT_TOKEN is never read.
  return byProvider((_descriptor, provider) => {
    const variable = SYSTEM_KEY_VARIABLES[provider];
    return variable === "GIT_TOKEN" ? undefined : env[variable];
  });
}

/** Provider base URLs for agents (unset = the provider's own). */
export function providerBaseUrlsFromEnv(
  env: Pick<
    CommonEnv,
    "ANTHROPIC_BASE_URL" | "OPENAI_BASE_URL" | "GEMINI_BASE_URL" | "COPILOT_BASE_URL"
  >,
): { ANTHROPIC?: string; OPENAI?: string; GEMINI?: string; GITHUB_COPILOT?: string } {
  return {
    ...(env.ANTHROPIC_BASE_URL === undefined ? {} : { ANTHROPIC: env.ANTHROPIC_BASE_URL }),
    ...(env.OPENAI_BASE_URL === undefined ? {} : { OPENAI: env.OPENAI_BASE_URL }),
    ...(env.GEMINI_BASE_URL === undefined ? {} : { GEMINI: env.GEMINI_BASE_URL }),
    ...(env.COPILOT_BASE_URL === undefined ? {} : { GITHUB_COPILOT: env.COPILOT_BASE_URL }),
  };
}
