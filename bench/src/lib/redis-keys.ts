import type { Redis } from "ioredis";

/** The local Redis every part of the bench uses (as the tests do). */
export const REDIS_URL = process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379";

/**
 * Deletes every key under a test api's namespace (its agents' event logs, its queues), so a run
 * leaves nothing behind in the shared Redis.
 */
export async function deleteNamespace(redis: Redis, namespace: string): Promise<number> {
  if (namespace === "") throw new Error("refusing to delete keys without a namespace");
  let deleted = 0;
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${namespace}*`, "COUNT", 500);
    cursor = next;
    if (keys.length > 0) deleted += await redis.del(...keys);
  } while (cursor !== "0");
  return deleted;
}
