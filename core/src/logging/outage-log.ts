import type { Logger } from "./logger.js";

// While Redis is down, every client retries its connection and reports each failure: dozens of
// identical lines a minute, which bury the one that matters. An OutageLog turns them into one
// line when the outage starts and one when it ends.

const CONNECTION_ERROR =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH|Connection is closed|Stream isn't writeable|MaxRetriesPerRequest|connect E/i;

/** Whether an error is a lost or refused connection (rather than a failed command). */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return (
    (typeof code === "string" && CONNECTION_ERROR.test(code)) ||
    CONNECTION_ERROR.test(error.name) ||
    CONNECTION_ERROR.test(error.message)
  );
}

export interface OutageLog {
  /** A client failed to reach it: logged (warn) only when the outage begins. */
  failed(client: string, error: unknown): void;
  /** A client reached it (e.g. ioredis' "ready"): logged (info) only when an outage ends. */
  reached(client: string): void;
}

/** One warn line per outage of `what` (e.g. "redis"), one info line when it is over. */
export function createOutageLog(logger: Logger, what: string): OutageLog {
  let since: number | undefined;
  return {
    failed(client, error) {
      if (since !== undefined) return;
      since = Date.now();
      logger.warn(
        { [what]: client, errorMessage: error instanceof Error ? error.message : String(error) },
        `${what} unreachable; retrying quietly until it is back`,
      );
    },
    reached(client) {
      if (since === undefined) return;
      logger.info({ [what]: client, downMs: Date.now() - since }, `${what} reachable again`);
      since = undefined;
    },
  };
}
