import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it, vi } from "vitest";
import {
  AgentEventLog,
  agentEventKeys,
  SEQ_BLOCK,
  type SeqReservations,
} from "../src/events/agent-event-log.js";
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

  it("appends when Redis does not hold its script (first use, or after a restart)", async () => {
    const log = new AgentEventLog(redis, namespace);
    const agentId = randomUUID();
    await log.append(text(agentId, "a"));
    // The next EVALSHA names a script Redis never saw, as after a restart (a SCRIPT FLUSH would
    // do it for every client of the shared Redis): Redis answers NOSCRIPT, the append runs EVAL.
    const evalsha = redis.evalsha.bind(redis);
    const unknown = vi
      .spyOn(redis, "evalsha")
      .mockImplementationOnce((_sha: unknown, ...rest: unknown[]) =>
        (evalsha as (...args: unknown[]) => Promise<unknown>)("0".repeat(40), ...rest),
      );
    const evaluated = vi.spyOn(redis, "eval");
    try {
      const second = await log.append(text(agentId, "b"));
      expect(second.seq).toBe(2);
      expect(evaluated).toHaveBeenCalledTimes(1);
    } finally {
      unknown.mockRestore();
      evaluated.mockRestore();
    }
    const third = await log.append(text(agentId, "c"));
    expect(third.seq).toBe(3);
    const replayed = (await log.replay(agentId, 0)).map((e) =>
      agentEventPayloadSchema.parse(JSON.parse(e)),
    );
    expect(replayed.map((e) => e.seq)).toEqual([1, 2, 3]);
    await log.forget(agentId);
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

  describe("with reservations kept elsewhere (the worker keeps them in the database)", () => {
    /** A durable store in memory: the part of the state that survives Redis losing its own. */
    function durableStore() {
      const ceilings = new Map<string, number>();
      const calls: { atLeast: number; ceiling: number }[] = [];
      const reservations: SeqReservations = {
        reserve(agentId, atLeast, block) {
          const ceiling = Math.max(ceilings.get(agentId) ?? 0, atLeast) + block;
          ceilings.set(agentId, ceiling);
          calls.push({ atLeast, ceiling });
          return Promise.resolve(ceiling);
        },
      };
      return { reservations, calls };
    }
    /** What a Redis restarted without persistence has of the agent: nothing. */
    const loseRedisData = async (agentId: string) => {
      const keys = agentEventKeys(agentId, namespace);
      await redis.del(keys.seq, keys.ceiling, keys.history);
    };

    it("reserves a block once per SEQ_BLOCK events, numbering from 1 as before", async () => {
      const { reservations, calls } = durableStore();
      const log = new AgentEventLog(redis, namespace, reservations);
      const agentId = randomUUID();
      const seqs: number[] = [];
      for (let i = 0; i < SEQ_BLOCK + 2; i++) seqs.push((await log.append(text(agentId, "t"))).seq);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      expect(calls).toEqual([
        { atLeast: 0, ceiling: SEQ_BLOCK },
        { atLeast: SEQ_BLOCK, ceiling: 2 * SEQ_BLOCK },
      ]);
      await log.forget(agentId);
    });

    it("numbers past every number handed out before when Redis lost the counter", async () => {
      const { reservations } = durableStore();
      const log = new AgentEventLog(redis, namespace, reservations);
      const agentId = randomUUID();
      let last = 0;
      for (let i = 0; i < 5; i++) last = (await log.append(text(agentId, "before"))).seq;
      expect(last).toBe(5);
      await loseRedisData(agentId);

      const after = await log.append(text(agentId, "after"));
      expect(after.seq).toBeGreaterThan(last);
      // A client resuming after the last number it saw gets the new events.
      const replayed = (await log.replay(agentId, last)).map((e) =>
        agentEventPayloadSchema.parse(JSON.parse(e)),
      );
      expect(replayed.map((e) => e.seq)).toEqual([after.seq]);
      await log.forget(agentId);
    });

    it("takes over a counter that ran ahead of every reservation (one kept before them)", async () => {
      const agentId = randomUUID();
      const plain = new AgentEventLog(redis, namespace);
      for (let i = 0; i < 3; i++) await plain.append(text(agentId, "old"));
      const { reservations, calls } = durableStore();
      const log = new AgentEventLog(redis, namespace, reservations);
      expect((await log.append(text(agentId, "new"))).seq).toBe(4);
      expect(calls).toEqual([{ atLeast: 3, ceiling: 3 + SEQ_BLOCK }]);
      await log.forget(agentId);
    });
  });
});
