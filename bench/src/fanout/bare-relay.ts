import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import WebSocket, { WebSocketServer } from "ws";

// The baseline for the fan-out path: the least a Redis-fed WebSocket push can do. One Redis
// subscription, a `ws` server, and every published message forwarded as is to every client:
// no auth, no GraphQL, no parsing, no per-subscriber stream.

export interface BareRelay {
  readonly url: string;
  close(): Promise<void>;
}

export async function startBareRelay(redisUrl: string, channel: string): Promise<BareRelay> {
  const subscriber = new Redis(redisUrl);
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  try {
    await once(server, "listening");
    await subscriber.subscribe(channel);
  } catch (error) {
    server.close();
    subscriber.disconnect();
    throw error;
  }
  subscriber.on("message", (from: string, message: string) => {
    if (from !== channel) return;
    for (const client of server.clients) {
      if (client.readyState === WebSocket.OPEN) client.send(message);
    }
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    async close() {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
      await subscriber.quit();
    },
  };
}
