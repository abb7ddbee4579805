import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { AgentEventLog, agentEventKeys } from "../src/events/agent-event-log.js";
import { agentEventPayloadSchema } from "../src/topics.js";

const namespace = `test-${randomUUID()}:`;
const redis = new Redis("redis://127.0.0.1:6379");
const subscriber = new Redis("redis://127.0.0.1:6379");
afterAll(async () => {
  await redis.quit();
  await subscriber.quit();
});

const text = (agentId: string, delta: string) => ({
  type: "TEXT" as const,
  agentId,
  messageId: null,
  at: new Date().toISOString(),
  text: delta,
});

describe("AgentEventLog", () => {
  it("numbers events per agent, publishes them in order and replays after a sequence", async () => {
    const log = new AgentEventLog(redis, namespace);
    const agentId = randomUUID();
    const received: unknown[] = [];
    const all = new Promise<void>((resolve) => {
      subscriber.on("message", (_channel: string, message: string) => {
        received.push(JSON.parse(message));
        if (received.length === 3) resolve();
      });
    });
    await subscriber.subscribe(agentEventKeys(agentId, namespace).channel);

    const first = await log.append(text(agentId, "a"));
    await log.append(text(agentId, "b"));
    await log.append(text(agentId, "c"));
    await all;

    expect(first.seq).toBe(1);
    expect(received.map((e) => agentEventPayloadSchema.parse(e).seq)).toEqual([1, 2, 3]);
    const replayed = (await log.replay(agentId, 1)).map((e) =>
      agentEventPayloadSchema.parse(JSON.parse(e)),
    );
    expect(replayed.map((e) => [e.seq, e.type === "TEXT" ? e.text : null])).toEqual([
      [2, "b"],
      [3, "c"],
    ]);

    await log.forget(agentId);
    expect(await log.replay(agentId, 0)).toEqual([]);
  });

  it("keeps separate sequences for separate agents", async () => {
    const log = new AgentEventLog(redis, namespace);
    const [a, b] = [randomUUID(), randomUUID()];
    await log.append(text(a, "x"));
    const second = await log.append(text(a, "y"));
    const otherFirst = await log.append(text(b, "z"));
    expect([second.seq, otherFirst.seq]).toEqual([2, 1]);
    await log.forget(a);
    await log.forget(b);
  });
});
