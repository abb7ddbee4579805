import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi, type TestUser } from "./harness.js";

// sessions(orderBy:) pages through every visible session exactly once, in the order asked for,
// ties broken by id, with usage figures from the rollup (no rollup row counts as 0).

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

type Field = "CREATED_AT" | "NAME" | "COST" | "TOKENS" | "API_CALLS";
interface Order {
  readonly field: Field;
  readonly direction: "ASC" | "DESC";
}
interface Usage {
  readonly costUsd?: string;
  readonly apiCalls?: number;
  readonly inputTokens?: bigint;
  readonly outputTokens?: bigint;
  readonly cacheReadTokens?: bigint;
  readonly cacheWriteTokens?: bigint;
  readonly reasoningTokens?: bigint;
}
interface Spec {
  readonly name?: string;
  /** Leading hex digit of the id, to place the session among ties; random when omitted. */
  readonly idPrefix?: string;
  readonly usage?: Usage;
}
interface ListShape {
  sessions: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { cursor: string; node: { id: string; name: string } }[];
  };
}

const LIST = `query ($first: Int, $after: String, $orderBy: SessionOrder) {
  sessions(first: $first, after: $after, orderBy: $orderBy) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id name } }
  }
}`;

/** Sessions owned by `owner`, with a usage rollup row when `usage` is given; their ids in order. */
async function createSessions<const S extends readonly Spec[]>(
  owner: TestUser,
  specs: S,
): Promise<{ -readonly [K in keyof S]: string }> {
  const ids: string[] = [];
  for (const spec of specs) {
    const id = `${spec.idPrefix ?? ""}${randomUUID().slice(spec.idPrefix?.length ?? 0)}`;
    await api.prisma.session.create({
      data: { id, ownerId: owner.user.id, name: spec.name ?? `session ${id.slice(0, 8)}` },
    });
    if (spec.usage !== undefined) {
      await api.prisma.sessionUsage.create({ data: { sessionId: id, ...spec.usage } });
    }
    ids.push(id);
  }
  return ids as { -readonly [K in keyof S]: string };
}

/** Walks every page of `first`; the ids in the order listed and each page's hasNextPage. */
async function listAll(
  viewer: TestUser,
  orderBy: Order | null,
  first = 2,
): Promise<{ ids: string[]; hasNext: boolean[]; totalCount: number }> {
  const ids: string[] = [];
  const hasNext: boolean[] = [];
  let after: string | null = null;
  let totalCount = -1;
  for (let page = 0; page < 50; page += 1) {
    const { sessions }: ListShape = await api.ok<ListShape>(
      LIST,
      { first, after, orderBy },
      viewer.token,
    );
    totalCount = sessions.totalCount;
    ids.push(...sessions.edges.map((edge) => edge.node.id));
    hasNext.push(sessions.pageInfo.hasNextPage);
    if (!sessions.pageInfo.hasNextPage) break;
    after = sessions.pageInfo.endCursor;
  }
  return { ids, hasNext, totalCount };
}

/** Ids in Postgres' uuid order (bytewise, which is the order of their lowercase hex). */
const byId = (ids: readonly string[]): string[] => [...ids].sort();

describe("ordering the sessions list by usage", () => {
  it("pages of 2 by COST DESC list every session once, most expensive first, ties by id", async () => {
    const owner = await api.signUp();
    const [dear, tieA, tieB, free, unused] = await createSessions(owner, [
      { usage: { costUsd: "12.5" } },
      { usage: { costUsd: "0.000000002" } },
      { usage: { costUsd: "0.000000002" } },
      { usage: { costUsd: "0" } },
      {},
    ]);
    const expected = [dear, ...byId([tieA, tieB]).reverse(), ...byId([free, unused]).reverse()];

    const desc = await listAll(owner, { field: "COST", direction: "DESC" });
    expect(desc.ids).toEqual(expected);
    expect(desc.hasNext).toEqual([true, true, false]);
    expect(desc.totalCount).toBe(5);

    const asc = await listAll(owner, { field: "COST", direction: "ASC" });
    expect(asc.ids).toEqual([...expected].reverse());
    expect(asc.hasNext).toEqual([true, true, false]);
  });

  it("counts a session without usage as 0, among the sessions that cost exactly 0", async () => {
    const owner = await api.signUp();
    // By id: the two without usage fall on either side of the one with a zero rollup row, so
    // neither NULLS FIRST nor NULLS LAST would give this order.
    const [cheapest, high, zeroRow, low] = await createSessions(owner, [
      { usage: { costUsd: "0.000000001", apiCalls: 1 } },
      { idPrefix: "f" },
      { idPrefix: "8", usage: { costUsd: "0", apiCalls: 0 } },
      { idPrefix: "0" },
    ]);
    expect((await listAll(owner, { field: "COST", direction: "DESC" })).ids).toEqual([
      cheapest,
      high,
      zeroRow,
      low,
    ]);
    expect((await listAll(owner, { field: "COST", direction: "ASC" }, 3)).ids).toEqual([
      low,
      zeroRow,
      high,
      cheapest,
    ]);
    expect((await listAll(owner, { field: "API_CALLS", direction: "DESC" }, 1)).ids).toEqual([
      cheapest,
      high,
      zeroRow,
      low,
    ]);
  });

  it("orders by TOKENS as input + output + cache read + cache write, past 32 bits", async () => {
    const owner = await api.signUp();
    const [inputOnly, spread, reasoningOnly, huge] = await createSessions(owner, [
      { usage: { inputTokens: 100n } },
      { usage: { outputTokens: 40n, cacheReadTokens: 40n, cacheWriteTokens: 40n } },
      // Reasoning tokens are not part of totalTokens.
      { usage: { reasoningTokens: 1_000_000n } },
      { usage: { inputTokens: 5_000_000_000n, outputTokens: 1n } },
    ]);
    expect((await listAll(owner, { field: "TOKENS", direction: "DESC" })).ids).toEqual([
      huge,
      spread,
      inputOnly,
      reasoningOnly,
    ]);
  });

  it("orders by API_CALLS both ways, one the other's reverse", async () => {
    const owner = await api.signUp();
    const [three, one, none, otherOne] = await createSessions(owner, [
      { usage: { apiCalls: 3 } },
      { usage: { apiCalls: 1 } },
      {},
      { usage: { apiCalls: 1 } },
    ]);
    const desc = await listAll(owner, { field: "API_CALLS", direction: "DESC" });
    expect(desc.ids).toEqual([three, ...byId([one, otherOne]).reverse(), none]);
    const asc = await listAll(owner, { field: "API_CALLS", direction: "ASC" });
    expect(asc.ids).toEqual([...desc.ids].reverse());
  });
});

describe("ordering by the session's own columns", () => {
  it("orders by NAME, ties by id, and by CREATED_AT oldest first", async () => {
    const owner = await api.signUp();
    const [b, a1, c, a2] = await createSessions(owner, [
      { name: "b" },
      { name: "a" },
      { name: "c" },
      { name: "a" },
    ]);
    const names = await listAll(owner, { field: "NAME", direction: "ASC" }, 1);
    expect(names.ids).toEqual([...byId([a1, a2]), b, c]);
    expect((await listAll(owner, { field: "NAME", direction: "DESC" }, 3)).ids).toEqual(
      [...names.ids].reverse(),
    );

    const created = [b, a1, c, a2];
    for (const [index, id] of created.entries()) {
      await api.prisma.session.update({
        where: { id: id },
        data: { createdAt: new Date(Date.parse("2026-02-01T00:00:00Z") + index * 1000) },
      });
    }
    expect((await listAll(owner, { field: "CREATED_AT", direction: "ASC" })).ids).toEqual(created);
    // No orderBy: newest first, as before.
    expect((await listAll(owner, null)).ids).toEqual([...created].reverse());
  });
});

describe("who is listed", () => {
  it("lists owned and shared sessions only, whatever the order", async () => {
    const owner = await api.signUp();
    const stranger = await api.signUp();
    const sharer = await api.signUp();
    const [own] = await createSessions(owner, [{ usage: { costUsd: "1" } }]);
    // Someone else's sessions, the dearest of all: never listed for the owner.
    await createSessions(stranger, [{ usage: { costUsd: "999", apiCalls: 99 } }, {}]);
    const [shared] = await createSessions(sharer, [{ usage: { costUsd: "2" } }]);
    await api.prisma.sessionMember.create({
      data: { sessionId: shared, userId: owner.user.id, role: "VIEWER" },
    });

    for (const field of ["COST", "TOKENS", "API_CALLS", "NAME", "CREATED_AT"] as const) {
      const listed = await listAll(owner, { field, direction: "DESC" }, 1);
      expect(byId(listed.ids)).toEqual(byId([own, shared]));
      expect(listed.totalCount).toBe(2);
    }
    expect((await listAll(owner, { field: "COST", direction: "DESC" })).ids).toEqual([shared, own]);
  });
});

describe("cursors", () => {
  const firstCursor = async (viewer: TestUser, orderBy: Order | null): Promise<string> => {
    const { sessions } = await api.ok<ListShape>(LIST, { first: 1, orderBy }, viewer.token);
    const cursor = sessions.pageInfo.endCursor;
    if (cursor === null) throw new Error("expected a cursor");
    return cursor;
  };

  it("refuses a cursor from another ordering with BAD_USER_INPUT", async () => {
    const owner = await api.signUp();
    await createSessions(owner, [{ usage: { costUsd: "1" } }, {}]);
    const byCreation = await firstCursor(owner, { field: "CREATED_AT", direction: "DESC" });
    const byCostDesc = await firstCursor(owner, { field: "COST", direction: "DESC" });
    const byDefault = await firstCursor(owner, null);
    const misuses: [string, Order][] = [
      [byCreation, { field: "COST", direction: "DESC" }],
      [byDefault, { field: "COST", direction: "DESC" }],
      [byCostDesc, { field: "COST", direction: "ASC" }],
      [byCostDesc, { field: "TOKENS", direction: "DESC" }],
    ];
    for (const [after, orderBy] of misuses) {
      const error = await api.fail(LIST, { first: 1, after, orderBy }, owner.token);
      expect(error.message).toBe("This cursor belongs to another ordering");
      expect(error.extensions).toEqual({ code: "BAD_USER_INPUT", details: { field: "after" } });
    }
    // The same cursors with their own ordering continue it.
    const next = await api.ok<ListShape>(
      LIST,
      { first: 1, after: byCostDesc, orderBy: { field: "COST", direction: "DESC" } },
      owner.token,
    );
    expect(next.sessions.edges).toHaveLength(1);
  });

  it("refuses garbage and tampered cursors with BAD_USER_INPUT", async () => {
    const owner = await api.signUp();
    await createSessions(owner, [{}]);
    const orderBy: Order = { field: "COST", direction: "DESC" };
    const json = (value: unknown): string =>
      Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
    const id = randomUUID();
    for (const after of [
      "garbage",
      json({ f: "COST", d: "DESC", k: '1; DROP TABLE "Session"', id }),
      json({ f: "COST", d: "DESC", k: "1", id: "not-a-uuid" }),
      json({ f: "COST", d: "DESC", k: 1, id }),
      json({ f: "PRICE", d: "DESC", k: "1", id }),
      json([1, 2]),
      "x".repeat(3000),
    ]) {
      const error = await api.fail(LIST, { first: 1, after, orderBy }, owner.token);
      expect(error.extensions?.code).toBe("BAD_USER_INPUT");
    }
    const error = await api.fail(LIST, { after: "garbage", orderBy }, owner.token);
    expect(error).toMatchObject({
      message: "Invalid cursor",
      extensions: { code: "BAD_USER_INPUT", details: { field: "after" } },
    });
  });

  it("still continues newest first from a cursor made before orderBy existed", async () => {
    const owner = await api.signUp();
    const [older, newer] = await createSessions(owner, [{}, {}]);
    await api.prisma.session.update({
      where: { id: older },
      data: { createdAt: new Date("2026-03-01T00:00:00.000Z") },
    });
    await api.prisma.session.update({
      where: { id: newer },
      data: { createdAt: new Date("2026-03-02T00:00:00.000Z") },
    });
    const legacy = Buffer.from(`2026-03-02T00:00:00.000Z|${newer}`, "utf8").toString("base64url");
    const { sessions } = await api.ok<ListShape>(LIST, { after: legacy }, owner.token);
    expect(sessions.edges.map((edge) => edge.node.id)).toEqual([older]);
  });
});
