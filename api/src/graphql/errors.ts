import { AppError, type ErrorCode } from "@agentry/core";
import { isDatabaseUnreachable } from "@agentry/prisma";
import { GraphQLError, type GraphQLFormattedError } from "graphql";

// The one place errors become what a client sees. AppError carries its code, message and
// details through; GraphQL's own request errors (parse, validation, variable coercion) become
// BAD_USER_INPUT; anything else is INTERNAL with no detail (the server log has it, with the
// request id) — except the database being out of reach, which is UNAVAILABLE: try again shortly.

interface CodePolicy {
  /** Whether message and details reach the client; when false the client gets a generic message. */
  readonly expose: boolean;
  /** The level the request log line gets when an operation ends with this code. */
  readonly logLevel: "info" | "warn" | "error";
}

/** Adding an ErrorCode in core without a row here does not compile. */
export const ERROR_POLICY = {
  UNAUTHENTICATED: { expose: true, logLevel: "info" },
  FORBIDDEN: { expose: true, logLevel: "info" },
  NOT_FOUND: { expose: true, logLevel: "info" },
  BAD_USER_INPUT: { expose: true, logLevel: "info" },
  NO_API_KEY: { expose: true, logLevel: "info" },
  INVALID_API_KEY: { expose: true, logLevel: "warn" },
  AUTHENTICATION_FAILED: { expose: true, logLevel: "warn" },
  RATE_LIMITED: { expose: true, logLevel: "warn" },
  AGENT_FAILED: { expose: true, logLevel: "warn" },
  BUDGET_EXCEEDED: { expose: true, logLevel: "info" },
  REPOSITORY_UNAVAILABLE: { expose: true, logLevel: "info" },
  UNAVAILABLE: { expose: true, logLevel: "warn" },
  INTERNAL: { expose: false, logLevel: "error" },
} as const satisfies Record<ErrorCode, CodePolicy>;

export const INTERNAL_MESSAGE = "Internal server error";
export const DATABASE_UNAVAILABLE =
  "The database cannot be reached right now; try again in a moment";

// Codes given to errors in the request itself (graphql-http.ts, document-cache.ts, the pipeline):
// the client sent something wrong.
const REQUEST_ERROR_CODES: ReadonlySet<unknown> = new Set([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_USER_INPUT",
  "BAD_REQUEST",
  "OPERATION_RESOLUTION_FAILURE",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
]);

/** What an error amounts to for the client. */
export interface ClassifiedError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
  /** True when the error was not expected (a bug or an outage): log it in full, server side. */
  readonly unexpected: boolean;
}

function findAppError(error: unknown): AppError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth += 1) {
    if (current instanceof AppError) return current;
    current = current instanceof GraphQLError ? current.originalError : undefined;
  }
  return undefined;
}

// graphql-js quotes the offending value in coercion and validation messages
// (`Variable "$secret" got invalid value 123; …`, `Expected value of type "Provider!", found "sk-…"`).
// That value may be a secret typed into the wrong place, so such messages are rebuilt from what
// was expected (type, enum, field names), never from what was sent.

const QUOTED = /"(?:[^"\\]|\\.)*"/g;
// A quoted GraphQL name, variable, directive, type reference or input path: never a value.
const NAME_LIKE = /^"[[$@]*[_A-Za-z][_0-9A-Za-z]*(?:\.[_A-Za-z][_0-9A-Za-z]*|\[\d+\])*[\]!]*"$/;

// Reasons graphql-js (and our scalars) give for a refused value; each is rebuilt from names only.
const REASONS: readonly [RegExp, (match: RegExpExecArray) => string][] = [
  [
    /Field ("\w+") of required type ("[[\w\]!]+") was not provided/,
    (m) => `field ${m[1]} of required type ${m[2]} was not provided`,
  ],
  [
    /Field ("\w+") is not defined by type ("\w+")/,
    (m) => `field ${m[1]} is not defined by type ${m[2]}`,
  ],
  [/does not exist in ("\w+") enum/, (m) => `expected a value of enum ${m[1]}`],
  [/Enum ("\w+") cannot represent/, (m) => `expected a value of enum ${m[1]}`],
  [/Expected type ("[[\w\]!]+")/, (m) => `expected type ${m[1]}`],
  [
    /(?:^|; )(String|Int|Float|Boolean|ID) cannot represent/,
    (m) => `expected ${m[1] ?? "another type"}`,
  ],
  [/(BigInt|DateTime|JSONObject) must be [^.;"]*/, (m) => m[0]],
];

function knownReason(text: string): string | undefined {
  for (const [pattern, build] of REASONS) {
    const match = pattern.exec(text);
    if (match !== null) return build(match);
  }
  return undefined;
}

const onlyNames = (text: string): string =>
  text.replace(QUOTED, (quoted) => (NAME_LIKE.test(quoted) ? quoted : '"…"'));

/** Cuts user-sent values out of a graphql-js request error message (see above). */
export function redactValues(message: string): string {
  // The CSRF refusal is all the server's own words, and it says which headers unblock a request.
  if (message.startsWith("This operation has been blocked as a potential Cross-Site Request")) {
    return message.trim();
  }
  const variable = /^(Variable "\$\w+") got invalid value /.exec(message);
  if (variable !== null) {
    const at = / at ("value(?:\.\w+|\[\d+\])*"|"\w+(?:\.\w+|\[\d+\])*"); /.exec(message);
    const path = at?.[1] !== undefined && NAME_LIKE.test(at[1]) ? ` at ${at[1]}` : "";
    const reason = knownReason(message);
    return `${variable[1]} got an invalid value${path}${reason === undefined ? "." : `: ${reason}.`}`;
  }
  const literal = /^(Expected value of type "[[\w\]!]+"), found /.exec(message);
  if (literal !== null) {
    const reason = knownReason(message.slice(literal[0].length));
    return `${literal[1]}, found an invalid value${reason === undefined ? "." : `: ${reason}.`}`;
  }
  if (/^(Enum "\w+"|String|Int|Float|Boolean|ID) cannot represent/.test(message)) {
    return `Invalid value: ${knownReason(message) ?? "not of the expected type"}.`;
  }
  if (/^Value "/.test(message)) {
    return `Invalid value: ${knownReason(message) ?? "not of the expected type"}.`;
  }
  // The operationName a request asked for is a value the client sent, not a name of the document.
  if (/^Unknown operation named "/.test(message)) {
    return "Unknown operation name: the document has no operation named as operationName says.";
  }
  // Anything else (syntax errors, unknown fields): names stay, quoted values go, and an
  // unquoted value after "found"/"value:" is cut.
  return onlyNames(message)
    .replace(/(found (?:String|Int|Float|BlockString)) "…"/g, "$1")
    .replace(/(value:?) [^"\s][\s\S]*$/, "$1 (not shown).");
}

/** Classifies anything thrown while handling an operation. */
export function classifyError(error: unknown): ClassifiedError {
  const appError = findAppError(error);
  if (appError !== undefined) {
    return ERROR_POLICY[appError.code].expose
      ? {
          code: appError.code,
          message: appError.message,
          details: appError.details,
          unexpected: false,
        }
      : { code: "INTERNAL", message: INTERNAL_MESSAGE, details: {}, unexpected: true };
  }
  // A request error: graphql-js' own (parse, validation, coercion; the pipeline wraps them with a
  // code and the original as originalError) or a scalar's. Never one a resolver's exception caused.
  if (
    error instanceof GraphQLError &&
    REQUEST_ERROR_CODES.has(error.extensions["code"]) &&
    (error.originalError === undefined || error.originalError instanceof GraphQLError)
  ) {
    return {
      code: "BAD_USER_INPUT",
      message: redactValues(error.message),
      details: {},
      unexpected: false,
    };
  }
  if (isDatabaseUnreachable(error)) {
    return { code: "UNAVAILABLE", message: DATABASE_UNAVAILABLE, details: {}, unexpected: false };
  }
  return { code: "INTERNAL", message: INTERNAL_MESSAGE, details: {}, unexpected: true };
}

/**
 * The response shape of an error: code and (when non-empty) details under `extensions`. A
 * refusal that says when to come back (`details.retryAfter`, seconds) also carries it as
 * `extensions.retryAfter`, where clients look for it.
 */
export function toFormattedError(
  error: unknown,
  formatted?: Pick<GraphQLFormattedError, "locations" | "path">,
): GraphQLFormattedError {
  const { code, message, details } = classifyError(error);
  const source = formatted ?? (error instanceof GraphQLError ? error : undefined);
  const retryAfter = details["retryAfter"];
  return {
    message,
    ...(source?.locations === undefined ? {} : { locations: source.locations }),
    ...(source?.path === undefined ? {} : { path: source.path }),
    extensions: {
      code,
      ...(Object.keys(details).length === 0 ? {} : { details }),
      ...(typeof retryAfter === "number" ? { retryAfter } : {}),
    },
  };
}
