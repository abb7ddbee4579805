import type { Redis } from "ioredis";
import type { Logger } from "pino";

// A revoked token must stop working everywhere at once, including on graphql-ws connections it
// opened on other api processes. Revocations are announced on a Redis channel every api process
// listens to; the announcing process also tells its own listeners directly, so its sockets close
// even while Redis is down (the others then catch up at their next periodic re-check). Whoever
// keeps tokens in memory (token-cache.ts) asks whether announcements are being heard right now,
// and is told when some may have been missed (the subscription dropped).

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export type RevocationListener = (tokenId: string) => void;

/** Announces revoked tokens to every api process, and hears their announcements. */
export interface TokenRevocations {
  /** Tells every api process (this one first) that the token no longer works. */
  announce(tokenId: string): Promise<void>;
  /** Calls `listener` with each revoked token's id; returns a function that stops it. */
  onRevoked(listener: RevocationListener): () => void;
  /** Whether other processes' announcements reach this one now (the channel is subscribed). */
  hearing(): boolean;
  /** Calls `listener` when announcements may have been missed (the subscription dropped). */
  onMissed(listener: () => void): () => void;
}

export function createTokenRevocations(deps: {
  readonly publisher: Redis;
  readonly subscriber: Redis;
  readonly namespace: string;
  readonly logger: Logger;
}): TokenRevocations {
  const channel = `${deps.namespace}tokenRevoked`;
  const listeners = new Set<RevocationListener>();
  const missedListeners = new Set<() => void>();
  const notify = (tokenId: string): void => {
    for (const listener of listeners) listener(tokenId);
  };
  deps.subscriber.on("message", (from: string, message: string) => {
    if (from === channel && UUID.test(message)) notify(message);
  });
  let hearing = false;
  // The subscriber waits for Redis rather than failing (see redis-clients.ts), and ioredis
  // subscribes again after every reconnection; subscribing here too tells when that is done.
  const listen = (): void => {
    deps.subscriber.subscribe(channel).then(
      () => {
        hearing = deps.subscriber.status === "ready";
      },
      (error: unknown) => {
        deps.logger.warn(
          { errorMessage: error instanceof Error ? error.message : String(error) },
          "could not listen for token revocations; other api processes' revocations arrive at the next re-check",
        );
      },
    );
  };
  listen();
  deps.subscriber.on("ready", () => {
    if (!hearing) listen();
  });
  deps.subscriber.on("close", () => {
    if (!hearing) return;
    hearing = false;
    for (const listener of missedListeners) listener();
  });
  return {
    async announce(tokenId) {
      notify(tokenId);
      try {
        await deps.publisher.publish(channel, tokenId);
      } catch (error) {
        deps.logger.warn(
          { errorMessage: error instanceof Error ? error.message : String(error) },
          "could not announce a token revocation; other api processes close its connections at their next re-check",
        );
      }
    },
    onRevoked(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    hearing: () => hearing,
    onMissed(listener) {
      missedListeners.add(listener);
      return () => missedListeners.delete(listener);
    },
  };
}
