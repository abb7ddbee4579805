import type { SessionUsagePayload } from "@agentry/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, Topic, type TestApi, type TestUser } from "./harness.js";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

async function sessionWithAgent(owner: TestUser): Promise<{ sessionId: string; agentId: string }> {
  const { createSession } = await api.ok<{ createSession: { id: string } }>(
    `mutation { createSession(input: { name: "live" }) { id } }`,
    undefined,
    owner.token,
  );
  const agent = await api.prisma.agent.create({
    data: {
      sessionId: createSession.id,
      kind: "CHAT",
      provider: "OPENAI",
      model: "gpt-5",
      status: "IDLE",
    },
  });
  return { sessionId: createSession.id, agentId: agent.id };
}

const usagePayload = (sessionId: string, calls: number): SessionUsagePayload => ({
  sessionId,
  inputTokens: 1000 * calls,
  outputTokens: 100 * calls,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
  apiCalls: calls,
  unpricedCalls: 0,
  costUsd: 0.01 * calls,
  updatedAt: new Date().toISOString(),
});

const SESSION_USAGE = `subscription ($id: ID!) { sessionUsage(sessionId: $id) { inputTokens totalTokens apiCalls estimatedCostUsd } }`;
const AGENT_EVENTS = `subscription ($id: ID!, $after: Int) {
  agentEvents(agentId: $id, afterSeq: $after) { seq type agentId messageId text status errorCode message usage { model inputTokens costUsd } at }
}`;

describe("sessionUsage", () => {
  it("pushes the current totals at once, then each update published on the topic", async () => {
    const owner = await api.signUp();
    const { sessionId } = await sessionWithAgent(owner);
    const socket = api.ws(owner.token);
    const subscription = socket.subscribe<{
      sessionUsage: { apiCalls: number; totalTokens: number };
    }>(SESSION_USAGE, { id: sessionId });
    expect((await subscription.next()).data?.sessionUsage).toEqual({
      inputTokens: 0,
      totalTokens: 0,
      apiCalls: 0,
      estimatedCostUsd: 0,
    });

    await api.publish(Topic.SessionUsage, sessionId, usagePayload(sessionId, 1));
    await api.publish(Topic.SessionUsage, sessionId, usagePayload(sessionId, 2));
    expect((await subscription.next()).data?.sessionUsage).toEqual({
      inputTokens: 1000,
      totalTokens: 1100,
      apiCalls: 1,
      estimatedCostUsd: 0.01,
    });
    expect((await subscription.next()).data?.sessionUsage).toMatchObject({ apiCalls: 2 });
    subscription.unsubscribe();
    await socket.dispose();
  });

  it("drops malformed payloads and keeps delivering", async () => {
    const owner = await api.signUp();
    const { sessionId } = await sessionWithAgent(owner);
    const socket = api.ws(owner.token);
    const subscription = socket.subscribe<{ sessionUsage: { apiCalls: number } }>(SESSION_USAGE, {
      id: sessionId,
    });
    await subscription.next();
    await api.redis.publish(`${api.namespace}sessionUsage:${sessionId}`, "{not json");
    await api.redis.publish(
      `${api.namespace}sessionUsage:${sessionId}`,
      JSON.stringify({ sessionId, apiCalls: "many" }),
    );
    await api.publish(Topic.SessionUsage, sessionId, usagePayload(sessionId, 3));
    expect((await subscription.next()).data?.sessionUsage.apiCalls).toBe(3);
    const dropped = api
      .logs()
      .filter((line) => line.includes("dropped a malformed pub/sub payload"));
    expect(dropped).toHaveLength(2);
    await socket.dispose();
  });

  it("refuses a non-member with NOT_FOUND and sends no data", async () => {
    const [owner, stranger] = [await api.signUp(), await api.signUp()];
    const { sessionId } = await sessionWithAgent(owner);
    const socket = api.ws(stranger.token);
    const subscription = socket.subscribe(SESSION_USAGE, { id: sessionId });
    const result = await subscription.next();
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions).toEqual({ code: "NOT_FOUND" });
    await subscription.completed;
    await socket.dispose();
  });

  it("serves members (a viewer) too", async () => {
    const [owner, viewer] = [await api.signUp(), await api.signUp()];
    const { sessionId } = await sessionWithAgent(owner);
    await api.ok(
      `mutation ($id: ID!, $e: String!) { addSessionMember(sessionId: $id, email: $e, role: VIEWER) { id } }`,
      { id: sessionId, e: viewer.email },
      owner.token,
    );
    const socket = api.ws(viewer.token);
    const subscription = socket.subscribe<{ sessionUsage: { apiCalls: number } }>(SESSION_USAGE, {
      id: sessionId,
    });
    expect((await subscription.next()).data?.sessionUsage.apiCalls).toBe(0);
    await socket.dispose();
  });
});

describe("agentEvents", () => {
  it("delivers events appended to the agent's log, replaying from afterSeq without gaps or duplicates", async () => {
    const owner = await api.signUp();
    const { agentId } = await sessionWithAgent(owner);
    const messageId = crypto.randomUUID();
    const at = new Date().toISOString();
    const first = await api.appendAgentEvent({
      type: "STATUS",
      agentId,
      messageId,
      at,
      status: "BUSY",
    });

    const socket = api.ws(owner.token);
    const subscription = socket.subscribe<{ agentEvents: Record<string, unknown> }>(AGENT_EVENTS, {
      id: agentId,
      after: 0,
    });
    await api.appendAgentEvent({ type: "TEXT", agentId, messageId, at, text: "Hel" });
    await api.appendAgentEvent({
      type: "USAGE",
      agentId,
      messageId,
      at,
      usage: {
        callIndex: 0,
        provider: "OPENAI",
        model: "gpt-5",
        keySource: "SESSION",
        inputTokens: 12,
        outputTokens: 3,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        reasoningTokens: 0,
        costUsd: null,
      },
    });
    await api.appendAgentEvent({
      type: "ERROR",
      agentId,
      messageId,
      at,
      errorCode: "INVALID_API_KEY",
      message: "The session key was refused",
    });

    const events = [
      await subscription.next(),
      await subscription.next(),
      await subscription.next(),
      await subscription.next(),
    ].map((result) => result.data?.agentEvents);
    expect(events.map((event) => event?.["seq"])).toEqual([
      first.seq,
      first.seq + 1,
      first.seq + 2,
      first.seq + 3,
    ]);
    expect(events[0]).toMatchObject({
      type: "STATUS",
      status: "BUSY",
      agentId,
      messageId,
      text: null,
    });
    expect(events[1]).toMatchObject({ type: "TEXT", text: "Hel", usage: null });
    expect(events[2]).toMatchObject({
      type: "USAGE",
      usage: { model: "gpt-5", inputTokens: 12, costUsd: null },
    });
    expect(events[3]).toMatchObject({
      type: "ERROR",
      errorCode: "INVALID_API_KEY",
      message: "The session key was refused",
    });
    await socket.dispose();
  });

  it("replays only what came after the given sequence number", async () => {
    const owner = await api.signUp();
    const { agentId } = await sessionWithAgent(owner);
    const at = new Date().toISOString();
    const seen = await api.appendAgentEvent({
      type: "TEXT",
      agentId,
      messageId: null,
      at,
      text: "old",
    });
    await api.appendAgentEvent({ type: "TEXT", agentId, messageId: null, at, text: "new" });
    const socket = api.ws(owner.token);
    const subscription = socket.subscribe<{ agentEvents: { text: string } }>(AGENT_EVENTS, {
      id: agentId,
      after: seen.seq,
    });
    expect((await subscription.next()).data?.agentEvents.text).toBe("new");
    await socket.dispose();
  });

  it("refuses a non-member with NOT_FOUND, and an unknown agent alike", async () => {
    const [owner, stranger] = [await api.signUp(), await api.signUp()];
    const { agentId } = await sessionWithAgent(owner);
    const socket = api.ws(stranger.token);
    for (const id of [agentId, crypto.randomUUID()]) {
      const result = await socket.subscribe(AGENT_EVENTS, { id, after: 0 }).next();
      expect(result.data ?? null).toBeNull();
      expect(result.errors?.[0]).toMatchObject({
        message: "Agent not found",
        extensions: { code: "NOT_FOUND" },
      });
    }
    await socket.dispose();
  });

  it("refuses a malformed agent id and a negative afterSeq as BAD_USER_INPUT", async () => {
    const owner = await api.signUp();
    const { agentId } = await sessionWithAgent(owner);
    const socket = api.ws(owner.token);
    const malformed = await socket.subscribe(AGENT_EVENTS, { id: "agent-1" }).next();
    expect(malformed.errors?.[0]?.extensions).toEqual({
      code: "BAD_USER_INPUT",
      details: { field: "agentId" },
    });
    const negative = await socket.subscribe(AGENT_EVENTS, { id: agentId, after: -1 }).next();
    expect(negative.errors?.[0]?.extensions).toEqual({
      code: "BAD_USER_INPUT",
      details: { field: "afterSeq" },
    });
    await socket.dispose();
  });
});

describe("fan-out", () => {
  it("gives every subscriber of an agent each event in order, shaped by its own selection", async () => {
    const owner = await api.signUp();
    const { sessionId, agentId } = await sessionWithAgent(owner);
    const viewer = await api.signUp();
    await api.ok(
      `mutation ($id: ID!, $e: String!) { addSessionMember(sessionId: $id, email: $e, role: VIEWER) { id } }`,
      { id: sessionId, e: viewer.email },
      owner.token,
    );
    const TEXTS = `subscription ($id: ID!) { agentEvents(agentId: $id) { seq text } }`;
    const TYPES = `subscription ($id: ID!) { agentEvents(agentId: $id) { seq type } }`;
    // Two sockets share a document and variables (one result for both); the others do not.
    const sockets = [api.ws(owner.token), api.ws(viewer.token), api.ws(viewer.token)];
    const watchers = [
      { socket: sockets[0], query: TEXTS },
      { socket: sockets[1], query: TEXTS },
      { socket: sockets[2], query: TYPES },
      { socket: sockets[0], query: AGENT_EVENTS },
    ].map(({ socket, query }) => ({
      query,
      subscription: socket!.subscribe<{ agentEvents: { seq: number } }>(query, { id: agentId }),
    }));
    // graphql-ws acknowledges no subscription: publish until each one has had an event.
    const at = new Date().toISOString();
    const warm = { done: false };
    const firsts = Promise.all(watchers.map(({ subscription }) => subscription.next())).finally(
      () => (warm.done = true),
    );
    while (!warm.done) {
      await api.appendAgentEvent({ type: "TEXT", agentId, messageId: null, at, text: "warm" });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await firsts;
    const sent: { seq: number; text: string }[] = [];
    for (const text of ["one", "two", "three"]) {
      const { seq } = await api.appendAgentEvent({
        type: "TEXT",
        agentId,
        messageId: null,
        at,
        text,
      });
      sent.push({ seq, text });
    }
    const expected: Record<string, (event: { seq: number; text: string }) => unknown> = {
      [TEXTS]: ({ seq, text }) => ({ seq, text }),
      [TYPES]: ({ seq }) => ({ seq, type: "TEXT" }),
      [AGENT_EVENTS]: ({ seq, text }) => expect.objectContaining({ seq, text, agentId }) as unknown,
    };
    for (const { query, subscription } of watchers) {
      const received: unknown[] = [];
      while (received.length < sent.length) {
        const event = (await subscription.next()).data?.agentEvents;
        // Warm-up events still queued come first.
        if (event !== undefined && event.seq >= sent[0]!.seq) received.push(event);
      }
      expect(received).toEqual(sent.map((event) => expected[query]!(event)));
    }
    await Promise.all(sockets.map((socket) => socket.dispose()));
  });
});

describe("revocation while subscribed", () => {
  it("stops delivering to a member removed from the session", async () => {
    const strict = await startTestApi({ realtime: { recheckMs: 0 } });
    try {
      const [owner, member] = [await strict.signUp(), await strict.signUp()];
      const { createSession } = await strict.ok<{ createSession: { id: string } }>(
        `mutation { createSession(input: { name: "shared" }) { id } }`,
        undefined,
        owner.token,
      );
      const sessionId = createSession.id;
      await strict.ok(
        `mutation ($id: ID!, $e: String!) { addSessionMember(sessionId: $id, email: $e, role: VIEWER) { id } }`,
        { id: sessionId, e: member.email },
        owner.token,
      );
      const socket = strict.ws(member.token);
      const subscription = socket.subscribe<{ sessionUsage: { apiCalls: number } }>(SESSION_USAGE, {
        id: sessionId,
      });
      await subscription.next();
      await strict.ok(
        `mutation ($id: ID!, $u: ID!) { removeSessionMember(sessionId: $id, userId: $u) }`,
        { id: sessionId, u: member.user.id },
        owner.token,
      );
      await strict.publish(Topic.SessionUsage, sessionId, usagePayload(sessionId, 1));
      await subscription.completed;
      await socket.dispose();
    } finally {
      await strict.close();
    }
  });

  it("stops a removed member's stream while another member's, re-checked with it, goes on", async () => {
    const strict = await startTestApi({ realtime: { recheckMs: 0 } });
    try {
      const [owner, removed, kept] = [
        await strict.signUp(),
        await strict.signUp(),
        await strict.signUp(),
      ];
      const { createSession } = await strict.ok<{ createSession: { id: string } }>(
        `mutation { createSession(input: { name: "shared" }) { id } }`,
        undefined,
        owner.token,
      );
      const sessionId = createSession.id;
      for (const member of [removed, kept]) {
        await strict.ok(
          `mutation ($id: ID!, $e: String!) { addSessionMember(sessionId: $id, email: $e, role: VIEWER) { id } }`,
          { id: sessionId, e: member.email },
          owner.token,
        );
      }
      const [removedSocket, keptSocket] = [strict.ws(removed.token), strict.ws(kept.token)];
      const [gone, staying] = [removedSocket, keptSocket].map((socket) =>
        socket.subscribe<{ sessionUsage: { apiCalls: number } }>(SESSION_USAGE, { id: sessionId }),
      ) as [
        ReturnType<typeof removedSocket.subscribe<{ sessionUsage: { apiCalls: number } }>>,
        ReturnType<typeof keptSocket.subscribe<{ sessionUsage: { apiCalls: number } }>>,
      ];
      await Promise.all([gone.next(), staying.next()]);
      await strict.ok(
        `mutation ($id: ID!, $u: ID!) { removeSessionMember(sessionId: $id, userId: $u) }`,
        { id: sessionId, u: removed.user.id },
        owner.token,
      );
      // One update reaches both subscriptions at once: their re-checks are answered together.
      await strict.publish(Topic.SessionUsage, sessionId, usagePayload(sessionId, 1));
      await gone.completed;
      expect((await staying.next()).data?.sessionUsage.apiCalls).toBe(1);
      await Promise.all([removedSocket.dispose(), keptSocket.dispose()]);
    } finally {
      await strict.close();
    }
  });
});
