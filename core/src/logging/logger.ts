import { pino, type DestinationStream, type Logger as PinoLogger } from "pino";
import { SYSTEM_KEY_VARIABLES } from "../credentials/compatibility.js";

export type Logger = PinoLogger;
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Field names whose values never reach a log line, wherever they sit (up to two levels deep). */
export const SECRET_FIELDS = [
  "secret",
  "password",
  "passwordHash",
  "token",
  "tokenHash",
  "accessToken",
  "refreshToken",
  "access_token",
  "refresh_token",
  "authorization",
  "Authorization",
  "cookie",
  "apiKey",
  "ciphertext",
  "nonce",
  // The environment's secrets, should a config object be logged whole.
  "ENCRYPTION_KEY",
  "ENCRYPTION_KEYS_PREVIOUS",
  // Every provider's system key, as the registry names its variable.
  ...Object.values(SYSTEM_KEY_VARIABLES),
] as const;

// Provider key headers, wherever a request's headers are logged.
const SECRET_HEADERS = ["authorization", "cookie", "x-api-key", "x-goog-api-key"] as const;

/** The redaction paths: each secret field at the top level and one or two levels deep, plus the
 * deeper places a request carries secrets (GraphQL variables, graphql-ws connection params). */
export const REDACT_PATHS: readonly string[] = [
  ...SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
  ...SECRET_HEADERS.flatMap((header) => [
    `headers["${header}"]`,
    `*.headers["${header}"]`,
    `*.*.headers["${header}"]`,
  ]),
  "variables.input.secret",
  "variables.input.password",
  "variables.input.providerKey.secret",
  "*.variables.input.secret",
  "*.variables.input.providerKey.secret",
  "payload.variables.input.providerKey.secret",
  "connectionParams.authorization",
];

export const REDACTED = "[REDACTED]";

export interface LoggerOptions {
  readonly name: string;
  readonly level?: LogLevel | undefined;
  /** Where lines go; standard output by default. Tests pass a capturing stream. */
  readonly destination?: DestinationStream | undefined;
}

/** A structured JSON logger with secrets redacted by path (censor "[REDACTED]"). */
export function createLogger(options: LoggerOptions): Logger {
  const config = {
    name: options.name,
    level: options.level ?? "info",
    redact: { paths: [...REDACT_PATHS], censor: REDACTED },
  };
  return options.destination === undefined ? pino(config) : pino(config, options.destination);
}
