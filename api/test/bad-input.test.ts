import { randomInt } from "node:crypto";
import { isEnumType } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { secrets } from "./fixtures.js";
import { startTestApi, type GqlError, type TestApi, type TestUser } from "./harness.js";
import { dumpDatabase, dumpRedis, STACK_TRACE } from "./support/leaks.js";
import {
  argumentPaths,
  isRequired,
  nestedArguments,
  requestWith,
  type ArgumentPath,
} from "./support/schema-requests.js";

// Malformed, oversized and mistyped input on every operation that takes it, and broken
// requests of every kind: each is a typed 4xx refusal naming what was wrong, never INTERNAL,
// never a stack trace, and a refused write changes nothing.

let api: TestApi;
let admin: TestUser;
let owner: TestUser;
let sessionId: string;
let agentId: string;
beforeAll(async () => {
  api = await startTestApi();
  admin = await api.signUpAdmin();
  owner = await api.signUp();
  ({ sessionId, agentId } = await sessionWithAgent(owner));
});
afterAll(async () => {
  await api.close();
});

async function sessionWithAgent(user: TestUser): Promise<{ sessionId: string; agentId: string }> {
  const { createSession } = await api.ok<{ createSession: { id: string } }>(
    `mutation ($s: String!) { createSession(input: { name: "bad input", providerKey: { provider: ANTHROPIC, secret: $s } }) { id } }`,
    { s: secrets.anthropicKey() },
    user.token,
  );
  const { spawnAgent } = await api.ok<{ spawnAgent: { id: string } }>(
    `mutation ($id: ID!) { spawnAgent(sessionId: $id, kind: CHAT) { id } }`,
    { id: createSession.id },
    user.token,
  );
  return { sessionId: createSession.id, agentId: spawnAgent.id };
}

/** Every response body this file received: none may say INTERNAL or show a stack trace. */
const bodies: string[] = [];

interface Result {
  readonly status: number | undefined;
  readonly errors: readonly GqlError[];
  readonly data: Record<string, unknown> | null;
  readonly text: string;
}

async function overHttp(
  request: { query: string; variables?: Record<string, unknown> },
  token?: string,
): Promise<Result> {
  const response = await api.gql(request.query, request.variables, token);
  bodies.push(response.text);
  return {
    status: response.status,
    errors: response.errors ?? [],
    data: response.data ?? null,
    text: response.text,
  };
}

async function overWs(
  request: { query: string; variables?: Record<string, unknown> },
  token: string,
): Promise<Result> {
  const socket = api.ws(token);
  try {
    const outcome = await socket
      .subscribe<Record<string, unknown>>(request.query, request.variables)
      .next()
      .then(
        (value) => ({ errors: (value.errors ?? []) as GqlError[], data: value.data ?? null }),
        (errors: unknown) => ({ errors: errors as GqlError[], data: null }),
      );
    const text = JSON.stringify(outcome);
    bodies.push(text);
    return { status: undefined, ...outcome, text };
  } finally {
    await socket.dispose();
  }
}

const send = (target: ArgumentPath, value: unknown, token: string): Promise<Result> => {
  const request = requestWith(target, value);
  return target.kind === "Subscription" ? overWs(request, token) : overHttp(request, token);
};

/** A typed refusal: the code (and field), no data, a 4xx status over HTTP. */
function expectRefused(result: Result, code: string, field?: string): void {
  const error = result.errors[0];
  expect(error?.extensions?.code, result.text.slice(0, 500)).toBe(code);
  if (field !== undefined) expect(error?.extensions?.details, result.text).toMatchObject({ field });
  expect(Object.values(result.data ?? {}).every((value) => value === null)).toBe(true);
  if (result.status !== undefined && code === "BAD_USER_INPUT") {
    // Refused before execution: 400; refused by a resolver: 200 with the error.
    expect([200, 400]).toContain(result.status);
  }
  expect(result.text).not.toMatch(STACK_TRACE);
}

const uuid = "0b5e7a52-2f4e-4c1d-9a39-0c5f0d4a9e11";
const MALFORMED_IDS: readonly [string, unknown][] = [
  ["not a UUID", "not-a-uuid"],
  ["a number string", "12345"],
  ["an integer", 12345],
  ["SQL", `' OR '1'='1'; DROP TABLE "Session"; --`],
  ["a UUID with a bad digit", "00000000-0000-0000-0000-00000000000g"],
  ["a UUID without dashes", uuid.replaceAll("-", "")],
  ["a UUID in braces", `{${uuid}}`],
  ["a UUID with spaces around", ` ${uuid} `],
  ["a UUID with SQL after it", `${uuid}' OR 1=1 --`],
  ["full-width digits", "０１２３４５６７-89ab-cdef-0123-456789abcdef"],
  ["emoji", "🔑🔑🔑🔑🔑🔑🔑🔑-🔑🔑🔑🔑-🔑🔑🔑🔑-🔑🔑🔑🔑-🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑"],
  ["a NUL byte", `${uuid}\u0000`],
  ["an empty string", ""],
  ["10 KB", "f".repeat(10 * 1024)],
];

describe("malformed ids", () => {
  const idPaths = argumentPaths((type) => type.name === "ID");

  // New operations are covered as they come; these prove the discovery finds what is there.
  it("are found for every operation that takes an ID (nested fields take none)", () => {
    expect(idPaths.map((target) => target.label)).toEqual(
      expect.arrayContaining([
        "Mutation.addSessionMember(sessionId)",
        "Mutation.adminDeleteCredential(id)",
        "Mutation.deleteSession(id)",
        "Mutation.removeSessionKey(sessionId)",
        "Mutation.removeSessionMember(sessionId)",
        "Mutation.removeSessionMember(userId)",
        "Mutation.renameSession(id)",
        "Mutation.revokeApiToken(id)",
        "Mutation.sendMessage(agentId)",
        "Mutation.setSessionBudget(sessionId)",
        "Mutation.setSessionKey(sessionId)",
        "Mutation.spawnAgent(sessionId)",
        "Query.auditEvents(filter.actorId)",
        "Query.auditEvents(filter.targetId)",
        "Query.session(id)",
        "Query.userCredentials(userId)",
        "Subscription.agentEvents(agentId)",
        "Subscription.sessionUsage(sessionId)",
      ]),
    );
    expect(nestedArguments((type) => type.name === "ID")).toEqual([]);
  });

  it.each(idPaths.map((target) => [target.label, target] as const))(
    "%s: BAD_USER_INPUT naming the argument, for every malformed id, never quoting it",
    async (_label, target) => {
      const field = target.path[target.path.length - 1];
      for (const [name, value] of MALFORMED_IDS) {
        // The admin may call every operation, so only the id can be what is wrong.
        const result = await send(target, value, admin.token);
        expect(result.errors[0]?.extensions, `${name}: ${result.text}`).toEqual({
          code: "BAD_USER_INPUT",
          details: { field },
        });
        expectRefused(result, "BAD_USER_INPUT", field);
        if (typeof value === "string" && value.length >= 8)
          expect(result.text).not.toContain(value);
      }
    },
  );
});

describe("NUL bytes and unpaired surrogates", () => {
  const stringPaths = argumentPaths((type) => type.name === "String");
  const NOT_TEXT: readonly [string, string][] = [
    ["a NUL byte", "plain\u0000text"],
    ["a lone high surrogate", "plain \ud83d text"],
    ["a lone low surrogate", "\ude00 plain"],
    ["a NUL byte alone", "\u0000"],
  ];

  it("are tried on every String argument and input field", () => {
    expect(stringPaths.map((target) => target.label)).toEqual(
      expect.arrayContaining([
        "Mutation.signIn(email)",
        "Mutation.signIn(password)",
        "Mutation.signUp(email)",
        "Mutation.createApiToken(name)",
        "Mutation.createSession(input.name)",
        "Mutation.createSession(input.repoUrl)",
        "Mutation.createSession(input.providerKey.secret)",
        "Mutation.renameSession(name)",
        "Mutation.sendMessage(text)",
        "Mutation.setSessionKey(secret)",
        "Mutation.spawnAgent(model)",
        "Query.sessions(after)",
        "Query.auditEvents(filter.action)",
      ]),
    );
  });

  it.each(stringPaths.map((target) => [target.label, target] as const))(
    "%s: BAD_USER_INPUT naming the field, never INTERNAL",
    async (_label, target) => {
      const field = target.path[target.path.length - 1];
      for (const [name, value] of NOT_TEXT) {
        // The admin may call every operation, so only the text can be what is wrong.
        const result = await send(target, value, admin.token);
        expect(result.errors[0]?.extensions, `${name}: ${result.text}`).toEqual({
          code: "BAD_USER_INPUT",
          details: { field },
        });
        expectRefused(result, "BAD_USER_INPUT", field);
      }
    },
  );

  it("are refused as literals in the document too", async () => {
    for (const literal of ['"a\\u0000b"', '"""a\u0000b"""']) {
      const result = await overHttp(
        { query: `mutation { createApiToken(name: ${literal}) { token } }` },
        owner.token,
      );
      expectRefused(result, "BAD_USER_INPUT");
    }
  });
});

describe("unknown enum values", () => {
  const enumPaths = argumentPaths(isEnumType);
  const values: readonly unknown[] = [
    "FOO",
    "anthropic",
    "",
    " ANTHROPIC",
    7,
    { value: "ANTHROPIC" },
  ];

  it("are found for every enum argument and input field", () => {
    expect(enumPaths.map((target) => target.label)).toEqual(
      expect.arrayContaining([
        "Mutation.addSessionMember(role)",
        "Mutation.createSession(input.providerKey.provider)",
        "Mutation.removeAccountCredential(kind)",
        "Mutation.removeAccountCredential(provider)",
        "Mutation.removeSessionKey(provider)",
        "Mutation.setAccountCredential(kind)",
        "Mutation.setAccountCredential(provider)",
        "Mutation.setSessionKey(provider)",
        "Mutation.spawnAgent(kind)",
        "Mutation.spawnAgent(provider)",
      ]),
    );
  });

  it.each(enumPaths.map((target) => [target.label, target] as const))(
    "%s: BAD_USER_INPUT for values outside the enum, as a variable and as a literal",
    async (_label, target) => {
      for (const value of values) {
        expectRefused(await send(target, value, owner.token), "BAD_USER_INPUT");
      }
      if (target.path.length === 1) {
        const request = requestWith(target, "FOO");
        const arg = target.path[0] ?? "";
        // null is a fine value for an optional enum (spawnAgent's provider).
        const literals = ["FOO", '"ANTHROPIC"', "1", ...(isRequired(target) ? ["null"] : [])];
        for (const literal of literals) {
          const query = request.query
            .replace(new RegExp(`\\$${arg}: [^,)]+(, )?`), "")
            .replace(/\(\)/, "")
            .replace(`${arg}: $${arg}`, `${arg}: ${literal}`);
          const variables = Object.fromEntries(
            Object.entries(request.variables).filter(([name]) => name !== arg),
          );
          const result = await overHttp({ query, variables }, owner.token);
          expectRefused(result, "BAD_USER_INPUT");
        }
      }
    },
  );

  it("on fields inside a session (keySource, usageSeries) too", async () => {
    // A new one needs a case below.
    expect(nestedArguments(isEnumType).sort()).toEqual([
      "Session.keySource(agentKind)",
      "Session.keySource(provider)",
      "Session.nextCredential(agentKind)",
      "Session.nextCredential(provider)",
      "Session.usageSeries(bucket)",
    ]);
    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date().toISOString();
    for (const [query, variables] of [
      [
        `query ($id: ID!, $p: Provider!) { session(id: $id) { keySource(provider: $p) } }`,
        { id: sessionId, p: "FOO" },
      ],
      [
        `query ($id: ID!, $k: AgentKind) { session(id: $id) { keySource(provider: OPENAI, agentKind: $k) } }`,
        { id: sessionId, k: "FOO" },
      ],
      [
        `query ($id: ID!, $b: UsageBucketSize!) { session(id: $id) { usageSeries(bucket: $b, from: "${from}", to: "${to}") { start } } }`,
        { id: sessionId, b: "WEEK" },
      ],
      [`query ($id: ID!) { session(id: $id) { keySource(provider: FOO) } }`, { id: sessionId }],
      [
        `query ($id: ID!, $p: Provider!) { session(id: $id) { nextCredential(provider: $p) { source } } }`,
        { id: sessionId, p: "anthropic" },
      ],
      [
        `query ($id: ID!, $k: AgentKind) { session(id: $id) { nextCredential(provider: ANTHROPIC, agentKind: $k) { source } } }`,
        { id: sessionId, k: "CLAUDE" },
      ],
      [
        `query ($id: ID!) { session(id: $id) { nextCredential(provider: ANTHROPIC, agentKind: "CHAT") { source } } }`,
        { id: sessionId },
      ],
    ] as const) {
      expectRefused(await overHttp({ query, variables }, owner.token), "BAD_USER_INPUT");
    }
  });
});

describe("oversized and empty strings", () => {
  const big = (length: number, char = "a"): string => char.repeat(length);
  const cases: readonly [
    string,
    string,
    () => Record<string, unknown>,
    string,
    "owner" | "admin" | "nobody",
  ][] = [
    [
      "a session name over 200 characters",
      `mutation ($v: String!) { createSession(input: { name: $v }) { id } }`,
      () => ({ v: big(201) }),
      "name",
      "owner",
    ],
    [
      "a session name of 100 KB",
      `mutation ($v: String!) { createSession(input: { name: $v }) { id } }`,
      () => ({ v: big(100 * 1024) }),
      "name",
      "owner",
    ],
    [
      "a blank session name",
      `mutation ($v: String!) { createSession(input: { name: $v }) { id } }`,
      () => ({ v: " \t\n " }),
      "name",
      "owner",
    ],
    [
      "a repository URL over 2048 characters",
      `mutation ($v: String) { createSession(input: { name: "n", repoUrl: $v }) { id } }`,
      () => ({ v: `https://git.example/${big(2048)}` }),
      "repoUrl",
      "owner",
    ],
    [
      "a providerKey over 16 KiB",
      `mutation ($v: String!) { createSession(input: { name: "n", providerKey: { provider: OPENAI, secret: $v } }) { id } }`,
      () => ({ v: `sk-${big(16 * 1024)}` }),
      "secret",
      "owner",
    ],
    [
      "a new name over 200 characters",
      `mutation ($id: ID!, $v: String!) { renameSession(id: $id, name: $v) { id } }`,
      () => ({ id: sessionId, v: big(201) }),
      "name",
      "owner",
    ],
    [
      "an empty new name",
      `mutation ($id: ID!, $v: String!) { renameSession(id: $id, name: $v) { id } }`,
      () => ({ id: sessionId, v: "" }),
      "name",
      "owner",
    ],
    [
      "a session key over 16 KiB",
      `mutation ($id: ID!, $v: String!) { setSessionKey(sessionId: $id, provider: ANTHROPIC, secret: $v) { id } }`,
      () => ({ id: sessionId, v: `sk-ant-${big(16 * 1024)}` }),
      "secret",
      "owner",
    ],
    [
      "an empty session key",
      `mutation ($id: ID!, $v: String!) { setSessionKey(sessionId: $id, provider: ANTHROPIC, secret: $v) { id } }`,
      () => ({ id: sessionId, v: "" }),
      "secret",
      "owner",
    ],
    [
      "an account API key over 16 KiB",
      `mutation ($v: String!) { setAccountCredential(provider: GEMINI, kind: API_KEY, secret: $v) { id } }`,
      () => ({ v: `AIza${big(16 * 1024)}` }),
      "secret",
      "owner",
    ],
    [
      "a Codex auth.json over 16 KiB",
      `mutation ($v: String!) { setAccountCredential(provider: OPENAI, kind: SUBSCRIPTION, secret: $v) { id } }`,
      () => ({
        v: JSON.stringify({ tokens: { access_token: big(17 * 1024), refresh_token: "rt_x" } }),
      }),
      "secret",
      "owner",
    ],
    [
      "a sign-up email over 320 characters",
      `mutation ($v: String!) { signUp(email: $v, password: "long enough") { token } }`,
      () => ({ v: `${big(320)}@test.example` }),
      "email",
      "nobody",
    ],
    [
      "a sign-up email of 100 KB",
      `mutation ($v: String!) { signUp(email: $v, password: "long enough") { token } }`,
      () => ({ v: `${big(100 * 1024)}@test.example` }),
      "email",
      "nobody",
    ],
    [
      "a sign-up password over 1024 characters",
      `mutation ($v: String!) { signUp(email: "pw-too-long@test.example", password: $v) { token } }`,
      () => ({ v: big(1025) }),
      "password",
      "nobody",
    ],
    [
      "a sign-up password of 100 KB",
      `mutation ($v: String!) { signUp(email: "pw-huge@test.example", password: $v) { token } }`,
      () => ({ v: big(100 * 1024) }),
      "password",
      "nobody",
    ],
    [
      "a sign-in email of 100 KB",
      `mutation ($v: String!) { signIn(email: $v, password: "long enough") { token } }`,
      () => ({ v: big(100 * 1024) }),
      "email",
      "nobody",
    ],
    [
      "a sign-in password of 100 KB",
      `mutation ($v: String!) { signIn(email: "someone@test.example", password: $v) { token } }`,
      () => ({ v: big(100 * 1024) }),
      "password",
      "nobody",
    ],
    [
      "a token name over 200 characters",
      `mutation ($v: String!) { createApiToken(name: $v) { token } }`,
      () => ({ v: big(201) }),
      "name",
      "owner",
    ],
    [
      "a blank token name",
      `mutation ($v: String!) { createApiToken(name: $v) { token } }`,
      () => ({ v: "   " }),
      "name",
      "owner",
    ],
    [
      "a member email over 1024 characters",
      `mutation ($id: ID!, $v: String!) { addSessionMember(sessionId: $id, email: $v, role: VIEWER) { id } }`,
      () => ({ id: sessionId, v: `${big(1100)}@test.example` }),
      "email",
      "owner",
    ],
    [
      "a message over 32,000 characters",
      `mutation ($id: ID!, $v: String!) { sendMessage(agentId: $id, text: $v) { id } }`,
      () => ({ id: agentId, v: big(32_001) }),
      "text",
      "owner",
    ],
    [
      "a blank message",
      `mutation ($id: ID!, $v: String!) { sendMessage(agentId: $id, text: $v) { id } }`,
      () => ({ id: agentId, v: "\n\n" }),
      "text",
      "owner",
    ],
    [
      "a model name over 100 characters",
      `mutation ($id: ID!, $v: String) { spawnAgent(sessionId: $id, kind: CHAT, provider: OPENAI, model: $v) { id } }`,
      () => ({ id: sessionId, v: `gpt-${big(100)}` }),
      "model",
      "owner",
    ],
    [
      "a sessions cursor over 200 characters",
      `query ($v: String) { sessions(after: $v) { totalCount } }`,
      () => ({ v: big(201) }),
      "after",
      "owner",
    ],
    [
      "a users cursor over 200 characters",
      `query ($v: String) { users(after: $v) { totalCount } }`,
      () => ({ v: big(201) }),
      "after",
      "admin",
    ],
    [
      "an audit cursor over 200 characters",
      `query ($v: String) { auditEvents(after: $v) { totalCount } }`,
      () => ({ v: big(201) }),
      "after",
      "admin",
    ],
    [
      "an audit action filter over 100 characters",
      `query ($v: String) { auditEvents(filter: { action: $v }) { totalCount } }`,
      () => ({ v: big(101) }),
      "action",
      "admin",
    ],
  ];

  it.each(cases)(
    "refuses %s as BAD_USER_INPUT on its field, quoting none of it",
    async (_label, query, variables, field, as) => {
      const token = as === "owner" ? owner.token : as === "admin" ? admin.token : undefined;
      const result = await overHttp({ query, variables: variables() }, token);
      expect(result.errors[0]?.extensions).toEqual({ code: "BAD_USER_INPUT", details: { field } });
      expectRefused(result, "BAD_USER_INPUT", field);
      expect(result.text.length).toBeLessThan(1000);
    },
  );

  it("refuses numbers out of range on their argument", async () => {
    for (const [query, variables, field] of [
      [`query ($v: Int) { sessions(first: $v) { totalCount } }`, { v: 101 }, "first"],
      [`query ($v: Int) { sessions(first: $v) { totalCount } }`, { v: 0 }, "first"],
      [
        `mutation ($id: ID!, $v: Float) { setSessionBudget(sessionId: $id, budgetUsd: $v) { id } }`,
        { id: sessionId, v: -1 },
        "budgetUsd",
      ],
      [
        `mutation ($id: ID!, $v: Float) { setSessionBudget(sessionId: $id, budgetUsd: $v) { id } }`,
        { id: sessionId, v: 1e12 },
        "budgetUsd",
      ],
      [
        `query ($id: ID!, $v: Int) { session(id: $id) { agents { messages(last: $v) { id } } } }`,
        { id: sessionId, v: 501 },
        "last",
      ],
    ] as const) {
      const result = await overHttp({ query, variables }, owner.token);
      expectRefused(result, "BAD_USER_INPUT", field);
    }
    const tooBig = await overHttp(
      {
        query: `query ($v: Int) { sessions(first: $v) { totalCount } }`,
        variables: { v: 2 ** 40 },
      },
      owner.token,
    );
    expectRefused(tooBig, "BAD_USER_INPUT");
  });
});

describe("query shapes", () => {
  const nested = (levels: number): string => {
    let selection = "name";
    for (let i = 0; i < levels; i += 1) selection = `ofType { ${selection} }`;
    return selection;
  };
  const fragmentBomb = (levels: number): string => {
    let fragments = "fragment F0 on User { id email }\n";
    for (let i = 1; i <= levels; i += 1)
      fragments += `fragment F${i} on User { ...F${i - 1} ...F${i - 1} }\n`;
    return `{ me { ...F${levels} } }\n${fragments}`;
  };
  const shapes: readonly [string, string, RegExp | undefined][] = [
    [
      "nested too deeply through inline fragments",
      `{ __schema { types { ... on __Type { fields { type { ... on __Type { ${nested(12)} } } } } } } }`,
      /nested too deeply/,
    ],
    // Each fragment spreads the one before twice: 2^30 fields from a kilobyte. Counting it
    // must take no time, and it must be refused, not run.
    ["a fragment that doubles 30 times", fragmentBomb(30), /too complex/],
    [
      "16,000 aliases (past the complexity counter's node limit)",
      `{ ${Array.from({ length: 16_000 }, (_, i) => `a${i}: me { id }`).join(" ")} }`,
      /too complex/,
    ],
    ["1,000 copies of one field", `{ ${"me { id } ".repeat(1000)} }`, undefined],
    [
      "a document nested 5,000 levels",
      `{ me ${"{ id ".repeat(5000)}${"}".repeat(5000)} }`,
      undefined,
    ],
    [
      "a fragment cycle",
      `{ me { ...A } } fragment A on User { ...B } fragment B on User { ...A }`,
      /Cannot spread fragment/,
    ],
    [
      "two operations and no operationName",
      `query A { me { id } } query B { me { email } }`,
      /operation/i,
    ],
    ["an unknown field", `{ me { passwordHash } }`, /Cannot query field/],
    ["an empty document", ` `, undefined],
    [
      "a directive repeated",
      `{ me { id @include(if: true) @include(if: true) } }`,
      /The directive "@include" can only be used once/,
    ],
    ["a syntax error", `{ me { id `, /Syntax Error/],
  ];

  it.each(shapes)(
    "refuses %s with BAD_USER_INPUT, over HTTP and graphql-ws, fast",
    async (_label, query, message) => {
      for (const transport of [overHttp, overWs] as const) {
        const started = performance.now();
        const result = await transport({ query }, owner.token);
        expect(performance.now() - started).toBeLessThan(5000);
        expectRefused(result, "BAD_USER_INPUT");
        if (message !== undefined) expect(result.errors[0]?.message).toMatch(message);
        if (transport === overHttp) expect(result.status).toBe(400);
      }
    },
  );

  it("keeps a graphql-ws connection serving after it refused a broken document", async () => {
    const socket = api.ws(owner.token);
    const refused = await socket
      .subscribe(`{ me ${"{ id ".repeat(5000)} }`)
      .next()
      .then(
        (value) => value.errors,
        (errors: unknown) => errors as GqlError[],
      );
    expect(refused?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const served = await socket.subscribe<{ me: { id: string } }>(`{ me { id } }`).next();
    expect(served.data?.me.id).toBe(owner.user.id);
    await socket.dispose();
  });

  it("refuses a subscription over HTTP with BAD_USER_INPUT, pointing to graphql-ws", async () => {
    for (const query of [
      `subscription ($id: ID!) { sessionUsage(sessionId: $id) { apiCalls } }`,
      `subscription ($id: ID!) { agentEvents(agentId: $id) { seq } }`,
    ]) {
      const id = query.includes("sessionUsage") ? sessionId : agentId;
      const result = await overHttp({ query, variables: { id } }, owner.token);
      expectRefused(result, "BAD_USER_INPUT");
      expect(result.status).toBe(400);
      expect(result.errors[0]?.message).toMatch(/graphql-ws/);
    }
  });
});

describe("broken HTTP requests", () => {
  const post = (body: string, headers: Record<string, string>): RequestInit => ({
    method: "POST",
    headers: { authorization: `Bearer ${owner.token}`, ...headers },
    body,
  });
  const json = { "content-type": "application/json" };
  const query = JSON.stringify({ query: "{ me { id } }" });

  const cases: readonly [string, () => [string, RequestInit], number, RegExp][] = [
    ["a body that is not JSON", () => ["", post("{nope", json)], 400, /not valid JSON/],
    ["a JSON string", () => ["", post('"{ me { id } }"', json)], 400, /POST body/],
    ["JSON null", () => ["", post("null", json)], 400, /POST body/],
    ["an empty body", () => ["", post("", json)], 400, /POST body/],
    [
      "a batch (an array of operations)",
      () => ["", post(`[${query},${query}]`, json)],
      400,
      /batching/i,
    ],
    ["query as a number", () => ["", post('{"query":5}', json)], 400, /must be strings/],
    [
      "variables as a string",
      () => ["", post('{"query":"{ me { id } }","variables":"{}"}', json)],
      400,
      /variables/,
    ],
    [
      "operationName as a number",
      () => ["", post('{"query":"{ me { id } }","operationName":1}', json)],
      400,
      /operationName/,
    ],
    [
      "text/plain (a simple cross-site POST)",
      () => ["", post(query, { "content-type": "text/plain" })],
      400,
      /apollo-require-preflight/,
    ],
    [
      "a form",
      () => [
        "",
        post("query=%7B%20me%20%7B%20id%20%7D%20%7D", {
          "content-type": "application/x-www-form-urlencoded",
        }),
      ],
      400,
      /apollo-require-preflight/,
    ],
    [
      "multipart",
      () => ["", post("--x\r\n\r\n--x--", { "content-type": "multipart/form-data; boundary=x" })],
      400,
      /apollo-require-preflight/,
    ],
    [
      "XML with a preflight header",
      () => [
        "",
        post("<query/>", { "content-type": "application/xml", "apollo-require-preflight": "1" }),
      ],
      400,
      /POST body/,
    ],
    [
      "a mutation by GET",
      () => [
        `?query=${encodeURIComponent("mutation { signOut }")}`,
        {
          method: "GET",
          headers: { authorization: `Bearer ${owner.token}`, "apollo-require-preflight": "1" },
        },
      ],
      405,
      /GET requests only support query/,
    ],
    [
      "a GET without a query",
      () => ["", { method: "GET", headers: { "apollo-require-preflight": "1" } }],
      400,
      /query/,
    ],
    [
      "a GET with variables that are not JSON",
      () => [
        `?query=${encodeURIComponent("{ me { id } }")}&variables={nope`,
        { method: "GET", headers: { "apollo-require-preflight": "1" } },
      ],
      400,
      /variables/,
    ],
    ["PUT", () => ["", { method: "PUT", headers: json, body: query }], 405, /GET\/POST/],
    ["DELETE", () => ["", { method: "DELETE", headers: json }], 405, /GET\/POST/],
    [
      "DELETE without a content type",
      () => ["", { method: "DELETE" }],
      400,
      /apollo-require-preflight/,
    ],
    [
      "an Accept header for HTML only",
      () => ["", post(query, { ...json, accept: "text/html" })],
      406,
      /accept/,
    ],
  ];

  it.each(cases)(
    "refuses %s with a clear 4xx JSON error",
    async (_label, make, status, message) => {
      const [search, init] = make();
      const response = await fetch(`${api.url}${search}`, init);
      const text = await response.text();
      bodies.push(text);
      expect(response.status, text).toBe(status);
      expect(response.headers.get("content-type")).toMatch(/json/);
      const body = JSON.parse(text) as { errors: GqlError[] };
      expect(body.errors[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      expect(body.errors[0]?.message).toMatch(message);
      expect(text).not.toMatch(STACK_TRACE);
    },
  );

  it("answers a query by GET with a preflight header (the refusals above are not blanket ones)", async () => {
    const response = await fetch(`${api.url}?query=${encodeURIComponent("{ me { id } }")}`, {
      headers: { authorization: `Bearer ${owner.token}`, "apollo-require-preflight": "1" },
    });
    expect(await response.json()).toEqual({ data: { me: { id: owner.user.id } } });
  });

  it("refuses a body over 1 MB sent without a length (chunked) with 413 and a JSON error", async () => {
    const chunk = new TextEncoder().encode(" ".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode('{"query":"{ me { id } }",'));
        if (sent >= 20) controller.close();
        else controller.enqueue(chunk);
        sent += 1;
      },
    });
    const response = await fetch(api.url, {
      method: "POST",
      headers: { ...json, authorization: `Bearer ${owner.token}` },
      body: stream,
      duplex: "half",
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

  it("answers an unknown path with a JSON 404", async () => {
    const response = await fetch(new URL("/graphq1", api.url));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: "Not found" });
  });
});

describe("a refused write loses nothing", () => {
  it("leaves every row, key version and hint, member, agent, message, token and queued job as it was", async () => {
    const user = await api.signUp();
    const member = await api.signUp();
    const ids = await sessionWithAgent(user);
    const sessionKey = secrets.anthropicKey();
    await api.ok(
      `mutation ($id: ID!, $s: String!) { setSessionKey(sessionId: $id, provider: ANTHROPIC, secret: $s) { id } }`,
      { id: ids.sessionId, s: sessionKey },
      user.token,
    );
    await api.ok(
      `mutation ($id: ID!, $e: String!) { addSessionMember(sessionId: $id, email: $e, role: VIEWER) { id } }`,
      { id: ids.sessionId, e: member.email },
      user.token,
    );
    await api.ok(
      `mutation ($s: String!) { setAccountCredential(provider: OPENAI, kind: API_KEY, secret: $s) { id } }`,
      { s: secrets.openaiKey() },
      user.token,
    );
    await api.ok(
      `mutation ($id: ID!) { setSessionBudget(sessionId: $id, budgetUsd: 5) { id } }`,
      { id: ids.sessionId },
      user.token,
    );
    await api.ok(
      `mutation ($id: ID!) { sendMessage(agentId: $id, text: "the one message") { id } }`,
      { id: ids.agentId },
      user.token,
    );
    const KEYS = `query ($id: ID!) { session(id: $id) { name budgetUsd keys { id provider kind hint version updatedAt } members { userId role } agents { id messages { id } } } }`;
    const keysBefore = await api.ok(KEYS, { id: ids.sessionId }, user.token);
    const tokensBefore = await api.prisma.apiToken.count();
    // Tokens' lastUsedAt moves with every request; everything else must hold still.
    const dump = () =>
      dumpDatabase(api.databaseUrl).then((text) =>
        text
          .replace(/COPY public\."ApiToken"[\s\S]*?\n\\\.\n/, "")
          .replace(/^\\(un)?restrict .*$/gm, ""),
      );
    const databaseBefore = await dump();
    // Rate-limit counters count refused requests too; everything else must hold still.
    const redisDump = () =>
      dumpRedis(api.redis, api.namespace).then((text) =>
        text
          .split("\n")
          .filter((line) => !line.includes(`${api.namespace}rl:`))
          .join("\n"),
      );
    const redisBefore = await redisDump();

    const S = ids.sessionId;
    const refusals: readonly [string, Record<string, unknown>, string?][] = [
      [
        `mutation ($s: String!) { setSessionKey(sessionId: "${S}", provider: ANTHROPIC, secret: $s) { id } }`,
        { s: "not-a-key-at-all" },
      ],
      [
        `mutation ($s: String!) { setSessionKey(sessionId: "${S}", provider: ANTHROPIC, secret: $s) { id } }`,
        { s: secrets.openaiKey() },
      ],
      [
        `mutation ($s: String!) { setSessionKey(sessionId: "${S}", provider: ANTHROPIC, secret: $s) { id } }`,
        { s: `sk-ant-${"k".repeat(16 * 1024)}` },
      ],
      [
        `mutation ($s: String!) { setSessionKey(sessionId: "${S}", provider: GEMINI, secret: $s) { id } }`,
        { s: "AIza short" },
      ],
      [
        `mutation ($s: String!) { setSessionKey(sessionId: "${S}x", provider: ANTHROPIC, secret: $s) { id } }`,
        { s: secrets.anthropicKey() },
      ],
      [
        `mutation ($p: Provider!) { removeSessionKey(sessionId: "${S}", provider: $p) { id } }`,
        { p: "anthropic" },
      ],
      [
        `mutation { removeSessionKey(sessionId: "${S.toUpperCase()}'", provider: ANTHROPIC) { id } }`,
        {},
      ],
      [
        `mutation ($s: String!) { createSession(input: { name: "kept?", providerKey: { provider: GITHUB_COPILOT, secret: $s } }) { id } }`,
        // A classic PAT shape (refused for Copilot), built at run time: nothing key-shaped is committed.
        { s: `ghp_classicTokenNotAccepted${randomInt(1e9, 1e10)}` },
      ],
      [
        `mutation { createSession(input: { name: "kept?", repoUrl: "ftp://example.com/x" }) { id } }`,
        {},
      ],
      [
        `mutation ($n: String!) { createSession(input: { name: $n }) { id } }`,
        { n: "n".repeat(201) },
      ],
      [`mutation { renameSession(id: "${S}", name: "  ") { id } }`, {}],
      [
        `mutation ($n: String!) { renameSession(id: "${S}", name: $n) { id } }`,
        { n: secrets.geminiKey() },
      ],
      [
        `mutation ($s: String!) { setAccountCredential(provider: OPENAI, kind: API_KEY, secret: $s) { id } }`,
        { s: secrets.codexAuthJson() },
      ],
      [
        `mutation ($s: String!) { setAccountCredential(provider: OPENAI, kind: SUBSCRIPTION, secret: $s) { id } }`,
        { s: '{"tokens":{}}' },
      ],
      [
        `mutation ($k: CredentialKind!) { removeAccountCredential(provider: OPENAI, kind: $k) }`,
        { k: "KEY" },
      ],
      [
        `mutation { addSessionMember(sessionId: "${S}", email: "nobody-at-all@test.example", role: EDITOR) { id } }`,
        {},
      ],
      [
        `mutation ($e: String!) { addSessionMember(sessionId: "${S}", email: $e, role: EDITOR) { id } }`,
        { e: user.email },
      ],
      [
        `mutation ($e: String!) { addSessionMember(sessionId: "${S}", email: $e, role: OWNER) { id } }`,
        { e: member.email },
      ],
      [
        `mutation ($u: ID!) { removeSessionMember(sessionId: "${S}", userId: $u) }`,
        { u: user.user.id },
      ],
      [`mutation { removeSessionMember(sessionId: "${S}", userId: "${crypto.randomUUID()}") }`, {}],
      [`mutation { setSessionBudget(sessionId: "${S}", budgetUsd: -5) { id } }`, {}],
      [
        `mutation ($b: Float) { setSessionBudget(sessionId: "${S}", budgetUsd: $b) { id } }`,
        { b: "five" },
      ],
      [
        `mutation { spawnAgent(sessionId: "${S}", kind: CLAUDE_CODE, provider: OPENAI) { id } }`,
        {},
      ],
      [
        `mutation { spawnAgent(sessionId: "${S}", kind: CODEX, model: "claude-sonnet-4-5") { id } }`,
        {},
      ],
      [
        `mutation { spawnAgent(sessionId: "${S}", kind: OPENCODE, provider: GITHUB_COPILOT) { id } }`,
        {},
      ],
      [`mutation { spawnAgent(sessionId: "${S}", kind: CHAT, model: "mystery-model") { id } }`, {}],
      [`mutation { spawnAgent(sessionId: "${S}", kind: CHAT, model: "bad model!") { id } }`, {}],
      [
        `mutation { spawnAgent(sessionId: "${S}", kind: CHAT, provider: GITHUB_COPILOT) { id } }`,
        {},
      ],
      [`mutation { sendMessage(agentId: "${ids.agentId}", text: "") { id } }`, {}],
      [
        `mutation ($t: String!) { sendMessage(agentId: "${ids.agentId}", text: $t) { id } }`,
        { t: "t".repeat(32_001) },
      ],
      [`mutation { sendMessage(agentId: "${S}", text: "to a session id") { id } }`, {}],
      [`mutation { deleteSession(id: "${S}-") }`, {}],
      [`mutation { deleteSession(id: "${crypto.randomUUID()}") }`, {}],
      [
        `mutation ($e: String!) { signUp(email: $e, password: "long enough") { token } }`,
        { e: user.email },
      ],
      [`mutation { signUp(email: "short-pw@test.example", password: "short") { token } }`, {}],
      [`mutation { createApiToken(name: "") { token } }`, {}],
      [`mutation ($n: String!) { createApiToken(name: $n) { token } }`, { n: "x".repeat(201) }],
      [`mutation { revokeApiToken(id: "${crypto.randomUUID()}") }`, {}],
      [`mutation { revokeApiToken(id: "1 OR 1=1") }`, {}],
      [
        `mutation { adminDeleteCredential(id: "'; DELETE FROM \\"Credential\\"; --") }`,
        {},
        "admin",
      ],
      [`mutation { adminDeleteCredential(id: "${crypto.randomUUID()}") }`, {}, "admin"],
      [`mutation { adminDeleteCredential(id: "${crypto.randomUUID()}") }`, {}],
    ];
    for (const [query, variables, as] of refusals) {
      const result = await overHttp(
        { query, variables },
        as === "admin" ? admin.token : user.token,
      );
      expect(result.errors.length, `${query}\n${result.text}`).toBeGreaterThan(0);
      expect(["BAD_USER_INPUT", "NOT_FOUND", "FORBIDDEN"], `${query}\n${result.text}`).toContain(
        result.errors[0]?.extensions?.code,
      );
      expect(Object.values(result.data ?? {}).every((value) => value === null)).toBe(true);
    }

    expect(await api.ok(KEYS, { id: ids.sessionId }, user.token)).toEqual(keysBefore);
    expect(await api.prisma.apiToken.count()).toBe(tokensBefore);
    expect(await dump()).toBe(databaseBefore);
    expect(await redisDump()).toBe(redisBefore);
  });
});

describe("across this file", () => {
  it("never answered INTERNAL, never showed a stack trace, and logged nothing unexpected", () => {
    expect(bodies.length).toBeGreaterThan(300);
    const all = bodies.join("\n");
    expect(all).not.toContain('"INTERNAL"');
    expect(all).not.toContain("Internal server error");
    expect(all).not.toMatch(STACK_TRACE);
    const unexpected = api
      .logs()
      .filter((line) => /"level":50|unexpected/.test(line))
      .map((line) => line.slice(0, 300));
    expect(unexpected).toEqual([]);
  });
});
