import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from "graphql";

// Custom scalars. Messages never quote the offending value: a mistyped variable may be a secret.

const invalid = (message: string): GraphQLError =>
  new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT" } });

const DIGITS = /^-?\d{1,30}$/;

function toBigInt(value: unknown): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === "string" && DIGITS.test(value)) return BigInt(value);
  throw invalid("BigInt must be an integer (a JSON number or a string of digits)");
}

/**
 * Token counts outgrow 32-bit Int. Serialized as a JSON number: exact up to 2^53 - 1
 * (Number.MAX_SAFE_INTEGER), rounded to the nearest double beyond. Input: an integer number or
 * a string of digits.
 */
export const BigIntScalar = new GraphQLScalarType<bigint, number>({
  name: "BigInt",
  description:
    "An integer beyond 32 bits (token counts). Sent as a JSON number, exact up to 2^53 - 1 (9007199254740991); accepted as an integer number or a string of digits.",
  serialize: (value) => Number(toBigInt(value)),
  parseValue: (value) => toBigInt(value),
  parseLiteral: (ast: ValueNode) => {
    if (ast.kind === Kind.INT || ast.kind === Kind.STRING) return toBigInt(ast.value);
    throw invalid("BigInt must be an integer (a number or a string of digits)");
  },
});

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function toDate(value: unknown): Date {
  const date =
    value instanceof Date
      ? value
      : typeof value === "string" && ISO_DATE_TIME.test(value)
        ? new Date(value)
        : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) {
    throw invalid(
      "DateTime must be an ISO 8601 date-time with a time zone, e.g. 2026-01-31T12:00:00Z",
    );
  }
  return date;
}

/** A point in time: ISO 8601 in UTC on output, any ISO 8601 date-time with an offset on input. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: "DateTime",
  description:
    "A point in time as an ISO 8601 string: always UTC on output (2026-01-31T12:00:00.000Z); any offset accepted on input.",
  serialize: (value) => toDate(value).toISOString(),
  parseValue: (value) => toDate(value),
  parseLiteral: (ast: ValueNode) => {
    if (ast.kind === Kind.STRING) return toDate(ast.value);
    throw invalid("DateTime must be an ISO 8601 string");
  },
});

/** JSON values (audit details): output only in practice. */
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function toJsonObject(value: unknown): Record<string, Json> {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    return value as Record<string, Json>;
  }
  throw invalid("JSONObject must be an object");
}

export const JSONObjectScalar = new GraphQLScalarType<Record<string, Json>, Record<string, Json>>({
  name: "JSONObject",
  description: "A JSON object of non-secret facts (e.g. an audit event's provider, kind, hint).",
  serialize: toJsonObject,
  parseValue: toJsonObject,
  parseLiteral: () => {
    throw invalid("JSONObject is output only");
  },
});
