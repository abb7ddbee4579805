import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { anthropicKey, startSystem, type System } from "./support/system.js";
import {
  AGENT_EVENTS,
  createSession,
  messages,
  readUntil,
  sendMessage,
  settled,
  spawnChatAgent,
  within,
  type AgentEventView,
} from "./support/flows.js";

// Messages to one agent run one at a time, in the order sent; different agents run at once.

let system: System;

beforeAll(async () => {
  system = await startSystem();
});
afterAll(async () => {
  await system.close();
});
afterEach(() => {
  // Delays, holds and queued failures belong to the test that set them.
  system.fake.reset();
});

/** A user with a session whose own key the fake accepts (and filters its calls by). */
async function keyedSession() {
  const { api, fake } = system;
  const user = await api.signUp();
  const key = anthropicKey();
  fake.addKey(key);
  const sessionId = await createSession(api, user.token, { provider: "ANTHROPIC", secret: key });
  const calls = () => fake.calls().filter((call) => call.key === key);
  return { user, sessionId, calls };
}

describe("message order", () => {
  it("runs messages sent back-to-back to one agent one at a time, in the order sent, each answered in turn", async () => {
    const { api, fake } = system;
    const { user, sessionId, calls } = await keyedSession();
    const agentId = await spawnChatAgent(api, user.token, sessionId);
    const socket = api.ws(user.token);
    try {
      const events = socket.subscribe<{ agentEvents: AgentEventView }>(AGENT_EVENTS, { agentId });
      // Calls that last a while, so runs that overlapped would interleave their events.
      fake.setDelay(40);
      const held = fake.hold({ provider: "ANTHROPIC" });
      const texts = ["first: plan the work", "second: write the code", "third: test it"];
      const ids: string[] = [];
      for (const text of texts) ids.push(await sendMessage(api, user.token, agentId, text));

      // While the first runs, the others wait their turn without calling the provider.
      await within(held.started, 20_000, "the first message's call");
      const waiting = await messages(api, user.token, sessionId, agentId);
      expect(waiting.map((m) => m.status)).toEqual(["RUNNING", "QUEUED", "QUEUED"]);
      expect(calls()).toHaveLength(1);
      held.release();

      const done = new Set<string>();
      const stream = await readUntil(
        events,
        (d) => d.agentEvents,
        (event) => {
          if (event.type === "DONE" || event.type === "ERROR") done.add(event.messageId ?? "");
          return done.size === texts.length;
        },
      );
      for (const id of ids) {
        expect((await settled(api, user.token, sessionId, agentId, id)).status).toBe("DONE");
      }

      // The provider was asked in send order, and each answer echoes its own message.
      expect(calls().map((call) => call.prompt)).toEqual(texts);
      expect(calls().map((call) => call.text)).toEqual(texts.map((t) => `Echo: ${t}`));
      // One run after another: the stream is each message's events in a block, in send order.
      const blocks = stream
        .map((event) => event.messageId)
        .filter((id, i, all) => id !== all[i - 1]);
      expect(blocks).toEqual(ids);
      const replies = ids.map((id) =>
        stream
          .filter((event) => event.messageId === id && event.type === "TEXT")
          .map((event) => event.text)
          .join(""),
      );
      expect(replies).toEqual(texts.map((t) => `Echo: ${t}`));
      const stored = await messages(api, user.token, sessionId, agentId);
      expect(stored.filter((m) => m.role === "assistant").map((m) => m.text)).toEqual(
        texts.map((t) => `Echo: ${t}`),
      );
    } finally {
      await socket.dispose();
    }
  });

  it("runs two agents of one session at the same time", async () => {
    const { api, fake } = system;
    const { user, sessionId, calls } = await keyedSession();
    const first = await spawnChatAgent(api, user.token, sessionId);
    const second = await spawnChatAgent(api, user.token, sessionId);
    const holds = [fake.hold({ provider: "ANTHROPIC" }), fake.hold({ provider: "ANTHROPIC" })];
    const sent = [
      await sendMessage(api, user.token, first, "agent one, go"),
      await sendMessage(api, user.token, second, "agent two, go"),
    ];

    // Both calls are paused at the provider at once: neither agent waited for the other.
    const started = await within(
      Promise.all(holds.map((hold) => hold.started)),
      25_000,
      "both agents' calls in flight together",
    );
    expect(started.map((call) => call.prompt).sort()).toEqual(["agent one, go", "agent two, go"]);
    expect(calls().filter((call) => !call.completed)).toHaveLength(2);
    for (const hold of holds) hold.release();

    const results = await Promise.all([
      settled(api, user.token, sessionId, first, sent[0] ?? ""),
      settled(api, user.token, sessionId, second, sent[1] ?? ""),
    ]);
    expect(results.map((m) => m.status)).toEqual(["DONE", "DONE"]);
  });

  it("runs a message sent just as the agent's previous run finishes (no lost wake-up)", async () => {
    const { api, fake } = system;
    const { user, sessionId, calls } = await keyedSession();
    const agentId = await spawnChatAgent(api, user.token, sessionId);
    // A warm container keeps every round on the same short path.
    const warmUp = await sendMessage(api, user.token, agentId, "warm up");
    await settled(api, user.token, sessionId, agentId, warmUp);
    const socket = api.ws(user.token);
    const events = socket.subscribe<{ agentEvents: AgentEventView }>(AGENT_EVENTS, { agentId });
    const runInOrder = async (round: string, ids: readonly string[], texts: readonly string[]) => {
      for (const id of ids) {
        // Short: a message left waiting for a wake-up that never comes fails here.
        const message = await settled(api, user.token, sessionId, agentId, id, 10_000);
        expect(message.status, round).toBe("DONE");
      }
      expect(
        calls().map((call) => call.prompt),
        round,
      ).toEqual(texts);
    };

    try {
      // A message already waiting when the run ends, and one sent as it ends.
      for (let round = 1; round <= 3; round++) {
        fake.clearCalls();
        const held = fake.hold({ provider: "ANTHROPIC" });
        const texts = [`round ${round}: one`, `round ${round}: two`, `round ${round}: three`];
        const first = await sendMessage(api, user.token, agentId, texts[0] ?? "");
        await within(held.started, 20_000, `round ${round}: the first call`);
        const second = await sendMessage(api, user.token, agentId, texts[1] ?? "");
        held.release();
        const third = await sendMessage(api, user.token, agentId, texts[2] ?? "");
        await runInOrder(`round ${round}`, [first, second, third], texts);
      }

      // The next message arrives while the run is wrapping up (its last provider call is
      // counted, the reply not yet stored): the closest the api lets a client aim at the
      // moment the agent frees up and looks for its next message.
      for (const [round, offsetMs] of [0, 15, 30, 45].entries()) {
        fake.clearCalls();
        const texts = [`tight ${round}: one`, `tight ${round}: two`];
        const first = await sendMessage(api, user.token, agentId, texts[0] ?? "");
        await readUntil(
          events,
          (d) => d.agentEvents,
          (event) => event.type === "USAGE" && event.messageId === first,
        );
        if (offsetMs > 0) await sleep(offsetMs);
        const second = await sendMessage(api, user.token, agentId, texts[1] ?? "");
        await runInOrder(`tight round ${round}`, [first, second], texts);
      }
    } finally {
      await socket.dispose();
    }
    const all = await messages(api, user.token, sessionId, agentId);
    expect(all.filter((m) => m.status === "QUEUED" || m.status === "RUNNING")).toEqual([]);
    expect(all.filter((m) => m.role === "assistant")).toHaveLength(1 + 3 * 3 + 4 * 2);
  });
});
