import type { Logger } from "pino";
import { ERROR_POLICY, type ClassifiedError } from "./errors.js";

// One log line per operation: its name and type, duration, outcome and error codes. Never the
// variables (they hold passwords and secrets) and never the Authorization header: the line's
// fields are the ones below and nothing else, so it can skip the logger's redaction.

export interface OperationLog {
  readonly requestId: string;
  readonly transport: "http" | "ws";
  readonly operationName: string | null;
  readonly operationType: string | null;
  readonly userId: string | null;
  readonly durationMs: number;
  readonly errors: readonly ClassifiedError[];
}

const LEVEL_ORDER = { info: 0, warn: 1, error: 2 } as const;

export function logOperation(logger: Logger, entry: OperationLog): void {
  const codes = [...new Set(entry.errors.map((error) => error.code))];
  const level = codes.reduce<"info" | "warn" | "error">((worst, code) => {
    const next = ERROR_POLICY[code].logLevel;
    return LEVEL_ORDER[next] > LEVEL_ORDER[worst] ? next : worst;
  }, "info");
  logger[level](
    {
      requestId: entry.requestId,
      transport: entry.transport,
      operationName: entry.operationName,
      operationType: entry.operationType,
      userId: entry.userId,
      durationMs: Math.round(entry.durationMs * 10) / 10,
      ...(codes.length === 0 ? {} : { errorCodes: codes }),
    },
    codes.length === 0 ? "operation ok" : "operation failed",
  );
}

/**
 * Logs an unexpected error in full, server side only; `logger` carries the request id the
 * client can quote (x-request-id). Prisma's validation messages quote the query's arguments,
 * so for Prisma errors only the name and code are logged.
 */
export function logUnexpected(logger: Logger, error: unknown): void {
  const original = rootCause(error);
  if (original instanceof Error && original.name.startsWith("PrismaClient")) {
    const code: unknown = (original as { code?: unknown }).code;
    logger.error({ errorName: original.name, prismaCode: code }, "unexpected database error");
    return;
  }
  logger.error(
    original instanceof Error
      ? {
          errorName: original.name,
          errorMessage: original.message,
          stack: original.stack,
        }
      : { errorName: typeof original },
    "unexpected error",
  );
}

function rootCause(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 5; depth += 1) {
    const next: unknown =
      current instanceof Error && "originalError" in current
        ? (current as { originalError?: unknown }).originalError
        : undefined;
    if (next === undefined || next === null) return current;
    current = next;
  }
  return current;
}
