import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi, type TestUser } from "./harness.js";

// With NODE_ENV=production the schema is not handed out: no introspection and no "Did you
// mean …" suggestions, signed in or not, over HTTP and graphql-ws, unless the operator turns
// them on (GRAPHQL_INTROSPECTION=true). Clients build from the committed schema.graphql.

const INTROSPECTION = `{ __schema { queryType { name } types { name } } }`;
const TYPO = `{ me { emial } }`;

async function overWs(api: TestApi, token: string, query: string) {
  const socket = api.ws(token);
  try {
    return await socket
      .subscribe<Record<string, unknown>>(query)
      .next()
      .then(
        (result) => ({ data: result.data ?? null, errors: result.errors ?? [] }),
        (errors: unknown) => ({
          data: null,
          errors: errors as readonly { message: string; extensions?: { code?: string } }[],
        }),
      );
  } finally {
    await socket.dispose();
  }
}

describe("in production", () => {
  let api: TestApi;
  let user: TestUser;
  beforeAll(async () => {
    api = await startTestApi({ env: { NODE_ENV: "production" } });
    user = await api.signUp();
  });
  afterAll(async () => {
    await api.close();
  });

  it("refuses introspection, signed in or not, over HTTP and graphql-ws", async () => {
    for (const token of [undefined, user.token]) {
      const response = await api.gql(INTROSPECTION, undefined, token);
      expect(response.data ?? null).toBeNull();
      expect(response.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      expect(response.errors?.[0]?.message).toMatch(/introspection/i);
      expect(response.text).not.toContain("Session");
    }
    const ws = await overWs(api, user.token, INTROSPECTION);
    expect(ws.data).toBeNull();
    expect(ws.errors[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(JSON.stringify(ws)).not.toContain("Session");
    // Naming the type of a result is not introspection: clients rely on it.
    expect(await api.ok(`{ __typename }`, undefined, user.token)).toEqual({ __typename: "Query" });
  });

  it("names no field it was not asked about when a field is misspelled", async () => {
    const response = await api.gql(TYPO, undefined, user.token);
    expect(response.errors?.[0]?.message).toBe('Cannot query field "emial" on type "User".');
    expect(response.text).not.toMatch(/Did you mean|"email"/);
    const ws = await overWs(api, user.token, TYPO);
    expect(ws.errors[0]?.message).toBe('Cannot query field "emial" on type "User".');
  });
});

describe("in production with GRAPHQL_INTROSPECTION=true", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ env: { NODE_ENV: "production", GRAPHQL_INTROSPECTION: "true" } });
  });
  afterAll(async () => {
    await api.close();
  });

  it("serves introspection and suggestions, as the operator chose", async () => {
    const user = await api.signUp();
    const schema = await api.ok<{ __schema: { queryType: { name: string } } }>(
      INTROSPECTION,
      undefined,
      user.token,
    );
    expect(schema.__schema.queryType.name).toBe("Query");
    expect((await api.fail(TYPO, undefined, user.token)).message).toMatch(/Did you mean "email"/);
    const ws = await overWs(api, user.token, INTROSPECTION);
    expect(ws.errors).toEqual([]);
  });
});

describe("outside production", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it("serves introspection by default (development tools use it)", async () => {
    const user = await api.signUp();
    await api.ok(INTROSPECTION, undefined, user.token);
  });
});
