import type { OutageLog } from "@agentry/core";
import { Redis } from "ioredis";

/** The api's two Redis connections (built by main.ts, or the test harness). */
export interface RedisClients {
  /** Commands, PUBLISH, rate limits and the readiness PING. */
  readonly redis: Redis;
  /** Subscriptions only (a subscribed Redis connection can do nothing else). */
  readonly redisSubscriber: Redis;
}

/**
 * Both connections, not yet connected (`connect()` them). They reconnect by themselves; an
 * outage is logged once (not once per retry). A command on the command connection fails after
 * a few reconnection attempts; SUBSCRIBE and UNSUBSCRIBE wait for Redis instead (the pub/sub
 * library does not handle their failure, and ioredis resubscribes on reconnect anyway), so
 * callers check `status` before subscribing.
 */
export function createRedisClients(url: string, outages: OutageLog): RedisClients {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 });
  const redisSubscriber = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null });
  for (const [role, client] of [
    ["commands", redis],
    ["subscriber", redisSubscriber],
  ] as const) {
    client.on("error", (error: Error) => {
      outages.failed(role, error);
    });
    client.on("ready", () => {
      outages.reached(role);
    });
  }
  return { redis, redisSubscriber };
}
