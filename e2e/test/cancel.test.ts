import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { anthropicKey, startSystem, type System } from "./support/system.js";
import {
  AGENT_EVENTS,
  createSession,
  messages,
  readUntil,
  replyTo,
  sendMessage,
  sessionUsage,
  settled,
  spawnChatAgent,
  within,
  type AgentEventView,
  type MessageView,
} from "./support/flows.js";

// Stopping a reply (cancelMessage) through the real worker and the process runtime: a queued
// message that never runs, a running one stopped mid-call with what it spent and wrote kept, and
// who may stop what.

let system: System;

beforeAll(async () => {
  system = await startSystem({ runtime: "process" });
});
afterAll(async () => {
  await system.close();
});
afterEach(() => {
  // Holds and delays belong to the test that set them.
  system.fake.reset();
});

const CANCEL = `mutation ($id: ID!) { cancelMessage(id: $id) { id status errorCode text } }`;

/** A user with a session whose own key the fake accepts, and a chat agent. */
async function keyedSession() {
  const { api, fake } = system;
  const user = await api.signUp();
  const key = anthropicKey();
  fake.addKey(key);
  const sessionId = await createSession(api, user.token, { provider: "ANTHROPIC", secret: key });
  const agentId = await spawnChatAgent(api, user.token, sessionId);
  const send = (text: string) => sendMessage(api, user.token, agentId, text);
  const settle = (id: string) => settled(api, user.token, sessionId, agentId, id);
  const cancel = async (id: string) =>
    (await api.ok<{ cancelMessage: MessageView }>(CANCEL, { id }, user.token)).cancelMessage;
  const read = async (id: string) =>
    (await messages(api, user.token, sessionId, agentId)).find((m) => m.id === id);
  /** The fake's record of calls carrying `text` as their prompt. */
  const callsFor = (text: string) => fake.calls().filter((call) => call.prompt === text);
  return { user, sessionId, agentId, send, settle, cancel, read, callsFor };
}

describe("cancelMessage", () => {
  it("cancels a queued message at once: it never runs, and the agent goes on to the next", async () => {
    const { fake } = system;
    const { send, settle, cancel, read, callsFor } = await keyedSession();
    const held = fake.hold({ provider: "ANTHROPIC" });
    const running = await send("keep the agent busy");
    await within(held.started, 20_000, "the running message's call");
    const waiting = await send("never run this");
    const after = await send("but run this one");

    expect(await cancel(waiting)).toMatchObject({ id: waiting, status: "CANCELLED" });
    held.release();

    expect(await settle(running)).toMatchObject({ status: "DONE" });
    expect(await settle(after)).toMatchObject({ status: "DONE" });
    expect(await read(waiting)).toMatchObject({ status: "CANCELLED", errorCode: null });
    expect(callsFor("never run this")).toHaveLength(0);
    expect(callsFor("but run this one")).toHaveLength(1);
    // Stopping it again changes nothing.
    expect(await cancel(waiting)).toMatchObject({ status: "CANCELLED" });
  });

  it("stops a running reply: its calls so far counted, its text kept, CANCELLED after IDLE, and the next message runs", async () => {
    const { api, fake } = system;
    const { user, sessionId, agentId, send, settle, cancel, read, callsFor } = await keyedSession();
    // One call answered before, so the count is of something.
    expect(await settle(await send("a first question"))).toMatchObject({ status: "DONE" });
    const before = await sessionUsage(api, user.token, sessionId);
    expect(before.apiCalls).toBe(1);

    const socket = api.ws(user.token);
    try {
      const events = socket.subscribe<{ agentEvents: AgentEventView }>(AGENT_EVENTS, { agentId });
      // The call streams its first piece, then waits at the provider until released.
      const held = fake.hold({ provider: "ANTHROPIC" });
      const running = await send("a long answer");
      await within(held.started, 20_000, "the running message's call");
      const next = await send("the next question");
      const started = await readUntil(
        events,
        (d) => d.agentEvents,
        (event) => event.type === "TEXT" && event.messageId === running,
      );

      const stopped = await cancel(running);
      expect(stopped).toMatchObject({ id: running, status: "CANCELLED", errorCode: null });
      const stream = started.concat(
        await readUntil(
          events,
          (d) => d.agentEvents,
          (event) => event.type === "CANCELLED" && event.messageId === running,
        ),
      );
      // The agent is ready again before the terminal event, as for DONE; no other end is told.
      const ofRun = stream.filter((event) => event.messageId === running);
      expect(ofRun.at(-2)).toMatchObject({ type: "STATUS", status: "IDLE" });
      expect(ofRun.some((event) => event.type === "DONE" || event.type === "ERROR")).toBe(false);
      held.release();

      // What it had written is its reply, marked stopped.
      const partial = stream
        .filter((event) => event.messageId === running && event.type === "TEXT")
        .map((event) => event.text)
        .join("");
      expect(partial.length).toBeGreaterThan(0);
      // (Replies are told apart by replyToId: the next message was sent before this one ended.)
      expect(await replyOf(running)).toMatchObject({
        role: "ASSISTANT",
        status: "CANCELLED",
        text: partial,
      });
      // The call cut off never reported usage: the totals hold exactly the calls made before.
      expect(callsFor("a long answer")).toHaveLength(1);
      expect((await sessionUsage(api, user.token, sessionId)).apiCalls).toBe(1);
      expect(await api.prisma.usageEvent.count({ where: { messageId: running } })).toBe(0);

      // The agent takes its next message.
      expect(await settle(next)).toMatchObject({ status: "DONE" });
      expect((await replyOf(next))?.text).toBe("Echo: the next question");
      expect((await sessionUsage(api, user.token, sessionId)).apiCalls).toBe(2);
      expect(await read(running)).toMatchObject({ status: "CANCELLED" });
      const agent = await api.prisma.agent.findUniqueOrThrow({ where: { id: agentId } });
      expect(agent.status).toBe("IDLE");
    } finally {
      await socket.dispose();
    }
  });

  it("returns a message that already ended as it ended", async () => {
    const { send, settle, cancel } = await keyedSession();
    const done = await send("finish first");
    expect(await settle(done)).toMatchObject({ status: "DONE" });
    expect(await cancel(done)).toMatchObject({ id: done, status: "DONE" });
  });

  it("lets only the session's owner and editors stop its messages", async () => {
    const { api, fake } = system;
    const { user, sessionId, agentId, send, settle, read, cancel } = await keyedSession();
    const [stranger, viewer, editor] = await Promise.all([
      api.signUp(),
      api.signUp(),
      api.signUp(),
    ]);
    for (const [member, role] of [
      [viewer, "VIEWER"],
      [editor, "EDITOR"],
    ] as const) {
      await api.ok(
        `mutation ($id: ID!, $e: String!, $r: MemberRole!) { addSessionMember(sessionId: $id, email: $e, role: $r) { id } }`,
        { id: sessionId, e: member.email, r: role },
        user.token,
      );
    }
    const held = fake.hold({ provider: "ANTHROPIC" });
    const running = await send("busy");
    const waiting = await send("waiting");
    try {
      expect((await api.fail(CANCEL, { id: waiting }, stranger.token)).extensions?.code).toBe(
        "NOT_FOUND",
      );
      expect((await api.fail(CANCEL, { id: waiting }, viewer.token)).extensions?.code).toBe(
        "FORBIDDEN",
      );
      expect((await api.fail(CANCEL, { id: "not-an-id" }, user.token)).extensions).toMatchObject({
        code: "BAD_USER_INPUT",
        details: { field: "id" },
      });
      // Refusals changed nothing.
      expect(await read(waiting)).toMatchObject({ status: "QUEUED" });
      // An editor may.
      const stopped = await api.ok<{ cancelMessage: MessageView }>(
        CANCEL,
        { id: waiting },
        editor.token,
      );
      expect(stopped.cancelMessage.status).toBe("CANCELLED");
    } finally {
      held.release();
    }
    // A reply is not a message to stop.
    expect(await settle(running)).toMatchObject({ status: "DONE" });
    const answer = await replyTo(api, user.token, sessionId, agentId, running);
    expect((await api.fail(CANCEL, { id: answer?.id }, user.token)).extensions?.code).toBe(
      "BAD_USER_INPUT",
    );
    expect(await cancel(running)).toMatchObject({ status: "DONE" });
  });
});

/** The assistant message answering a user message, as stored. */
const replyOf = (messageId: string) =>
  system.api.prisma.message.findFirst({ where: { replyToId: messageId } });

const REMOVE = `mutation ($id: ID!) { removeAgent(id: $id) }`;

describe("removeAgent", () => {
  it("stops the agent's running message, removes it with its conversation and environment, and keeps the session's usage", async () => {
    const { api, fake } = system;
    const { user, sessionId, agentId, send, settle, callsFor } = await keyedSession();
    const other = await spawnChatAgent(api, user.token, sessionId);
    expect(await settle(await send("spend a little first"))).toMatchObject({ status: "DONE" });
    const held = fake.hold({ provider: "ANTHROPIC" });
    const running = await send("still going when removed");
    await within(held.started, 20_000, "the running message's call");
    const waiting = await send("never run after removal");
    const usageBefore = await sessionUsage(api, user.token, sessionId);
    expect(usageBefore.apiCalls).toBe(1);
    // The last hour to now: its ragged edges are read from the per-call records.
    const series = async () =>
      (
        await api.ok<{
          session: { usageSeries: { apiCalls: number; estimatedCostUsd: number }[] };
        }>(
          `query ($id: ID!, $from: DateTime!, $to: DateTime!) { session(id: $id) { usageSeries(bucket: HOUR, from: $from, to: $to) { apiCalls estimatedCostUsd } } }`,
          {
            id: sessionId,
            from: new Date(Date.now() - 3_600_000).toISOString(),
            to: new Date(Date.now() + 60_000).toISOString(),
          },
          user.token,
        )
      ).session.usageSeries;
    const seriesBefore = await series();
    expect(seriesBefore.reduce((sum, bucket) => sum + bucket.apiCalls, 0)).toBe(1);

    try {
      expect(await api.ok(REMOVE, { id: agentId }, user.token)).toEqual({ removeAgent: true });
    } finally {
      held.release();
    }
    // Gone from the session, with its messages; the session's totals are as they were.
    const session = await api.ok<{ session: { agents: { id: string }[] } }>(
      `query ($id: ID!) { session(id: $id) { agents { id } } }`,
      { id: sessionId },
      user.token,
    );
    expect(session.session.agents.map((agent) => agent.id)).toEqual([other]);
    expect(await api.prisma.message.count({ where: { id: { in: [running, waiting] } } })).toBe(0);
    expect(await sessionUsage(api, user.token, sessionId)).toEqual(usageBefore);
    // Its per-call records stay the session's, no longer tied to an agent or message.
    expect(await series()).toEqual(seriesBefore);
    const records = await api.prisma.usageEvent.findMany({ where: { sessionId } });
    expect(records.map((r) => [r.agentId, r.messageId])).toEqual([[null, null]]);
    // Its environment goes (the worker's control job).
    const runtime = system.worker().runtime;
    await within(
      (async () => {
        while ((await runtime.inspect(agentId)).state !== "missing") {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })(),
      20_000,
      "the removed agent's environment",
    );
    expect(callsFor("never run after removal")).toHaveLength(0);
    // A second removal finds nothing; the session's other agent still answers.
    expect((await api.fail(REMOVE, { id: agentId }, user.token)).extensions?.code).toBe(
      "NOT_FOUND",
    );
    const next = await sendMessage(api, user.token, other, "the other agent still works");
    expect(await settled(api, user.token, sessionId, other, next)).toMatchObject({
      status: "DONE",
    });
    expect(await sessionUsage(api, user.token, sessionId)).toMatchObject({ apiCalls: 2 });
  });

  it("is the owner's and editors' only", async () => {
    const { api } = system;
    const { user, sessionId, agentId } = await keyedSession();
    const [stranger, viewer] = await Promise.all([api.signUp(), api.signUp()]);
    await api.ok(
      `mutation ($id: ID!, $e: String!) { addSessionMember(sessionId: $id, email: $e, role: VIEWER) { id } }`,
      { id: sessionId, e: viewer.email },
      user.token,
    );
    expect((await api.fail(REMOVE, { id: agentId }, stranger.token)).extensions?.code).toBe(
      "NOT_FOUND",
    );
    expect((await api.fail(REMOVE, { id: agentId }, viewer.token)).extensions?.code).toBe(
      "FORBIDDEN",
    );
    expect((await api.fail(REMOVE, { id: "nope" }, user.token)).extensions?.code).toBe(
      "BAD_USER_INPUT",
    );
    expect(await api.prisma.agent.count({ where: { id: agentId } })).toBe(1);
  });
});
