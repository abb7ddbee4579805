import { booleanVariable, commonEnvShape, optionalText, parseEnv, type Env } from "@agentry/core";
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

/**
 * The metrics listener's port: a number (0: any free one) or `off`. Unset or empty gives
 * `fallback`, marked as not configured (a taken default port only warns).
 */
const metricsPortVariable = (fallback: number) =>
  z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .trim()
      .toLowerCase()
      .refine((value) => value === "off" || (/^\d{1,5}$/.test(value) && Number(value) <= 65535), {
        message: "must be a port number (0 to 65535; 0: any free one) or off",
      })
      .optional()
      .transform((value) =>
        value === undefined
          ? { port: fallback, configured: false }
          : { port: value === "off" ? null : Number(value), configured: true },
      ),
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
  /** A credential expiring within this many days shows as EXPIRING (CredentialInfo.status). */
  CREDENTIAL_EXPIRING_DAYS: integerVariable(7, 0, 3650),
  /** A secret older than this many days is due for rotation (CredentialInfo.rotationDue); 0 never. */
  CREDENTIAL_ROTATION_DAYS: integerVariable(90, 0, 3650),
  /** scrypt's cost N for new password hashes: a power of two (tests lower it). */
  SCRYPT_COST: integerVariable(2 ** 15, 2, 2 ** 20).refine((value) => (value & (value - 1)) === 0, {
    message: "must be a power of two (e.g. 32768)",
  }),
  // --- abuse limits (README: Configuration) ---
  /** Highest cost one operation may have: fields resolved, each list counted by its length. */
  QUERY_COST_MAX: integerVariable(50_000, 100, 10_000_000),
  /** Query cost one user (or, signed out, one client address) may spend per minute. */
  QUERY_COST_PER_MINUTE: integerVariable(1_000_000, 1_000, 1_000_000_000),
  /** signIn and signUp attempts per client address per 15 minutes. */
  AUTH_ATTEMPTS_PER_ADDRESS: integerVariable(30, 1, 10_000_000),
  /**
   * Wrong passwords per account per hour from addresses that never signed in to it; past that,
   * such addresses are refused for the account until the hour is over (its owner's known
   * addresses are not).
   */
  AUTH_FAILURES_PER_ACCOUNT: integerVariable(10, 1, 10_000_000),
  /**
   * Addresses of reverse proxies whose X-Forwarded-For is believed (comma-separated), so rate
   * limits see the client's address rather than the proxy's. Default: loopback, where `npm
   * start`'s client server runs (a remote client cannot connect from there).
   */
  TRUSTED_PROXIES: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .optional()
      .transform((value) => value ?? "127.0.0.1,::1"),
  ),
  /** Operations (subscriptions) open at once on one graphql-ws connection. */
  WS_MAX_SUBSCRIPTIONS_PER_SOCKET: integerVariable(20, 1, 10_000),
  /** graphql-ws connections one user may hold open at once on one api process. */
  WS_MAX_SOCKETS_PER_USER: integerVariable(20, 1, 100_000),
  /** Operations one graphql-ws connection may start per minute. */
  WS_SUBSCRIBES_PER_MINUTE: integerVariable(120, 1, 1_000_000),
  /**
   * Whether the schema is open to clients: introspection and "Did you mean …" suggestions.
   * Default: on, except with NODE_ENV=production.
   */
  GRAPHQL_INTROSPECTION: z.preprocess(
    unsetIfEmpty,
    z.stringbool({ truthy: ["true", "1", "yes"], falsy: ["false", "0", "no"] }).optional(),
  ),
  // --- metrics (README: Metrics) ---
  /** Port of the /metrics listener; `off` for none. */
  METRICS_PORT: metricsPortVariable(9464),
  /** Interface of the /metrics listener: loopback, so only this machine can scrape. */
  METRICS_HOST: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .optional()
      .transform((value) => value ?? "127.0.0.1"),
  ),
  /** Also serve /metrics on the public port (PORT), to anyone who can reach it. */
  METRICS_ON_PUBLIC_PORT: booleanVariable(false),
});

export type ApiConfig = z.output<typeof apiEnvSchema>;

/** Parses the api's environment; throws core's ConfigError listing every problem. */
export function loadApiConfig(env: Env): ApiConfig {
  return parseEnv(apiEnvSchema, env);
}
