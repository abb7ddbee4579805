import { MESSAGE_QUEUE, bullConnection, queuePrefix } from "@agentry/core";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestApi, type TestApi, type TestUser } from "./harness.js";
import { startRedisServer, type RedisServer } from "./support/redis-server.js";

// Redis down: the api says so at once (UNAVAILABLE), keeps nothing it could not hand on (no
// message stays QUEUED without a job), tells subscribers the same, logs the outage once, and
// works again by itself when Redis is back. The api runs on a redis-server of this file's own.

let redis: RedisServer;
let api: TestApi;
let jobs: Queue;
beforeAll(async () => {
  redis = await startRedisServer();
  api = await startTestApi({ redisUrl: redis.url });
  jobs = new Queue(MESSAGE_QUEUE, {
    connection: bullConnection(redis.url),
    prefix: queuePrefix(api.namespace),
  });
});
afterAll(async () => {
  await jobs.close();
  await api.close();
  await redis.stop();
});

async function agentOf(owner: TestUser): Promise<{ sessionId: string; agentId: string }> {
  const { createSession } = await api.ok<{ createSession: { id: string } }>(
    `mutation { createSession(input: { name: "outage" }) { id } }`,
    undefined,
    owner.token,
  );
  const { spawnAgent } = await api.ok<{ spawnAgent: { id: string } }>(
    `mutation ($id: ID!) { spawnAgent(sessionId: $id, kind: CHAT) { id } }`,
    { id: createSession.id },
    owner.token,
  );
  return { sessionId: createSession.id, agentId: spawnAgent.id };
}

const SEND = `mutation ($id: ID!, $t: String!) { sendMessage(agentId: $id, text: $t) { id status } }`;
const outageLines = () =>
  api
    .logs()
    .filter((line) => line.includes("redis unreachable") || line.includes("reachable again"));

describe("while Redis is down", () => {
  it("refuses sendMessage at once with UNAVAILABLE, keeps no message, and takes messages again once Redis is back", async ({
    annotate,
  }) => {
    const owner = await api.signUp();
    const { sessionId, agentId } = await agentOf(owner);
    await redis.stop();
    await vi.waitFor(() => {
      expect(outageLines().length).toBeGreaterThan(0);
    });

    const started = performance.now();
    const refused = await api.fail(SEND, { id: agentId, t: "during the outage" }, owner.token);
    const refusedMs = performance.now() - started;
    expect(refused.extensions?.code).toBe("UNAVAILABLE");
    expect(refused.message).toMatch(/queue is unavailable/);
    expect(await api.prisma.message.count({ where: { agentId } })).toBe(0);

    // A subscription opened now gets the same code, not INTERNAL.
    const socket = api.ws(owner.token);
    const subscribed = await socket
      .subscribe(`subscription ($id: ID!) { sessionUsage(sessionId: $id) { apiCalls } }`, {
        id: sessionId,
      })
      .next();
    expect(subscribed.errors?.[0]?.extensions).toMatchObject({ code: "UNAVAILABLE" });
    const replay = await socket
      .subscribe(`subscription ($id: ID!) { agentEvents(agentId: $id, afterSeq: 0) { seq } }`, {
        id: agentId,
      })
      .next();
    expect(replay.errors?.[0]?.extensions).toMatchObject({ code: "UNAVAILABLE" });
    await socket.dispose();

    await redis.start();
    const sent = await vi.waitFor(
      async () => {
        const response = await api.gql<{ sendMessage: { id: string; status: string } }>(
          SEND,
          { id: agentId, t: "after the outage" },
          owner.token,
        );
        expect(response.errors).toBeUndefined();
        return response.data?.sendMessage;
      },
      { timeout: 15_000, interval: 200 },
    );
    expect(sent?.status).toBe("QUEUED");
    // Every message kept is one the worker will be handed: none is QUEUED without its job.
    const kept = await api.prisma.message.findMany({ where: { agentId }, select: { id: true } });
    expect(kept.map((message) => message.id)).toEqual([sent?.id]);
    expect(await jobs.getJob(sent?.id ?? "")).toBeDefined();

    const lines = outageLines().map((line) => JSON.parse(line) as { msg: string; level: number });
    expect(lines.map((line) => line.msg)).toEqual([
      "redis unreachable; retrying quietly until it is back",
      "redis reachable again",
    ]);
    expect(api.logs().filter((line) => /"level":50/.test(line))).toEqual([]);
    await annotate(
      `sendMessage with Redis down refused (UNAVAILABLE) in ${refusedMs.toFixed(0)} ms`,
    );
  });
});
