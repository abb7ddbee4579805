import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { secrets } from "./fixtures.js";
import { startTestApi, type TestApi, type TestUser } from "./harness.js";

let api: TestApi;
let user: TestUser;
beforeAll(async () => {
  api = await startTestApi();
  user = await api.signUp();
});
afterAll(async () => {
  await api.close();
});

describe("query shape limits", () => {
  it("refuses a query nested deeper than 12 with BAD_USER_INPUT", async () => {
    let selection = "name";
    for (let i = 0; i < 12; i += 1) selection = `ofType { ${selection} }`;
    const error = await api.fail(
      `{ __schema { types { fields { type { ${selection} } } } } }`,
      undefined,
      user.token,
    );
    expect(error.extensions?.code).toBe("BAD_USER_INPUT");
    expect(error.message).toMatch(/nested too deeply: depth \d+, at most 12/);
    expect(error.response.status).toBe(400);
  });

  it("counts depth through fragments", async () => {
    let selection = "name";
    for (let i = 0; i < 12; i += 1) selection = `ofType { ${selection} }`;
    const error = await api.fail(
      `query { __schema { types { ...F } } } fragment F on __Type { fields { type { ${selection} } } }`,
      undefined,
      user.token,
    );
    expect(error.message).toMatch(/nested too deeply/);
  });

  it("refuses a query costing more than 50,000, counting each list by its length", async () => {
    // 100 sessions × 1000 hourly buckets × 2 fields: few fields, many values.
    const error = await api.fail(
      `{ sessions(first: 100) { edges { node { usageSeries(bucket: HOUR, from: "2026-01-01T00:00:00Z", to: "2026-02-11T00:00:00Z") { start inputTokens } } } } }`,
      undefined,
      user.token,
    );
    expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", details: { max: 50_000 } });
    expect(error.message).toMatch(/too complex: cost \d+, at most 50000/);
    expect(error.response.status).toBe(400);
  });

  it("accepts an ordinary page of sessions", async () => {
    await api.ok(
      `{ sessions(first: 20) { edges { node { id name keys { id } } } } }`,
      undefined,
      user.token,
    );
  });

  it("refuses a request body over 1 MB with 413 and a typed error", async () => {
    const response = await fetch(api.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${user.token}` },
      body: JSON.stringify({
        query: "{ me { id } }",
        variables: { padding: "x".repeat(1024 * 1024) },
      }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      errors: [
        {
          message: "The request body is too large (at most 1 MB)",
          extensions: { code: "BAD_USER_INPUT" },
        },
      ],
    });
  });

  it("refuses a body that is not JSON with 400 and a typed error", async () => {
    const response = await fetch(api.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{nope",
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      errors: [{ extensions: { code: "BAD_USER_INPUT" } }],
    });
  });

  it("blocks a simple cross-site POST (CSRF prevention)", async () => {
    const response = await fetch(api.url, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: '{"query":"{ me { id } }"}',
    });
    expect(response.status).toBe(400);
  });
});

describe("argument limits", () => {
  it("refuses a malformed id as BAD_USER_INPUT 'Invalid id' naming the argument", async () => {
    const session = await api.fail(`{ session(id: "not-a-uuid") { id } }`, undefined, user.token);
    expect(session).toMatchObject({
      message: "Invalid id",
      extensions: { code: "BAD_USER_INPUT", details: { field: "id" } },
    });
    const key = await api.fail(
      `mutation { removeSessionKey(sessionId: "1", provider: OPENAI) { id } }`,
      undefined,
      user.token,
    );
    expect(key.extensions).toEqual({ code: "BAD_USER_INPUT", details: { field: "sessionId" } });
    const admin = await api.fail(
      `mutation { revokeApiToken(id: "'; drop table") }`,
      undefined,
      user.token,
    );
    expect(admin.extensions).toEqual({ code: "BAD_USER_INPUT", details: { field: "id" } });
  });

  it("refuses oversized strings as BAD_USER_INPUT before doing any work", async () => {
    const name = await api.fail(
      `mutation ($n: String!) { createApiToken(name: $n) { token } }`,
      { n: "n".repeat(201) },
      user.token,
    );
    expect(name.extensions).toEqual({ code: "BAD_USER_INPUT", details: { field: "name" } });
    const email = await api.fail(
      `mutation ($e: String!) { signIn(email: $e, password: "whatever1") { token } }`,
      { e: "e".repeat(2000) },
    );
    expect(email.extensions).toEqual({ code: "BAD_USER_INPUT", details: { field: "email" } });
    const secret = await api.fail(
      `mutation ($s: String!) { setAccountCredential(provider: OPENAI, kind: SUBSCRIPTION, secret: $s) { id } }`,
      { s: `{"tokens":"${"x".repeat(17 * 1024)}"}` },
      user.token,
    );
    expect(secret.extensions).toEqual({ code: "BAD_USER_INPUT", details: { field: "secret" } });
  });

  it("refuses an unknown enum value without echoing what was sent", async () => {
    const secret = secrets.anthropicKey();
    const viaVariable = await api.fail(
      `mutation ($p: Provider!, $s: String!) { setAccountCredential(provider: $p, kind: API_KEY, secret: $s) { id } }`,
      { p: secret, s: secret },
      user.token,
    );
    expect(viaVariable.extensions?.code).toBe("BAD_USER_INPUT");
    expect(viaVariable.message).toBe(
      'Variable "$p" got an invalid value: expected a value of enum "Provider".',
    );
    expect(viaVariable.response.text).not.toContain(secret);

    const viaLiteral = await api.fail(
      `mutation { setAccountCredential(provider: NOT_A_PROVIDER, kind: API_KEY, secret: "x") { id } }`,
      undefined,
      user.token,
    );
    expect(viaLiteral.extensions?.code).toBe("BAD_USER_INPUT");
    expect(viaLiteral.response.text).not.toContain("NOT_A_PROVIDER");
  });

  it("refuses a value of the wrong type without echoing it", async () => {
    const secret = secrets.openaiKey();
    const wrongType = await api.fail(
      `mutation ($n: String!) { createApiToken(name: $n) { token } }`,
      { n: { nested: secret } },
      user.token,
    );
    expect(wrongType.extensions?.code).toBe("BAD_USER_INPUT");
    expect(wrongType.response.text).not.toContain(secret);
    const literal = await api.fail(`{ session(id: 12) { id } } `, undefined, user.token);
    expect(literal.extensions?.code).toBe("BAD_USER_INPUT");
    const stringForInt = await api.fail(
      `{ sessions(first: "${secret}") { totalCount } }`,
      undefined,
      user.token,
    );
    expect(stringForInt.extensions?.code).toBe("BAD_USER_INPUT");
    expect(stringForInt.response.text).not.toContain(secret);
  });

  it("turns syntax errors and unknown fields into BAD_USER_INPUT", async () => {
    expect((await api.fail(`{ me { id `, undefined, user.token)).extensions?.code).toBe(
      "BAD_USER_INPUT",
    );
    const unknown = await api.fail(`{ me { password } }`, undefined, user.token);
    expect(unknown.extensions?.code).toBe("BAD_USER_INPUT");
    expect(unknown.message).toContain('Cannot query field "password" on type "User"');
  });
});

describe("the same limits over graphql-ws", () => {
  it("types parse, validation, depth, variable and id errors as BAD_USER_INPUT", async () => {
    const socket = api.ws(user.token);
    let deep = "name";
    for (let i = 0; i < 12; i += 1) deep = `ofType { ${deep} }`;
    const secret = secrets.anthropicKey();
    const cases: [string, Record<string, unknown> | undefined][] = [
      [`subscription { sessionUsage(sessionId: `, undefined],
      [`subscription { nope }`, undefined],
      [`{ __schema { types { fields { type { ${deep} } } } } }`, undefined],
      [`subscription ($id: ID!) { sessionUsage(sessionId: $id) { apiCalls } }`, { id: { secret } }],
      [
        `subscription ($id: ID!) { sessionUsage(sessionId: $id) { apiCalls } }`,
        { id: "not-a-uuid" },
      ],
    ];
    for (const [query, variables] of cases) {
      const outcome = await socket
        .subscribe(query, variables)
        .next()
        .then(
          (result) => result.errors?.[0],
          (errors: unknown) => (errors as { extensions?: unknown; message: string }[])[0],
        );
      expect(outcome?.extensions).toMatchObject({ code: "BAD_USER_INPUT" });
      expect(JSON.stringify(outcome)).not.toContain(secret);
    }
    await socket.dispose();
  });
});

describe("unexpected errors", () => {
  it("answers INTERNAL with no detail and logs the cause under the request id", async () => {
    const broken = await startTestApi();
    try {
      const owner = await broken.signUp();
      await broken.prisma.$executeRawUnsafe(`DROP TABLE "AuditEvent"`);
      const error = await broken.fail(
        `mutation { createApiToken(name: "x") { token } }`,
        undefined,
        owner.token,
      );
      expect(error.message).toBe("Internal server error");
      expect(error.extensions).toEqual({ code: "INTERNAL" });
      expect(error.response.text).not.toMatch(/AuditEvent|prisma|stack|at \//i);
      const requestId = error.response.headers.get("x-request-id");
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      const logged = broken.logs().map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(logged).toContainEqual(
        expect.objectContaining({ requestId, level: 50, prismaCode: expect.any(String) as string }),
      );
    } finally {
      await broken.close();
    }
  });
});
