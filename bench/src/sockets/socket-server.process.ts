import "reflect-metadata";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { runInNewContext } from "node:vm";
import { startTestApi, type TestApi } from "@agentry/api/testing";
import { AgentEventLog } from "@agentry/core";
import WebSocket, { WebSocketServer } from "ws";
import { ChildPort } from "../lib/child-process.js";
import { addViewer, createSession, spawnChatAgent } from "../lib/gql.js";
import { deleteNamespace } from "../lib/redis-keys.js";
import type { FromServer, MemorySample, ServerKind, ToServer } from "./sockets-protocol.js";

// The process whose memory the idle-sockets bench measures: the real api (startTestApi, as the
// fan-out bench runs it) with a session, its agents and its members set up, or the bare `ws`
// server of the baseline. Started with --expose-gc: every sample follows a full collection.

const kind = process.argv[2] as ServerKind;
const users = Number(process.argv[3]);
const agents = Number(process.argv[4]);

// Full collections until the heap stops shrinking: what stays is what the sockets hold.
const collect = runInNewContext("gc") as () => void;
function measure(): MemorySample {
  let before = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round += 1) {
    collect();
    const used = process.memoryUsage().heapUsed;
    if (used >= before) break;
    before = used;
  }
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  return { rss, heapUsed, heapTotal, external, arrayBuffers };
}

interface Server {
  readonly url: string;
  readonly tokens: readonly string[];
  readonly agentIds: readonly string[];
  probe(): Promise<void>;
  close(): Promise<void>;
}

async function startAgentry(): Promise<Server> {
  const api: TestApi = await startTestApi({ env: { LOG_LEVEL: "info" } });
  try {
    const owner = await api.signUp();
    const sessionId = await createSession(api, owner.token, undefined, "bench: idle sockets");
    const agentIds: string[] = [];
    for (let index = 0; index < agents; index += 1) {
      agentIds.push(await spawnChatAgent(api, owner.token, sessionId));
    }
    const tokens: string[] = [];
    for (let start = 0; start < users; start += 10) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(10, users - start) }, async () => {
          const member = await api.signUp();
          await addViewer(api, owner.token, sessionId, member.email);
          return member.token;
        }),
      );
      tokens.push(...batch);
    }
    const events = new AgentEventLog(api.redis, api.namespace);
    return {
      url: api.wsUrl,
      tokens,
      agentIds,
      probe: async () => {
        const at = new Date().toISOString();
        await Promise.all(
          agentIds.map((agentId) =>
            events.append({ agentId, messageId: null, at, type: "TEXT", text: "probe" }),
          ),
        );
      },
      close: async () => {
        await deleteNamespace(api.redis, api.namespace);
        await api.close();
      },
    };
  } catch (error) {
    // What the api logged as an error says more than the GraphQL error's INTERNAL.
    for (const line of api.logs().filter((entry) => /"level":(50|60)/.test(entry))) {
      console.error(`api: ${line}`);
    }
    await api.close();
    throw error;
  }
}

async function startBare(): Promise<Server> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    tokens: [],
    agentIds: [],
    probe: () => {
      const message = JSON.stringify({ type: "TEXT", text: "probe", at: new Date().toISOString() });
      for (const client of server.clients) {
        if (client.readyState === WebSocket.OPEN) client.send(message);
      }
      return Promise.resolve();
    },
    close: async () => {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  };
}

let server: Server | undefined;
let closing: Promise<void> | undefined;
const closeServer = (): Promise<void> => {
  closing ??= server?.close() ?? Promise.resolve();
  return closing;
};

const port = new ChildPort<ToServer, FromServer>(async (message) => {
  if (server === undefined) throw new Error("the server is not up yet");
  switch (message.type) {
    case "measure":
      port.send({ type: "memory", memory: measure() });
      break;
    case "probe":
      await server.probe();
      port.send({ type: "probed" });
      break;
    case "close":
      await closeServer();
      port.send({ type: "closed" });
      break;
  }
}, closeServer);

(kind === "agentry" ? startAgentry() : startBare()).then(
  (started) => {
    server = started;
    port.send({
      type: "ready",
      scene: { url: started.url, tokens: started.tokens, agentIds: started.agentIds },
    });
  },
  (error: unknown) => {
    port.send({ type: "failed", message: `starting the ${kind} server: ${String(error)}` });
  },
);
