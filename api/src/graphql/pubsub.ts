import {
  AppError,
  parseTextEvent,
  Topic,
  topicChannel,
  topicPayloadSchemas,
  type TopicPayloads,
} from "@agentry/core";
import type { Redis } from "ioredis";
import type { Logger } from "pino";

// Topic pub/sub for the api's subscriptions: one Redis SUBSCRIBE per channel per api process,
// however many subscribers listen to it, and each message parsed and validated once; every
// listener of the channel gets the same frozen payload object. (@graphql-yoga's createPubSub
// gave each subscriber a stream of its own and each one re-validated the payload: most of the
// cost of an event with many watchers, and the shared object is what lets the graphql-ws side
// execute and serialize an event once for all of them.)

/** Called with each payload published on a channel, already validated. */
export type TopicListener<K extends Topic> = (payload: TopicPayloads[K]) => void;

export interface TopicPubSub {
  /** Whether the subscribing connection is up (a new subscription would start now). */
  available(): boolean;
  /**
   * Resolves once every channel listened to so far is subscribed in Redis (a PING on the
   * subscribing connection answers after the SUBSCRIBEs sent before it), so a listener can tell
   * when nothing published from now on is missed. UNAVAILABLE when Redis does not answer in time.
   */
  settle(): Promise<void>;
  /** Listens to `topic` for `id` until the returned function is called. */
  listen<K extends Topic>(topic: K, id: string, listener: TopicListener<K>): () => void;
  /**
   * Calls `listener` each time the subscribing connection is back after it was lost, once the
   * channels are subscribed again: what was published meanwhile never arrived, and listeners
   * catch up on it (agent events from their history, usage totals from the database). Until the
   * returned function is called.
   */
  onReconnect(listener: () => void): () => void;
}

/** How long settle() waits for Redis before giving up. */
const SETTLE_TIMEOUT_MS = 3_000;

/** The error a subscription gets while Redis, which carries every live event, is down. */
export const eventsUnavailable = (): AppError =>
  new AppError(
    "UNAVAILABLE",
    "Live updates are unavailable right now (the event bus cannot be reached); subscribe again in a moment",
  );

export interface TopicPubSubOptions {
  /** Subscribes: a connection of its own, since a subscribed Redis connection does nothing else. */
  readonly subscribeClient: Redis;
  /** Prefix of every channel (core's topicChannel namespace); "" in production. */
  readonly namespace?: string;
  /** Where a malformed payload is reported (it is dropped, never passed on). */
  readonly logger: Logger;
}

interface Channel {
  readonly topic: Topic;
  readonly listeners: Set<(payload: never) => void>;
}

/** Deep-freezes a validated payload: every subscriber of the channel shares it. */
function freeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) freeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * Pub/sub over Redis channels `<namespace><topic>:<id>` with JSON payloads (core's topic
 * contract), so any api process serves any subscriber, whichever process published.
 */
export function createTopicPubSub(options: TopicPubSubOptions): TopicPubSub {
  const { subscribeClient, logger } = options;
  const namespace = options.namespace ?? "";
  const channels = new Map<string, Channel>();

  const decode = (channel: Channel, message: string): unknown => {
    let json: unknown;
    try {
      json = JSON.parse(message);
    } catch {
      json = undefined;
    }
    // Most agent events are TEXT deltas, checked by hand (core's parseTextEvent: the schema's rules).
    const text = channel.topic === Topic.AgentEvents ? parseTextEvent(json) : undefined;
    // Its own object, of strings, numbers and null: frozen as it is.
    if (text !== undefined) return Object.freeze(text);
    const parsed = topicPayloadSchemas[channel.topic].safeParse(json);
    if (parsed.success) return freeze(parsed.data);
    logger.warn(
      { topic: channel.topic, issues: parsed.error.issues.length },
      "dropped a malformed pub/sub payload",
    );
    return undefined;
  };

  subscribeClient.on("message", (name: string, message: string) => {
    const channel = channels.get(name);
    if (channel === undefined) return;
    const payload = decode(channel, message);
    if (payload === undefined) return;
    for (const listener of channel.listeners) (listener as (payload: unknown) => void)(payload);
  });

  // SUBSCRIBE and UNSUBSCRIBE go out in call order on the one connection, so a channel dropped
  // and listened to again ends subscribed. ioredis re-subscribes after a reconnection.
  const subscribe = (name: string): void => {
    subscribeClient.subscribe(name).catch((error: unknown) => {
      logger.warn(
        { errorMessage: error instanceof Error ? error.message : String(error) },
        "could not subscribe to a pub/sub channel",
      );
    });
  };
  const unsubscribe = (name: string): void => {
    subscribeClient.unsubscribe(name).catch(() => undefined);
  };

  const available = (): boolean => subscribeClient.status === "ready";

  // ioredis subscribes to every channel again before it says "ready" (the SUBSCRIBEs are sent
  // first): once a PING after them answers, nothing published from then on is missed.
  const reconnectListeners = new Set<() => void>();
  let lost = false;
  subscribeClient.on("close", () => {
    lost = true;
  });
  subscribeClient.on("ready", () => {
    if (!lost) return;
    void pubsub.settle().then(
      () => {
        lost = false;
        for (const listener of reconnectListeners) listener();
      },
      // Gone again: the next "ready" tries again.
      () => undefined,
    );
  });

  const pubsub: TopicPubSub = {
    available,
    onReconnect(listener) {
      reconnectListeners.add(listener);
      return () => {
        reconnectListeners.delete(listener);
      };
    },
    listen(topic, id, listener) {
      const name = topicChannel(topic, id, namespace);
      let channel = channels.get(name);
      if (channel === undefined) {
        channel = { topic, listeners: new Set() };
        channels.set(name, channel);
        subscribe(name);
      }
      const listeners = channel.listeners;
      listeners.add(listener);
      return () => {
        if (!listeners.delete(listener) || listeners.size > 0) return;
        if (channels.get(name)?.listeners === listeners) {
          channels.delete(name);
          unsubscribe(name);
        }
      };
    },
    settle: async () => {
      if (!available()) throw eventsUnavailable();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          subscribeClient.ping(),
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
  };
  return pubsub;
}
