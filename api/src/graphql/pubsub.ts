import { AppError, type Topic, type TopicPayloads } from "@agentry/core";
import { createRedisEventTarget } from "@graphql-yoga/redis-event-target";
import { createPubSub, type PubSub } from "@graphql-yoga/subscription";
import type { TypedEventTarget } from "@graphql-yoga/typed-event-target";
import type { Redis } from "ioredis";

/** Yoga's routing keys: each topic takes an id (session or agent) and a payload. */
export type TopicArgs = { [K in Topic]: [id: string, payload: TopicPayloads[K]] };
export type TopicPubSub = PubSub<TopicArgs> & {
  /** Whether the subscribing connection is up (a new subscription would start now). */
  available(): boolean;
  /**
   * Resolves once every subscription asked for so far is active in Redis (a PING on the
   * subscribing connection answers after the SUBSCRIBEs sent before it), so a subscriber can
   * tell when nothing published from now on is missed. UNAVAILABLE when Redis does not answer
   * in time.
   */
  settle(): Promise<void>;
};

/** How long settle() waits for Redis before giving up. */
const SETTLE_TIMEOUT_MS = 3_000;

/** The error a subscription gets while Redis, which carries every live event, is down. */
export const eventsUnavailable = (): AppError =>
  new AppError(
    "UNAVAILABLE",
    "Live updates are unavailable right now (the event bus cannot be reached); subscribe again in a moment",
  );

export interface TopicPubSubOptions {
  /** Publishes (any connection; PUBLISH works on a normal one). */
  readonly publishClient: Redis;
  /** Subscribes: a connection of its own, since a subscribed Redis connection does nothing else. */
  readonly subscribeClient: Redis;
  /** Prefix of every channel (core's topicChannel namespace); "" in production. */
  readonly namespace?: string;
}

function parseOrNull(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/**
 * Pub/sub over Redis channels `<namespace><topic>:<id>` with JSON payloads, so any api process
 * can serve any subscriber, whichever process published. Payloads arrive unvalidated: the
 * subscribing side parses them with core's topicPayloadSchemas.
 */
export function createTopicPubSub(options: TopicPubSubOptions): TopicPubSub {
  type Event = CustomEvent<unknown>;
  const redisTarget = createRedisEventTarget<Event>({
    publishClient: options.publishClient,
    subscribeClient: options.subscribeClient,
    // The default (JSON.parse) throws inside ioredis' message handler on a malformed message,
    // which would crash the process; null is dropped by the subscriber's schema check instead.
    serializer: { stringify: (message) => JSON.stringify(message), parse: parseOrNull },
  });
  const namespace = options.namespace ?? "";
  const eventTarget: TypedEventTarget<Event> =
    namespace === ""
      ? redisTarget
      : {
          addEventListener: (type, listener) => {
            redisTarget.addEventListener(namespace + type, listener);
          },
          removeEventListener: (type, listener) => {
            redisTarget.removeEventListener(namespace + type, listener);
          },
          dispatchEvent: (event) =>
            redisTarget.dispatchEvent(
              new CustomEvent(namespace + event.type, { detail: event.detail }),
            ),
        };
  const available = (): boolean => options.subscribeClient.status === "ready";
  return Object.assign(createPubSub<TopicArgs>({ eventTarget }), {
    available,
    settle: async () => {
      if (!available()) throw eventsUnavailable();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          options.subscribeClient.ping(),
          new Promise((_, reject) => {
            timer = setTimeout(() => {
              reject(eventsUnavailable());
            }, SETTLE_TIMEOUT_MS);
          }),
        ]);
      } catch (error) {
        // A failed PING on a connection that is up is no outage: it surfaces as it is.
        if (available() && !(error instanceof AppError)) throw error;
        throw eventsUnavailable();
      } finally {
        clearTimeout(timer);
      }
    },
  });
}

/** An in-process pub/sub with the same types (schema emission needs one, and nothing more). */
export function createLocalPubSub(): TopicPubSub {
  return Object.assign(createPubSub<TopicArgs>(), {
    available: () => true,
    settle: () => Promise.resolve(),
  });
}
