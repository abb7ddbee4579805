import { once } from "node:events";
import { connect, createServer, type Server, type Socket } from "node:net";
import { AgentEventLog, Topic, topicChannel, type SessionUsagePayload } from "@agentry/core";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestApi, type TestApi, type TestUser } from "./harness.js";
import { startRedisServer, type RedisServer } from "./support/redis-server.js";

// The api loses Redis and gets it back while clients hold subscriptions open. What was
// published meanwhile never reached it; the open subscriptions catch up on it (agent events
// from the history, usage totals from the database) and go on live, with no gap and no repeat.
// The api reaches Redis through a relay the test cuts and restores, so the outage is the api's
// alone: the test keeps publishing straight to Redis while the api cannot hear.

let redis: RedisServer;
let relay: Relay;
let api: TestApi;
let direct: Redis;

interface Relay {
  readonly url: string;
  /** Drops every connection through it and refuses new ones. */
  cut(): void;
  restore(): void;
  close(): void;
}

async function startRelay(port: number): Promise<Relay> {
  let open = true;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    if (!open) {
      client.destroy();
      return;
    }
    const upstream = connect(port, "127.0.0.1");
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => undefined);
    }
    client.pipe(upstream).pipe(client);
  }).listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  const cut = (): void => {
    open = false;
    for (const socket of sockets) socket.destroy();
  };
  return {
    url: `redis://127.0.0.1:${address.port}`,
    cut,
    restore() {
      open = true;
    },
    close() {
      cut();
      server.close();
    },
  };
}

beforeAll(async () => {
  redis = await startRedisServer();
  relay = await startRelay(Number(new URL(redis.url).port));
  api = await startTestApi({ redisUrl: relay.url });
  direct = new Redis(redis.url);
});
afterAll(async () => {
  await api.close();
  await direct.quit();
  relay.close();
  await redis.stop();
});

async function sessionWithAgent(owner: TestUser) {
  const { createSession } = await api.ok<{ createSession: { id: string } }>(
    `mutation { createSession(input: { name: "resume" }) { id } }`,
    undefined,
    owner.token,
  );
  const agent = await api.prisma.agent.create({
    data: { sessionId: createSession.id, kind: "CHAT", provider: "OPENAI", model: "gpt-5" },
  });
  return { sessionId: createSession.id, agentId: agent.id };
}

const AGENT_EVENTS = `subscription ($id: ID!) { agentEvents(agentId: $id, afterSeq: 0) { seq text } }`;
const SESSION_USAGE = `subscription ($id: ID!) { sessionUsage(sessionId: $id) { apiCalls } }`;

/** `promise`, or a failure after `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`nothing within ${ms} ms`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

const outageLines = () =>
  api.logs().filter((line) => /"msg":"redis (unreachable|reachable again)/.test(line)).length;

describe("open subscriptions through a Redis outage", () => {
  it("catch up on what was published while the api could not hear, then go on live", async () => {
    const owner = await api.signUp();
    const { sessionId, agentId } = await sessionWithAgent(owner);
    const events = new AgentEventLog(direct, api.namespace);
    const text = (delta: string) =>
      events.append({
        type: "TEXT",
        agentId,
        messageId: null,
        at: new Date().toISOString(),
        text: delta,
      });

    const socket = api.ws(owner.token);
    const live = socket.subscribe<{ agentEvents: { seq: number; text: string } }>(AGENT_EVENTS, {
      id: agentId,
    });
    const totals = socket.subscribe<{ sessionUsage: { apiCalls: number } }>(SESSION_USAGE, {
      id: sessionId,
    });
    expect((await totals.next()).data?.sessionUsage.apiCalls).toBe(0);
    await text("before ");
    expect((await live.next()).data?.agentEvents.text).toBe("before ");

    relay.cut();
    await vi.waitFor(() => {
      expect(outageLines()).toBe(1);
    });
    // Published while the api cannot hear: events, and new totals (rollup and topic).
    await text("during ");
    await text("the outage ");
    await api.prisma.sessionUsage.create({ data: { sessionId, apiCalls: 3 } });
    const payload: SessionUsagePayload = {
      sessionId,
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      apiCalls: 3,
      unpricedCalls: 0,
      costUsd: 0,
      updatedAt: new Date().toISOString(),
    };
    await direct.publish(
      topicChannel(Topic.SessionUsage, sessionId, api.namespace),
      JSON.stringify(payload),
    );

    relay.restore();
    await vi.waitFor(() => {
      expect(outageLines()).toBe(2);
    });
    await text("after");

    // Everything up to the first live event after the outage.
    const seen: { seq: number; text: string }[] = [];
    while (seen.at(-1)?.text !== "after") {
      const result = await within(live.next(), 10_000);
      if (result.data !== undefined && result.data !== null) seen.push(result.data.agentEvents);
    }
    expect(seen.map((event) => event.text).join("")).toBe("during the outage after");
    expect(seen.map((event) => event.seq)).toEqual([2, 3, 4]);
    expect((await within(totals.next(), 10_000)).data?.sessionUsage.apiCalls).toBe(3);
    await socket.dispose();
  });
});
