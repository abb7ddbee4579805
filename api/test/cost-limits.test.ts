import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi, type TestUser } from "./harness.js";

// Cost amplification: a list is costed by how many items it can return, so a request that
// would resolve hundreds of thousands of values is refused before it runs, and a user's
// expensive operations are rationed per minute, whatever the other users do.

const SIX_WEEKS = { from: "2026-01-01T00:00:00Z", to: "2026-02-11T00:00:00Z" }; // 985 hours

/** 330 aliases of a six-week hourly series under one session (the attack of issue 10). */
const amplified = (aliases: number): string =>
  `query ($id: ID!) { session(id: $id) { ${Array.from(
    { length: aliases },
    (_, i) =>
      `a${i}: usageSeries(bucket: HOUR, from: "${SIX_WEEKS.from}", to: "${SIX_WEEKS.to}") { start totalTokens }`,
  ).join(" ")} } }`;

async function createSession(api: TestApi, owner: TestUser): Promise<string> {
  const { createSession } = await api.ok<{ createSession: { id: string } }>(
    `mutation { createSession(input: { name: "costly" }) { id } }`,
    undefined,
    owner.token,
  );
  return createSession.id;
}

describe("the cost of a request", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it("refuses 330 aliases of a six-week series before running them, while another user's query is served", async ({
    annotate,
  }) => {
    const [attacker, other] = [await api.signUp(), await api.signUp()];
    const sessionId = await createSession(api, attacker);
    const query = amplified(330);
    const started = performance.now();
    const attacks = Array.from({ length: 10 }, async () => {
      const response = await api.gql(query, { id: sessionId }, attacker.token);
      return { response, ms: performance.now() - started };
    });
    const meStarted = performance.now();
    const me = await api.ok<{ me: { id: string } }>(`{ me { id } }`, undefined, other.token);
    const meMs = performance.now() - meStarted;
    const refused = await Promise.all(attacks);

    expect(me.me.id).toBe(other.user.id);
    for (const { response } of refused) {
      expect(response.status).toBe(400);
      expect(response.data ?? null).toBeNull();
      expect(response.errors?.[0]?.extensions).toMatchObject({
        code: "BAD_USER_INPUT",
        details: { max: 50_000 },
      });
      expect(response.errors?.[0]?.message).toMatch(/too complex: cost \d+, at most 50000/);
    }
    const slowest = Math.max(...refused.map((attack) => attack.ms));
    await annotate(
      `10 parallel 330-alias requests all refused within ${slowest.toFixed(0)} ms; another user's { me { id } } took ${meMs.toFixed(0)} ms meanwhile`,
    );
  });

  it("costs a series by its buckets: a day of hours passes, 1000 days of hours × 100 sessions do not", async () => {
    const owner = await api.signUp();
    const sessionId = await createSession(api, owner);
    const day = await api.ok<{ session: { usageSeries: unknown[] } }>(
      `query ($id: ID!) { session(id: $id) { usageSeries(bucket: HOUR, from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z") { start totalTokens apiCalls } } }`,
      { id: sessionId },
      owner.token,
    );
    expect(day.session.usageSeries).toHaveLength(24);
    const wide = await api.fail(
      `{ sessions(first: 100) { edges { node { usageSeries(bucket: DAY, from: "2024-01-01T00:00:00Z", to: "2026-09-01T00:00:00Z") { start } } } } }`,
      undefined,
      owner.token,
    );
    expect(wide.extensions?.code).toBe("BAD_USER_INPUT");
    expect(wide.message).toMatch(/too complex/);
  });

  it("costs messages by `last`: the client's chat history query passes, ten times as many is refused", async () => {
    const owner = await api.signUp();
    const sessionId = await createSession(api, owner);
    const history = (last: number) =>
      api.gql(
        `query ($id: ID!, $last: Int!) { session(id: $id) { agents { id messages(last: $last) { id role text status errorCode errorMessage keySource createdAt } } } }`,
        { id: sessionId, last },
        owner.token,
      );
    expect((await history(100)).errors).toBeUndefined();
    const refused = await history(500);
    const agentsTwice = await api.gql(
      `query ($id: ID!) { session(id: $id) { a: agents { messages(last: 500) { id text status createdAt } } b: agents { messages(last: 500) { id text status createdAt } } } }`,
      { id: sessionId },
      owner.token,
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(agentsTwice.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("a user's allowance of expensive operations", () => {
  let api: TestApi;
  beforeAll(async () => {
    // One 1000-bucket series with ten fields costs about 10,000: two fit in a minute, not three.
    api = await startTestApi({ env: { QUERY_COST_PER_MINUTE: "25000" } });
  });
  afterAll(async () => {
    await api.close();
  });

  const SERIES = `query ($id: ID!) { session(id: $id) { usageSeries(bucket: HOUR, from: "${SIX_WEEKS.from}", to: "${SIX_WEEKS.to}") { start inputTokens outputTokens cacheReadTokens cacheWriteTokens reasoningTokens totalTokens apiCalls estimatedCostUsd unpricedCalls } } }`;

  it("refuses the third expensive query in a minute with RATE_LIMITED and retryAfter, and only for that user", async () => {
    const [heavy, other] = [await api.signUp(), await api.signUp()];
    const [heavySession, otherSession] = [
      await createSession(api, heavy),
      await createSession(api, other),
    ];
    for (let i = 0; i < 2; i += 1) {
      const served = await api.gql(SERIES, { id: heavySession }, heavy.token);
      expect(served.errors, served.text.slice(0, 300)).toBeUndefined();
    }
    const refused = await api.gql(SERIES, { id: heavySession }, heavy.token);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    const error = refused.errors?.[0];
    expect(error?.extensions?.code).toBe("RATE_LIMITED");
    expect(error?.extensions?.["retryAfter"]).toEqual(expect.any(Number));
    expect(error?.message).toMatch(/Too many expensive queries/);
    expect(refused.data ?? null).toBeNull();

    // Cheap operations are not rationed, and the other user has their own allowance.
    await api.ok(`{ me { id } }`, undefined, heavy.token);
    const theirs = await api.gql(SERIES, { id: otherSession }, other.token);
    expect(theirs.errors).toBeUndefined();
  });

  it("rations subscriptions over graphql-ws the same way", async () => {
    const heavy = await api.signUp();
    const sessionId = await createSession(api, heavy);
    const socket = api.ws(heavy.token);
    const outcomes = [];
    for (let i = 0; i < 3; i += 1) {
      outcomes.push(
        await socket
          .subscribe(SERIES, { id: sessionId })
          .next()
          .then(
            (result) => result.errors?.[0]?.extensions?.["code"] ?? "ok",
            (errors: unknown) =>
              (errors as { extensions?: { code?: string } }[])[0]?.extensions?.code,
          ),
      );
    }
    expect(outcomes).toEqual(["ok", "ok", "RATE_LIMITED"]);
    await socket.dispose();
  });
});
