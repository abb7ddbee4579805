import { AppError } from "@agentry/core";

// Limits on graphql-ws: each open subscription holds a Redis listener and memory for as long
// as the socket lives, so one socket (or one user's many) must not hold thousands.

export interface SocketLimits {
  /** Operations in flight at once on one connection. */
  readonly maxOperationsPerSocket: number;
  /** Connections one user may hold on this api process. */
  readonly maxSocketsPerUser: number;
  /** Operations one connection may start per minute. */
  readonly operationsPerMinute: number;
}

/** The close code for a connection refused by the per-user cap (graphql-ws does not retry it). */
export const TOO_MANY_CONNECTIONS = 4429;

const WINDOW_MS = 60_000;

interface Window {
  started: number;
  count: number;
}

/** Counts sockets per user and operations per socket for one api process. */
export class SocketLimiter {
  private readonly socketsByUser = new Map<string, number>();
  private readonly windows = new WeakMap<object, Window>();

  constructor(readonly limits: SocketLimits) {}

  /** Takes one of the user's connection slots; false when they hold them all. */
  admitSocket(userId: string): boolean {
    const held = this.socketsByUser.get(userId) ?? 0;
    if (held >= this.limits.maxSocketsPerUser) return false;
    this.socketsByUser.set(userId, held + 1);
    return true;
  }

  /** Gives back a slot taken by admitSocket. */
  releaseSocket(userId: string): void {
    const held = (this.socketsByUser.get(userId) ?? 1) - 1;
    if (held <= 0) this.socketsByUser.delete(userId);
    else this.socketsByUser.set(userId, held);
  }

  /**
   * Whether the socket may start another operation, with `inFlight` operations (this one
   * included) open on it: RATE_LIMITED (with retryAfter) past the per-minute rate or the cap.
   */
  refuseOperation(socket: object, inFlight: number, now = Date.now()): AppError | undefined {
    let window = this.windows.get(socket);
    if (window === undefined || now - window.started >= WINDOW_MS) {
      window = { started: now, count: 0 };
      this.windows.set(socket, window);
    }
    window.count += 1;
    if (window.count > this.limits.operationsPerMinute) {
      const retryAfter = Math.max(1, Math.ceil((window.started + WINDOW_MS - now) / 1000));
      return new AppError(
        "RATE_LIMITED",
        `Too many operations started on this connection (at most ${this.limits.operationsPerMinute} a minute); try again in ${retryAfter} s`,
        { retryAfter, max: this.limits.operationsPerMinute },
      );
    }
    if (inFlight > this.limits.maxOperationsPerSocket) {
      return new AppError(
        "RATE_LIMITED",
        `Too many subscriptions on this connection (at most ${this.limits.maxOperationsPerSocket} at once); end one first`,
        { max: this.limits.maxOperationsPerSocket },
      );
    }
    return undefined;
  }
}
