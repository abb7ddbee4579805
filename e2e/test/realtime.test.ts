import { startTestApi, type TestApi, type TestUser } from "@agentry/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anthropicKey, startSystem, type System } from "./support/system.js";
import {
  AGENT_EVENTS,
  createSession,
  readUntil,
  SESSION_USAGE,
  sendMessage,
  sessionUsage,
  settled,
  spawnChatAgent,
  type AgentEventView,
  type UsageTotals,
} from "./support/flows.js";

// What a live client sees over graphql-ws while an agent works: the event stream of one
// message, resuming after a disconnect, errors, several api processes, and who may listen.

let system: System;

beforeAll(async () => {
  system = await startSystem();
});
afterAll(async () => {
  await system.close();
});

/** A user with a session on `secret` (added to the fake unless `refused`), and a chat agent. */
async function keyedSession(options: { refused?: boolean } = {}) {
  const { api, fake } = system;
  const user = await api.signUp();
  const key = anthropicKey();
  if (options.refused !== true) fake.addKey(key);
  const sessionId = await createSession(api, user.token, { provider: "ANTHROPIC", secret: key });
  const agentId = await spawnChatAgent(api, user.token, sessionId);
  const calls = () => fake.calls().filter((call) => call.key === key);
  return { user, key, sessionId, agentId, calls };
}

type EventSubscription = ReturnType<typeof subscribeEvents>;

function subscribeEvents(api: TestApi, user: TestUser, agentId: string, afterSeq?: number) {
  const socket = api.ws(user.token);
  const subscription = socket.subscribe<{ agentEvents: AgentEventView }>(AGENT_EVENTS, {
    agentId,
    ...(afterSeq === undefined ? {} : { afterSeq }),
  });
  return { socket, subscription };
}

/**
 * From the agent's first event on: with afterSeq 0 the api replays what it kept and then goes
 * live without a gap, so a run that starts before the subscription is in place is not missed.
 */
const subscribeFromStart = (api: TestApi, user: TestUser, agentId: string) =>
  subscribeEvents(api, user, agentId, 0);

/** Events until the run of `messageId` ends (its DONE or ERROR). */
const untilRunEnds = (events: EventSubscription, messageId: string) =>
  readUntil(
    events.subscription,
    (d) => d.agentEvents,
    (event) => (event.type === "DONE" || event.type === "ERROR") && event.messageId === messageId,
  );

/** An event as a compact label: `STATUS:BUSY`, `TEXT`, `USAGE`, `DONE`, … */
const label = (event: AgentEventView): string =>
  event.type === "STATUS" ? `STATUS:${event.status ?? ""}` : event.type;

const expectConsecutive = (events: readonly AgentEventView[]) => {
  const seqs = events.map((event) => event.seq);
  expect(seqs).toEqual(seqs.map((_, i) => (seqs[0] ?? 0) + i));
};

describe("agentEvents", () => {
  it("streams one message's run: status, text deltas that join to the reply, one usage per call, idle and done, in sequence", async () => {
    const { api } = system;
    const { user, sessionId, agentId, calls } = await keyedSession();
    const events = subscribeFromStart(api, user, agentId);
    try {
      const id = await sendMessage(api, user.token, agentId, "stream me a reply");
      const stream = await untilRunEnds(events, id);

      expect(stream.every((e) => e.agentId === agentId && e.messageId === id)).toBe(true);
      expectConsecutive(stream);
      const labels = stream.map(label);
      const texts = labels.filter((l) => l === "TEXT").length;
      expect(labels).toEqual([
        "STATUS:STARTING",
        "STATUS:BUSY",
        ...Array<string>(texts).fill("TEXT"),
        "USAGE",
        "STATUS:IDLE",
        "DONE",
      ]);
      // Deltas, not the whole: several of them, joining to the stored reply.
      expect(texts).toBeGreaterThan(1);
      const reply = stream.map((e) => e.text ?? "").join("");
      expect(reply).toBe("Echo: stream me a reply");
      // One USAGE per provider call, carrying what the provider reported for it.
      const [call] = calls();
      expect(calls()).toHaveLength(1);
      const usage = stream.find((e) => e.type === "USAGE")?.usage;
      expect(usage).toMatchObject({
        callIndex: 0,
        model: "claude-haiku-4-5",
        keySource: "SESSION",
        ...call?.usage,
      });
      expect(usage?.costUsd).toBeGreaterThan(0);
      expect(await settled(api, user.token, sessionId, agentId, id)).toMatchObject({
        status: "DONE",
      });
    } finally {
      await events.socket.dispose();
    }
  });

  it("resumes after a given seq with the rest of the stream, no gap and no repeat, then live events", async () => {
    const { api } = system;
    const { user, agentId } = await keyedSession();
    const first = subscribeFromStart(api, user, agentId);
    const id = await sendMessage(api, user.token, agentId, "a reply to resume into");
    const seen = await untilRunEnds(first, id);
    await first.socket.dispose();

    // A client that saw up to the middle reconnects with the last seq it saw.
    const middle = seen[Math.floor(seen.length / 2)];
    const resumed = subscribeEvents(api, user, agentId, middle?.seq);
    try {
      const replayed = await readUntil(
        resumed.subscription,
        (d) => d.agentEvents,
        (event) => event.seq === seen.at(-1)?.seq,
      );
      expect(replayed).toEqual(seen.filter((event) => event.seq > (middle?.seq ?? 0)));

      // And it stays live: the next run follows straight on.
      const next = await sendMessage(api, user.token, agentId, "and one more");
      const live = await untilRunEnds(resumed, next);
      expectConsecutive([...replayed, ...live]);
      expect(live.map((e) => e.text ?? "").join("")).toBe("Echo: and one more");
    } finally {
      await resumed.socket.dispose();
    }
  });

  it("reports a refused key as an ERROR event with INVALID_API_KEY, naming the key's source and never the key", async () => {
    const { api } = system;
    const { user, key, agentId } = await keyedSession({ refused: true });
    const events = subscribeFromStart(api, user, agentId);
    try {
      const id = await sendMessage(api, user.token, agentId, "will my key work?");
      const stream = await untilRunEnds(events, id);
      expectConsecutive(stream);
      expect(stream.map(label).slice(-2)).toEqual(["STATUS:IDLE", "ERROR"]);
      expect(stream.at(-1)).toMatchObject({
        errorCode: "INVALID_API_KEY",
        message: `Invalid API key — the session key (…${key.slice(-4)}) was refused by Anthropic`,
      });
      expect(JSON.stringify(stream)).not.toContain(key);
    } finally {
      await events.socket.dispose();
    }
  });
});

describe("several api processes", () => {
  it("delivers the same agentEvents and sessionUsage through two apis on one database and Redis", async () => {
    const { api, fake } = system;
    const other = await startTestApi({ shareWith: api });
    try {
      const { user, sessionId, agentId } = await keyedSession();
      const apis = [api, other];
      const streams = apis.map((through) => subscribeFromStart(through, user, agentId));
      const usages = apis.map((through) =>
        through
          .ws(user.token)
          .subscribe<{ sessionUsage: UsageTotals }>(SESSION_USAGE, { sessionId }),
      );
      const initial = await Promise.all(
        usages.map((usage) =>
          readUntil(
            usage,
            (d) => d.sessionUsage,
            () => true,
          ),
        ),
      );
      expect(initial.map((pushes) => pushes[0]?.apiCalls)).toEqual([0, 0]);

      // Sent through the second api: it enqueues for the same worker. The call waits until both
      // subscribers have seen the run start, so the rest reaches both live, through Redis.
      const held = fake.hold({ provider: "ANTHROPIC" });
      const id = await sendMessage(other, user.token, agentId, "heard through both");
      const started = await Promise.all(
        streams.map((events) =>
          readUntil(
            events.subscription,
            (d) => d.agentEvents,
            (e) => e.status === "BUSY",
          ),
        ),
      );
      await held.started;
      held.release();
      const rest = await Promise.all(streams.map((events) => untilRunEnds(events, id)));
      const [one, two] = started.map((head, i) => [...head, ...(rest[i] ?? [])]);
      expect(rest[0]?.map(label)).toEqual(expect.arrayContaining(["TEXT", "USAGE", "DONE"]));
      expectConsecutive(one ?? []);
      expect(two).toEqual(one);
      const pushed = await Promise.all(
        usages.map((usage) =>
          readUntil(
            usage,
            (d) => d.sessionUsage,
            (t) => t.apiCalls === 1,
          ),
        ),
      );
      const totals = await sessionUsage(api, user.token, sessionId);
      expect(pushed).toEqual([[totals], [totals]]);
    } finally {
      await other.close();
    }
  });
});

describe("who may subscribe", () => {
  it("refuses another user's subscription to a session's agentEvents and sessionUsage with NOT_FOUND and no data", async () => {
    const { api } = system;
    const { user, sessionId, agentId } = await keyedSession();
    const stranger = await api.signUp();
    const socket = api.ws(stranger.token);
    try {
      const events = socket.subscribe<{ agentEvents: AgentEventView }>(AGENT_EVENTS, {
        agentId,
        afterSeq: 0,
      });
      const usage = socket.subscribe<{ sessionUsage: UsageTotals }>(SESSION_USAGE, { sessionId });
      // The owner's agent works meanwhile: nothing of it may reach the stranger.
      const id = await sendMessage(api, user.token, agentId, "private work");
      expect(await settled(api, user.token, sessionId, agentId, id)).toMatchObject({
        status: "DONE",
      });

      for (const subscription of [events, usage]) {
        const result = await subscription.next();
        expect(result.data ?? null).toBeNull();
        expect(result.errors?.map((e) => e.extensions?.["code"])).toEqual(["NOT_FOUND"]);
        // Ended by the server after the error: nothing more can arrive.
        await subscription.completed;
      }
      // The owner, meanwhile, can replay what happened.
      const owner = subscribeEvents(api, user, agentId, 0);
      const replay = await untilRunEnds(owner, id);
      expect(replay.at(-1)?.type).toBe("DONE");
      await owner.socket.dispose();
    } finally {
      await socket.dispose();
    }
  });
});
