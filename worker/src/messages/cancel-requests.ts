import { messageCancelKeys, messageCancelRequested } from "@agentry/core";
import type { Redis } from "ioredis";
import type { Logger } from "pino";

/** Stop requests (cancelMessage) for the messages this worker runs. */
export interface CancelRequests {
  /**
   * Calls `onCancel` once a stop is asked for the message — at once when it was asked before
   * this call. Returns the function that stops watching (call it when the run is settled).
   */
  watch(messageId: string, onCancel: () => void): Promise<() => void>;
  close(): Promise<void>;
}

/**
 * Listens on the namespace's cancel channel (core's message-cancel) on a connection of its own
 * (a subscribed connection can do nothing else). Every worker hears every request; only the one
 * watching the message acts on it.
 */
export async function listenForCancels(
  redis: Redis,
  namespace: string,
  logger: Logger,
): Promise<CancelRequests> {
  const keys = messageCancelKeys(namespace);
  const watchers = new Map<string, Set<() => void>>();
  const subscriber = redis.duplicate();
  subscriber.on("error", () => {
    // The events connection reports Redis outages already; this one reconnects on its own and
    // ioredis subscribes it again.
  });
  subscriber.on("message", (channel: string, messageId: string) => {
    if (channel !== keys.channel) return;
    for (const onCancel of watchers.get(messageId) ?? []) onCancel();
  });
  await subscriber.subscribe(keys.channel);
  return {
    async watch(messageId, onCancel) {
      let told = false;
      const once = () => {
        if (told) return;
        told = true;
        onCancel();
      };
      const forMessage = watchers.get(messageId) ?? new Set();
      forMessage.add(once);
      watchers.set(messageId, forMessage);
      // Listening now: a request made before it left its flag.
      const asked = await messageCancelRequested(redis, namespace, messageId).catch(
        (error: unknown) => {
          logger.warn(
            { messageId, err: { message: error instanceof Error ? error.message : String(error) } },
            "could not check for a stop request; only one made from now on is heard",
          );
          return false;
        },
      );
      if (asked) once();
      return () => {
        forMessage.delete(once);
        if (forMessage.size === 0 && watchers.get(messageId) === forMessage) {
          watchers.delete(messageId);
        }
      };
    },
    async close() {
      watchers.clear();
      if (subscriber.status === "ready") await subscriber.quit().catch(() => undefined);
      if (subscriber.status !== "end") subscriber.disconnect();
    },
  };
}
