import type { Redis } from "ioredis";
import type { Logger } from "pino";

// A revoked token must stop working everywhere at once, including on graphql-ws connections it
// opened on other api processes. Revocations are announced on a Redis channel every api process
// listens to; the announcing process also tells its own listeners directly, so its sockets close
// even while Redis is down (the others then catch up at their next periodic re-check).

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export type RevocationListener = (tokenId: string) => void;

/** Announces revoked tokens to every api process, and hears their announcements. */
export interface TokenRevocations {
  /** Tells every api process (this one first) that the token no longer works. */
  announce(tokenId: string): Promise<void>;
  /** Calls `listener` with each revoked token's id; returns a function that stops it. */
  onRevoked(listener: RevocationListener): () => void;
}

export function createTokenRevocations(deps: {
  readonly publisher: Redis;
  readonly subscriber: Redis;
  readonly namespace: string;
  readonly logger: Logger;
}): TokenRevocations {
  const channel = `${deps.namespace}tokenRevoked`;
  const listeners = new Set<RevocationListener>();
  const notify = (tokenId: string): void => {
    for (const listener of listeners) listener(tokenId);
  };
  deps.subscriber.on("message", (from: string, message: string) => {
    if (from === channel && UUID.test(message)) notify(message);
  });
  // The subscriber waits for Redis rather than failing (see redis-clients.ts), and ioredis
  // subscribes again after every reconnection.
  deps.subscriber.subscribe(channel).catch((error: unknown) => {
    deps.logger.warn(
      { errorMessage: error instanceof Error ? error.message : String(error) },
      "could not listen for token revocations; other api processes' revocations arrive at the next re-check",
    );
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
  };
}
