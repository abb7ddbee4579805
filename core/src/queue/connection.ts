import type { RedisOptions } from "ioredis";

/**
 * Connection options for a BullMQ queue or worker from a redis:// or rediss:// URL. Handing
 * BullMQ options (not a shared client) lets it own its connections: it opens what it needs
 * (workers block on one) and closes them on close(), so no command races a shutdown.
 */
export function bullConnection(redisUrl: string): RedisOptions {
  const url = new URL(redisUrl);
  const db = Number.parseInt(url.pathname.replace(/^\//, "") || "0", 10);
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: url.port === "" ? 6379 : Number.parseInt(url.port, 10),
    ...(url.username === "" ? {} : { username: decodeURIComponent(url.username) }),
    ...(url.password === "" ? {} : { password: decodeURIComponent(url.password) }),
    ...(Number.isNaN(db) ? {} : { db }),
    ...(url.protocol === "rediss:" ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}
