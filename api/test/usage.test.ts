import { Prisma } from "@agentry/prisma";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi, type TestUser } from "./harness.js";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

async function sessionWithAgent(
  owner: TestUser,
): Promise<{ sessionId: string; agentId: string; messageId: string }> {
  const { createSession } = await api.ok<{ createSession: { id: string } }>(
    `mutation { createSession(input: { name: "usage" }) { id } }`,
    undefined,
    owner.token,
  );
  const agent = await api.prisma.agent.create({
    data: {
      sessionId: createSession.id,
      kind: "CHAT",
      provider: "ANTHROPIC",
      model: "claude-sonnet-4-5",
      status: "IDLE",
    },
  });
  const message = await api.prisma.message.create({
    data: {
      agentId: agent.id,
      authorId: owner.user.id,
      role: "USER",
      text: "hello",
      status: "DONE",
      keySource: "SESSION",
    },
  });
  return { sessionId: createSession.id, agentId: agent.id, messageId: message.id };
}

let callIndex = 0;
async function recordCall(
  ids: { sessionId: string; agentId: string; messageId: string },
  at: Date,
  tokens: { input: bigint; output: bigint; cacheRead?: bigint; cacheWrite?: bigint },
  costUsd: string | null,
): Promise<void> {
  callIndex += 1;
  const cost = costUsd === null ? null : new Prisma.Decimal(costUsd);
  await api.prisma.usageEvent.create({
    data: {
      sessionId: ids.sessionId,
      agentId: ids.agentId,
      messageId: ids.messageId,
      attempt: 1,
      callIndex,
      provider: "ANTHROPIC",
      model: "claude-sonnet-4-5",
      keySource: "SESSION",
      inputTokens: tokens.input,
      outputTokens: tokens.output,
      cacheReadTokens: tokens.cacheRead ?? 0n,
      cacheWriteTokens: tokens.cacheWrite ?? 0n,
      costUsd: cost,
      createdAt: at,
    },
  });
  // And its hour, as the worker's recorder adds it in the same transaction (usageSeries reads
  // whole hours from there; its equivalence with the events is tested in e2e/usage-series).
  const hour = new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000);
  const counts = {
    inputTokens: tokens.input,
    outputTokens: tokens.output,
    cacheReadTokens: tokens.cacheRead ?? 0n,
    cacheWriteTokens: tokens.cacheWrite ?? 0n,
    apiCalls: 1,
    unpricedCalls: cost === null ? 1 : 0,
    costUsd: cost ?? new Prisma.Decimal(0),
  };
  await api.prisma.sessionUsageHour.upsert({
    where: { sessionId_hour: { sessionId: ids.sessionId, hour } },
    create: { sessionId: ids.sessionId, hour, ...counts },
    update: Object.fromEntries(
      Object.entries(counts).map(([field, value]) => [field, { increment: value }]),
    ),
  });
}

const USAGE = `query ($id: ID!) { session(id: $id) { usage {
  inputTokens outputTokens cacheReadTokens cacheWriteTokens reasoningTokens totalTokens apiCalls estimatedCostUsd unpricedCalls
} } }`;

describe("Session.usage", () => {
  it("is all zeros before the first call", async () => {
    const owner = await api.signUp();
    const { sessionId } = await sessionWithAgent(owner);
    const { session } = await api.ok<{ session: { usage: Record<string, number> } }>(
      USAGE,
      { id: sessionId },
      owner.token,
    );
    expect(session.usage).toEqual({
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      totalTokens: 0,
      apiCalls: 0,
      estimatedCostUsd: 0,
      unpricedCalls: 0,
    });
  });

  it("reads the rollup, with token counts beyond 32 bits exact as JSON numbers", async () => {
    const owner = await api.signUp();
    const { sessionId } = await sessionWithAgent(owner);
    await api.prisma.sessionUsage.create({
      data: {
        sessionId,
        inputTokens: 5_000_000_000n,
        outputTokens: 123n,
        cacheReadTokens: 2n ** 40n,
        cacheWriteTokens: 7n,
        reasoningTokens: 11n,
        apiCalls: 42,
        unpricedCalls: 2,
        costUsd: new Prisma.Decimal("12.345678901"),
      },
    });
    const response = await api.gql<{ session: { usage: Record<string, number> } }>(
      USAGE,
      { id: sessionId },
      owner.token,
    );
    expect(response.text).toContain('"inputTokens":5000000000');
    expect(response.data?.session.usage).toEqual({
      inputTokens: 5_000_000_000,
      outputTokens: 123,
      cacheReadTokens: 2 ** 40,
      cacheWriteTokens: 7,
      reasoningTokens: 11,
      totalTokens: 5_000_000_000 + 123 + 2 ** 40 + 7,
      apiCalls: 42,
      estimatedCostUsd: 12.345678901,
      unpricedCalls: 2,
    });
  });
});

describe("Session.usageSeries", () => {
  const SERIES = `query ($id: ID!, $b: UsageBucketSize!, $from: DateTime!, $to: DateTime!) {
    session(id: $id) { usageSeries(bucket: $b, from: $from, to: $to) {
      start inputTokens outputTokens cacheReadTokens totalTokens apiCalls estimatedCostUsd unpricedCalls
    } }
  }`;
  type Bucket = {
    start: string;
    inputTokens: number;
    outputTokens: number;
    totalTokens: number;
    apiCalls: number;
    estimatedCostUsd: number;
    unpricedCalls: number;
  };

  it("aggregates calls per UTC hour, empty hours included, within [from, to)", async () => {
    const owner = await api.signUp();
    const ids = await sessionWithAgent(owner);
    await recordCall(ids, new Date("2026-03-01T10:05:00Z"), { input: 100n, output: 10n }, "0.5");
    await recordCall(
      ids,
      new Date("2026-03-01T10:55:00Z"),
      { input: 50n, output: 5n, cacheRead: 1000n },
      null,
    );
    await recordCall(ids, new Date("2026-03-01T12:00:00Z"), { input: 7n, output: 1n }, "0.25");
    await recordCall(ids, new Date("2026-03-01T13:00:00Z"), { input: 999n, output: 999n }, "9"); // at `to`: excluded
    await recordCall(ids, new Date("2026-03-01T09:59:59Z"), { input: 999n, output: 999n }, "9"); // before `from`

    const { session } = await api.ok<{ session: { usageSeries: Bucket[] } }>(
      SERIES,
      { id: ids.sessionId, b: "HOUR", from: "2026-03-01T10:00:00Z", to: "2026-03-01T13:00:00Z" },
      owner.token,
    );
    expect(session.usageSeries).toEqual([
      {
        start: "2026-03-01T10:00:00.000Z",
        inputTokens: 150,
        outputTokens: 15,
        cacheReadTokens: 1000,
        totalTokens: 1165,
        apiCalls: 2,
        estimatedCostUsd: 0.5,
        unpricedCalls: 1,
      },
      {
        start: "2026-03-01T11:00:00.000Z",
        inputTokens: 0,
        outputTokens: 0,
        cacheReadTokens: 0,
        totalTokens: 0,
        apiCalls: 0,
        estimatedCostUsd: 0,
        unpricedCalls: 0,
      },
      {
        start: "2026-03-01T12:00:00.000Z",
        inputTokens: 7,
        outputTokens: 1,
        cacheReadTokens: 0,
        totalTokens: 8,
        apiCalls: 1,
        estimatedCostUsd: 0.25,
        unpricedCalls: 0,
      },
    ]);
  });

  it("aggregates per UTC day, counting only from `from` inside the first bucket", async () => {
    const owner = await api.signUp();
    const ids = await sessionWithAgent(owner);
    await recordCall(ids, new Date("2026-04-01T01:00:00Z"), { input: 1n, output: 1n }, "1");
    await recordCall(ids, new Date("2026-04-01T20:00:00Z"), { input: 2n, output: 2n }, "1");
    await recordCall(ids, new Date("2026-04-02T23:59:59Z"), { input: 4n, output: 4n }, "1");
    const { session } = await api.ok<{ session: { usageSeries: Bucket[] } }>(
      SERIES,
      {
        id: ids.sessionId,
        b: "DAY",
        from: "2026-04-01T12:00:00+02:00",
        to: "2026-04-03T00:00:00Z",
      },
      owner.token,
    );
    expect(session.usageSeries.map((bucket) => [bucket.start, bucket.inputTokens])).toEqual([
      ["2026-04-01T00:00:00.000Z", 2],
      ["2026-04-02T00:00:00.000Z", 4],
    ]);
  });

  it("shows only the session's own calls", async () => {
    const owner = await api.signUp();
    const mine = await sessionWithAgent(owner);
    const other = await sessionWithAgent(await api.signUp());
    await recordCall(other, new Date("2026-05-01T10:00:00Z"), { input: 5n, output: 5n }, "1");
    const { session } = await api.ok<{ session: { usageSeries: Bucket[] } }>(
      SERIES,
      { id: mine.sessionId, b: "DAY", from: "2026-05-01T00:00:00Z", to: "2026-05-02T00:00:00Z" },
      owner.token,
    );
    expect(session.usageSeries.map((bucket) => bucket.apiCalls)).toEqual([0]);
  });

  it("refuses an empty or reversed range, too many buckets, and a malformed date", async () => {
    const owner = await api.signUp();
    const { sessionId } = await sessionWithAgent(owner);
    const reversed = await api.fail(
      SERIES,
      { id: sessionId, b: "HOUR", from: "2026-01-02T00:00:00Z", to: "2026-01-01T00:00:00Z" },
      owner.token,
    );
    expect(reversed.extensions).toEqual({ code: "BAD_USER_INPUT", details: { field: "from" } });
    const tooMany = await api.fail(
      SERIES,
      { id: sessionId, b: "HOUR", from: "2026-01-01T00:00:00Z", to: "2026-06-01T00:00:00Z" },
      owner.token,
    );
    expect(tooMany.extensions).toEqual({ code: "BAD_USER_INPUT", details: { field: "to" } });
    const malformed = await api.fail(
      SERIES,
      { id: sessionId, b: "HOUR", from: "yesterday", to: "2026-06-01T00:00:00Z" },
      owner.token,
    );
    expect(malformed.extensions?.code).toBe("BAD_USER_INPUT");
    expect(malformed.message).toContain("DateTime must be");
  });
});

describe("agents and messages", () => {
  it("lists a session's agents and their messages with role, status and key source", async () => {
    const owner = await api.signUp();
    const ids = await sessionWithAgent(owner);
    await api.prisma.message.create({
      data: {
        agentId: ids.agentId,
        role: "ASSISTANT",
        text: "hi there",
        status: "DONE",
        replyToId: ids.messageId,
      },
    });
    const { session } = await api.ok<{
      session: {
        agents: {
          id: string;
          kind: string;
          status: string;
          messages: { role: string; text: string; keySource: string | null }[];
        }[];
      };
    }>(
      `query ($id: ID!) { session(id: $id) { agents { id kind status messages { role text status keySource } } } }`,
      { id: ids.sessionId },
      owner.token,
    );
    expect(session.agents).toHaveLength(1);
    expect(session.agents[0]).toMatchObject({ id: ids.agentId, kind: "CHAT", status: "IDLE" });
    expect(session.agents[0]?.messages.map((m) => [m.role, m.text, m.keySource])).toEqual([
      ["user", "hello", "SESSION"],
      ["assistant", "hi there", null],
    ]);
  });
});
