import { Redis } from "ioredis";
import { freePort, installed, spawnChild, waitUntil, type Child } from "./processes.js";

export const redisInstalled = (): boolean => installed("redis-server");

// A redis-server of the test's own on a free port, which the test kills and starts again on
// that port. It keeps nothing on disk (--save "", no AOF): a restart comes back empty, as a
// Redis that lost its data does — the harder case for queues and event streams.

export interface RedisServer {
  readonly url: string;
  /** SIGKILL: every connection drops at once; resolves when it has exited. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty); resolves once it answers. */
  start(): Promise<void>;
  /** Stops it for good. */
  close(): Promise<void>;
}

async function answers(port: number): Promise<boolean> {
  const probe = new Redis({
    port,
    host: "127.0.0.1",
    lazyConnect: true,
    retryStrategy: () => null,
  });
  probe.on("error", () => undefined);
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } finally {
    probe.disconnect();
  }
}

export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  let child: Child | undefined;
  const start = async (): Promise<void> => {
    if (child !== undefined && child.running()) return;
    child = spawnChild("redis-server", [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
    ]);
    await waitUntil(() => answers(port), `redis-server on port ${port} answers`, 10_000, child);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    kill: async () => child?.stop("SIGKILL"),
    start,
    close: async () => child?.stop("SIGKILL"),
  };
}
