import { commonEnvShape, optionalText, parseEnv, type Env } from "@agentry/core";
import { z } from "zod";

const unsetIfEmpty = (value: unknown): unknown =>
  typeof value === "string" && value.trim() === "" ? undefined : value;

/** An integer variable within [min, max]; unset or empty gives `fallback`. */
const integerVariable = (fallback: number, min: number, max: number) =>
  z.preprocess(
    unsetIfEmpty,
    z.coerce
      .number({ message: "must be a whole number" })
      .int({ message: "must be a whole number" })
      .min(min, { message: `must be at least ${min}` })
      .max(max, { message: `must be at most ${max}` })
      .optional()
      .transform((value) => value ?? fallback),
  );

/** The api's environment: the shared variables plus its own. */
export const apiEnvSchema = z.object({
  ...commonEnvShape,
  /** HTTP and WebSocket port; GraphQL at /graphql. */
  PORT: integerVariable(4000, 0, 65535),
  /** Interface to listen on. */
  HOST: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .optional()
      .transform((value) => value ?? "0.0.0.0"),
  ),
  /** This address becomes admin when it signs up; when unset, the first user to sign up is admin. */
  ADMIN_EMAIL: optionalText().refine(
    (value) => value === undefined || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim()),
    {
      message: "must be an email address",
    },
  ),
  /**
   * Browser origins allowed to call the api from another origin (comma-separated). The web
   * client that `npm start` serves proxies /graphql on its own origin and needs none of this;
   * the defaults let its Vite dev server call the api directly.
   */
  CORS_ORIGINS: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .optional()
      .transform((value) => value ?? "http://localhost:5173,http://127.0.0.1:5173"),
  ),
  /** How many days a sign-in token lives. */
  TOKEN_TTL_DAYS: integerVariable(30, 1, 3650),
  /** scrypt's cost N for new password hashes: a power of two (tests lower it). */
  SCRYPT_COST: integerVariable(2 ** 15, 2, 2 ** 20).refine((value) => (value & (value - 1)) === 0, {
    message: "must be a power of two (e.g. 32768)",
  }),
});

export type ApiConfig = z.output<typeof apiEnvSchema>;

/** Parses the api's environment; throws core's ConfigError listing every problem. */
export function loadApiConfig(env: Env): ApiConfig {
  return parseEnv(apiEnvSchema, env);
}
