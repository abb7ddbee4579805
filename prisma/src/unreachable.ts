// Whether an error means the database could not be reached (refused, cut off, restarting, the
// pool's wait for a connection timed out), as opposed to a query that failed: the first calls
// for "try again shortly" (the api's UNAVAILABLE, the worker's wait), the second is a bug.

/** Prisma's codes for a database it cannot reach or whose connection it lost. */
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
/** Postgres' SQLSTATEs: connection exceptions, shutdown, starting up or in recovery. */
const SQLSTATES = new Set(["08000", "08001", "08003", "08004", "08006", "57P01", "57P02", "57P03"]);
const MESSAGES =
  /Can't reach database server|Server has closed the connection|Connection terminated|connection (?:is )?closed|ECONNREFUSED|ECONNRESET|terminating connection due to administrator command|the database system is (?:starting up|shutting down|in recovery mode|not yet accepting connections)|Timed out fetching a new connection/i;
/** A raw query's failure quotes the SQLSTATE: "Raw query failed. Code: `57P01`. …". */
const QUOTED_SQLSTATE = /Code: `(\w{5})`/;

export function isDatabaseUnreachable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === "object" && current !== null; depth += 1) {
    const { code, message, cause } = current as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
    };
    if (typeof code === "string" && (PRISMA_CODES.has(code) || SQLSTATES.has(code))) return true;
    if (typeof message === "string") {
      if (MESSAGES.test(message)) return true;
      const quoted = QUOTED_SQLSTATE.exec(message)?.[1];
      if (quoted !== undefined && SQLSTATES.has(quoted)) return true;
    }
    current = cause ?? (current as { originalError?: unknown }).originalError;
  }
  return false;
}
