import type { Topic, TopicPayloads } from "@agentry/core";
import { createRedisEventTarget } from "@graphql-yoga/redis-event-target";
import { createPubSub, type PubSub } from "@graphql-yoga/subscription";
import type { TypedEventTarget } from "@graphql-yoga/typed-event-target";
import type { Redis } from "ioredis";

/** Yoga's routing keys: each topic takes an id (session or agent) and a payload. */
export type TopicArgs = { [K in Topic]: [id: string, payload: TopicPayloads[K]] };
export type TopicPubSub = PubSub<TopicArgs> & {
  /**
   * Resolves once every subscription asked for so far is active in Redis (a PING on the
   * subscribing connection answers after the SUBSCRIBEs sent before it), so a subscriber can
   * tell when nothing published from now on is missed.
   */
  settle(): Promise<void>;
};

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
  return Object.assign(createPubSub<TopicArgs>({ eventTarget }), {
    settle: async () => {
      await options.subscribeClient.ping();
    },
  });
}

/** An in-process pub/sub with the same types (schema emission needs one, and nothing more). */
export function createLocalPubSub(): TopicPubSub {
  return Object.assign(createPubSub<TopicArgs>(), { settle: () => Promise.resolve() });
}
