import { specifiedRules } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DocumentCache } from "../src/graphql/document-cache.js";
import { buildApiSchema } from "../src/graphql/schema.js";
import { startTestApi, type TestApi, type TestUser } from "./harness.js";

// Documents are parsed and validated once per text and kept (document-cache.ts); what depends
// on the variables or the caller (argument text, cost, the caller's allowance) is still applied
// to every operation, over HTTP and graphql-ws alike.

describe("the document cache", () => {
  const cacheOf = async (limits = { maxEntries: 2, maxChars: 10_000, maxDocumentChars: 200 }) =>
    new DocumentCache(await buildApiSchema(), specifiedRules, true, limits);

  it("parses and validates a text once, and hands back the same document after", async () => {
    const cache = await cacheOf();
    const first = cache.get(`{ me { id } }`);
    const second = cache.get(`{ me { id } }`);
    expect(first.valid).toBeDefined();
    expect(second.valid).toBe(first.valid);
  });

  it("keeps only the most recently used documents, and never an invalid or a long one", async () => {
    const cache = await cacheOf();
    const [a, b, c] = [`{ me { id } }`, `{ me { email } }`, `{ me { role } }`];
    const kept = cache.get(a).valid;
    cache.get(b);
    cache.get(a);
    cache.get(c);
    expect(cache.size).toBe(2);
    expect(cache.get(a).valid).toBe(kept);
    expect(cache.get(`{ me { passwordHash } }`).errors?.[0]?.message).toMatch(/Cannot query/);
    expect(cache.get(`{ me { id } `).errors?.[0]?.extensions["code"]).toBe("GRAPHQL_PARSE_FAILED");
    const long = `{ me { id ${" ".repeat(300)} } }`;
    expect(cache.get(long).valid).not.toBe(cache.get(long).valid);
    expect(cache.size).toBe(2);
  });
});

describe("limits on a cached document", () => {
  let api: TestApi;
  let owner: TestUser;
  let sessionId: string;
  beforeAll(async () => {
    api = await startTestApi();
    owner = await api.signUp();
    const { createSession } = await api.ok<{ createSession: { id: string } }>(
      `mutation { createSession(input: { name: "cached" }) { id } }`,
      undefined,
      owner.token,
    );
    sessionId = createSession.id;
  });
  afterAll(async () => {
    await api.close();
  });

  const overWs = async (query: string, variables: Record<string, unknown>) => {
    const socket = api.ws(owner.token);
    try {
      return await socket
        .subscribe(query, variables)
        .next()
        .then(
          (result) => result.errors?.[0],
          (errors: unknown) => (errors as { message: string }[])[0],
        );
    } finally {
      await socket.dispose();
    }
  };

  it("costs each operation with its own variables: served, refused, served again", async () => {
    const HISTORY = `query ($id: ID!, $last: Int!) { session(id: $id) { agents { messages(last: $last) { id role text status errorCode errorMessage keySource createdAt } } } }`;
    const history = (last: number) => api.gql(HISTORY, { id: sessionId, last }, owner.token);
    expect((await history(100)).errors).toBeUndefined();
    const refused = await history(500);
    expect(refused.status).toBe(400);
    expect(refused.errors?.[0]?.message).toMatch(/too complex/);
    expect((await history(100)).errors).toBeUndefined();
    // The same text over graphql-ws: the same document, the same refusal.
    expect((await overWs(HISTORY, { id: sessionId, last: 500 }))?.message).toMatch(/too complex/);
  });

  it("checks each operation's variables for text that is not text", async () => {
    const SESSION = `query ($id: ID!) { session(id: $id) { id } }`;
    expect((await api.gql(SESSION, { id: sessionId }, owner.token)).errors).toBeUndefined();
    const refused = await api.gql(SESSION, { id: `${sessionId}\u0000` }, owner.token);
    expect(refused.status).toBe(400);
    expect(refused.errors?.[0]?.message).toMatch(/NUL character/);
    expect((await api.gql(SESSION, { id: sessionId }, owner.token)).errors).toBeUndefined();
  });
});

describe("a caller's allowance with a cached document", () => {
  let api: TestApi;
  beforeAll(async () => {
    // Twenty agents' last 100 messages cost about 16,000: one fits in a minute, not two.
    api = await startTestApi({ env: { QUERY_COST_PER_MINUTE: "25000" } });
  });
  afterAll(async () => {
    await api.close();
  });

  it("charges the document's cost every time, though it is worked out once", async () => {
    const owner = await api.signUp();
    const { createSession } = await api.ok<{ createSession: { id: string } }>(
      `mutation { createSession(input: { name: "spent" }) { id } }`,
      undefined,
      owner.token,
    );
    // No variables: the cost is the document's alone, kept with it.
    const history = `{ session(id: "${createSession.id}") { agents { messages(last: 100) { id role text status errorCode errorMessage keySource createdAt } } } }`;
    const served = await api.gql(history, undefined, owner.token);
    expect(served.errors, served.text.slice(0, 300)).toBeUndefined();
    const refused = await api.gql(history, undefined, owner.token);
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0]?.extensions?.code).toBe("RATE_LIMITED");
  });
});
