import { parseKeyRing, type CredentialKind, type Provider } from "@agentry/core";
// Test-only: opens what the api stored, to prove it is the secret given (the api itself cannot).
import { createVault } from "@agentry/core/secrets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type GqlResponse, type TestApi, type TestUser } from "./harness.js";
import {
  dumpDatabase,
  dumpRedis,
  findPieces,
  plant,
  shapes,
  STACK_TRACE,
  type Planted,
} from "./support/leaks.js";

// Secrets planted through every path that accepts one, and sent where none belongs; then every
// response received, every log line, a dump of the database and the api's Redis keys are
// searched for each secret and for any 12-character piece of it. Zero hits.

let api: TestApi;
let admin: TestUser;
let owner: TestUser;
beforeAll(async () => {
  api = await startTestApi();
  admin = await api.signUpAdmin();
  owner = await api.signUp();
});
afterAll(async () => {
  await api.close();
});

/** Every secret planted, valid or not: none of it may be found anywhere. */
const planted: Planted[] = [];
/** Every response body received, as received. */
const responses: string[] = [];
/** What the credentials must hold: secret text by credential id (the latest version). */
const stored = new Map<string, string>();

const keep = (secret: Planted): string => {
  planted.push(secret);
  return secret.text;
};

async function send<T = Record<string, unknown>>(
  query: string,
  variables?: Record<string, unknown>,
  token?: string,
): Promise<GqlResponse<T>> {
  const response = await api.gql<T>(query, variables, token);
  responses.push(response.text);
  return response;
}

async function sendOk<T = Record<string, unknown>>(
  query: string,
  variables?: Record<string, unknown>,
  token?: string,
): Promise<T> {
  const response = await send<T>(query, variables, token);
  expect(response.errors, response.text).toBeUndefined();
  if (response.data === null || response.data === undefined) throw new Error(response.text);
  return response.data;
}

/** A refusal: the given code (and field), no data, nothing echoed, no stack trace. */
async function refused(
  response: GqlResponse<unknown>,
  code: string,
  secret: string,
  field?: string,
): Promise<void> {
  expect(response.errors?.[0]?.extensions?.code, response.text).toBe(code);
  if (field !== undefined) {
    expect(response.errors?.[0]?.extensions?.details).toMatchObject({ field });
  }
  expect(response.text).not.toContain(secret.slice(4, 16));
  expect(response.text).not.toMatch(STACK_TRACE);
  await Promise.resolve();
}

async function rawFetch(
  path: string,
  init: RequestInit,
): Promise<{ status: number; text: string }> {
  const response = await fetch(new URL(path, api.url), init);
  const text = await response.text();
  responses.push(text);
  return { status: response.status, text };
}

const CREATE_SESSION = `mutation ($i: CreateSessionInput!) { createSession(input: $i) { id name repoUrl keys { id provider kind hint version } } }`;
const SET_SESSION_KEY = `mutation ($id: ID!, $p: Provider!, $s: String!) {
  setSessionKey(sessionId: $id, provider: $p, secret: $s) { id keys { id provider kind hint version } } }`;
const SET_ACCOUNT = `mutation ($p: Provider!, $k: CredentialKind!, $s: String!) {
  setAccountCredential(provider: $p, kind: $k, secret: $s) { id provider kind hint version } }`;

interface KeyInfo {
  id: string;
  provider: Provider;
  kind: CredentialKind;
  hint: string;
  version: number;
}

/** The secret's providers and the kind a session key of it is taken to be. */
const SESSION_KEYS: readonly [Provider, () => Planted, CredentialKind][] = [
  ["ANTHROPIC", shapes.anthropicKey, "API_KEY"],
  ["ANTHROPIC", shapes.anthropicSubscription, "SUBSCRIPTION"],
  ["OPENAI", shapes.openaiKey, "API_KEY"],
  ["OPENAI", shapes.codexAuthJson, "SUBSCRIPTION"],
  ["GEMINI", shapes.geminiKey, "API_KEY"],
  ["GITHUB_COPILOT", shapes.githubOAuthToken, "SUBSCRIPTION"],
];

/** Every (provider, kind) that takes a secret, with each accepted shape. */
const ACCOUNT_CREDENTIALS: readonly [Provider, CredentialKind, () => Planted][] = [
  ["ANTHROPIC", "API_KEY", shapes.anthropicKey],
  ["ANTHROPIC", "SUBSCRIPTION", shapes.anthropicSubscription],
  ["OPENAI", "API_KEY", shapes.openaiKey],
  ["OPENAI", "SUBSCRIPTION", shapes.codexAuthJson],
  ["GEMINI", "API_KEY", shapes.geminiKey],
  ["GITHUB_COPILOT", "SUBSCRIPTION", shapes.githubOAuthToken],
  ["GITHUB_COPILOT", "SUBSCRIPTION", shapes.githubUserToken],
  ["GITHUB_COPILOT", "SUBSCRIPTION", shapes.githubFineGrained],
];

/** The hint a secret of this provider and kind gets: the end of the token, never the JSON. */
const hintOf = (provider: Provider, kind: CredentialKind, secret: string): string => {
  const value =
    provider === "OPENAI" && kind === "SUBSCRIPTION"
      ? (JSON.parse(secret) as { tokens: { access_token: string } }).tokens.access_token
      : secret.trim();
  return value.slice(-Math.min(4, Math.floor(value.length / 4)));
};

describe("planting secrets through every path that accepts one", () => {
  it.each(SESSION_KEYS)(
    "createSession stores a %s providerKey sealed, answering with metadata only",
    async (provider, shape, kind) => {
      const secret = keep(shape());
      const { createSession } = await sendOk<{ createSession: { keys: KeyInfo[] } }>(
        CREATE_SESSION,
        { i: { name: "planted", providerKey: { provider, secret } } },
        owner.token,
      );
      expect(createSession.keys).toEqual([
        expect.objectContaining({ provider, kind, hint: hintOf(provider, kind, secret) }),
      ]);
      stored.set(createSession.keys[0]?.id ?? "", secret);
    },
  );

  it.each(SESSION_KEYS)(
    "setSessionKey stores a %s key, and replacing it leaves nothing of the old one",
    async (provider, shape, kind) => {
      const { createSession } = await sendOk<{ createSession: { id: string } }>(
        CREATE_SESSION,
        { i: { name: "keys" } },
        owner.token,
      );
      let key: KeyInfo | undefined;
      for (const version of [1, 2]) {
        const secret = keep(shape());
        const { setSessionKey } = await sendOk<{ setSessionKey: { keys: KeyInfo[] } }>(
          SET_SESSION_KEY,
          { id: createSession.id, p: provider, s: secret },
          owner.token,
        );
        key = setSessionKey.keys[0];
        expect(key).toMatchObject({
          provider,
          kind,
          version,
          hint: hintOf(provider, kind, secret),
        });
        stored.set(key?.id ?? "", secret);
      }
    },
  );

  it.each(ACCOUNT_CREDENTIALS)(
    "setAccountCredential stores a %s %s, and replacing it leaves nothing of the old one",
    async (provider, kind, shape) => {
      const user = await api.signUp();
      for (const version of [1, 2]) {
        const secret = keep(shape());
        const { setAccountCredential } = await sendOk<{ setAccountCredential: KeyInfo }>(
          SET_ACCOUNT,
          { p: provider, k: kind, s: secret },
          user.token,
        );
        expect(setAccountCredential).toMatchObject({
          provider,
          kind,
          version,
          hint: hintOf(provider, kind, secret),
        });
        stored.set(setAccountCredential.id, secret);
      }
    },
  );

  it("stores a secret sent over graphql-ws, trimmed of the whitespace around it", async () => {
    const secret = keep(shapes.anthropicSubscription());
    const socket = api.ws(owner.token);
    const result = await socket
      .subscribe<{ setAccountCredential: KeyInfo }>(SET_ACCOUNT, {
        p: "ANTHROPIC",
        k: "SUBSCRIPTION",
        s: `  ${secret}\n`,
      })
      .next();
    responses.push(JSON.stringify(result));
    await socket.dispose();
    expect(result.errors).toBeUndefined();
    const id = result.data?.setAccountCredential.id ?? "";
    stored.set(id, secret);
  });

  it("stores the shortest secrets with a hint of at most a quarter of them", async () => {
    const secret = keep(plant("short Anthropic key", "sk-ant-", { random: 8 }));
    const user = await api.signUp();
    const { setAccountCredential } = await sendOk<{ setAccountCredential: KeyInfo }>(
      SET_ACCOUNT,
      { p: "ANTHROPIC", k: "API_KEY", s: secret },
      user.token,
    );
    expect(setAccountCredential.hint).toBe(secret.slice(-3));
    stored.set(setAccountCredential.id, secret);
  });

  it("keeps a password that looks like a key only as a hash", async () => {
    const secret = keep(shapes.openaiKey());
    const email = `pw-${Date.now()}@test.example`;
    for (const operation of ["signUp", "signIn"]) {
      await sendOk(
        `mutation ($e: String!, $p: String!) { ${operation}(email: $e, password: $p) { token user { id email } } }`,
        { e: email, p: secret },
      );
    }
  });
});

describe("secrets sent where none belongs are refused, never echoed", () => {
  let sessionId = "";
  beforeAll(async () => {
    const { createSession } = await sendOk<{ createSession: { id: string } }>(
      CREATE_SESSION,
      { i: { name: "wrong places" } },
      owner.token,
    );
    sessionId = createSession.id;
  });

  it.each([
    [
      "an Anthropic subscription token as an API key",
      "ANTHROPIC",
      "API_KEY",
      shapes.anthropicSubscription,
    ],
    ["an Anthropic API key as a subscription", "ANTHROPIC", "SUBSCRIPTION", shapes.anthropicKey],
    ["a Codex auth.json as an OpenAI API key", "OPENAI", "API_KEY", shapes.codexAuthJson],
    ["an OpenAI API key as a Codex subscription", "OPENAI", "SUBSCRIPTION", shapes.openaiKey],
    ["a Gemini key as a subscription", "GEMINI", "SUBSCRIPTION", shapes.geminiKey],
    ["a GitHub token as a Copilot API key", "GITHUB_COPILOT", "API_KEY", shapes.githubOAuthToken],
    ["an Anthropic key as a GitHub token", "GITHUB_COPILOT", "SUBSCRIPTION", shapes.anthropicKey],
    ["an OpenAI key as an Anthropic key", "ANTHROPIC", "API_KEY", shapes.openaiKey],
  ] as const)("setAccountCredential refuses %s", async (_label, provider, kind, shape) => {
    const secret = keep(shape());
    const response = await send(SET_ACCOUNT, { p: provider, k: kind, s: secret }, owner.token);
    await refused(response, "BAD_USER_INPUT", secret, "secret");
  });

  it.each([
    [
      "a Codex auth.json without its refresh token",
      () => plant("partial auth.json", '{"tokens":{"access_token":"eyJ', { random: 90 }, '"}}'),
    ],
    [
      "a Codex auth.json cut short",
      () => plant("truncated auth.json", '{"tokens":{"access_token":"eyJ', { random: 90 }),
    ],
    [
      "an auth.json whose token is a number",
      () =>
        plant(
          "numeric auth.json",
          '{"tokens":{"access_token":',
          { random: 40, alphabet: "alnum" },
          ',"refresh_token":1}}',
        ),
    ],
  ])("setAccountCredential refuses %s without quoting it", async (_label, shape) => {
    const secret = keep(shape());
    const response = await send(
      SET_ACCOUNT,
      { p: "OPENAI", k: "SUBSCRIPTION", s: secret },
      owner.token,
    );
    await refused(response, "BAD_USER_INPUT", secret, "secret");
  });

  it.each([
    ["an OpenAI key for Anthropic", "ANTHROPIC", shapes.openaiKey],
    [
      "an Anthropic key for Gemini, with a line break inside",
      "GEMINI",
      () => plant("broken Gemini key", "AIza", { random: 20 }, "\n", { random: 20 }),
    ],
    ["an Anthropic key for Copilot", "GITHUB_COPILOT", shapes.anthropicKey],
    [
      "a key over 16 KiB with a real one inside",
      "OPENAI",
      () => plant("oversized key", "sk-", { random: 40 }, "x".repeat(17 * 1024)),
    ],
  ] as const)("setSessionKey refuses %s", async (_label, provider, shape) => {
    const secret = keep(shape());
    const response = await send(
      SET_SESSION_KEY,
      { id: sessionId, p: provider, s: secret },
      owner.token,
    );
    await refused(response, "BAD_USER_INPUT", secret, "secret");
  });

  it("createSession refuses a bad providerKey and creates nothing", async () => {
    const secret = keep(shapes.geminiKey());
    const before = await api.prisma.session.count({ where: { ownerId: owner.user.id } });
    const response = await send(
      CREATE_SESSION,
      { i: { name: "bad key", providerKey: { provider: "ANTHROPIC", secret } } },
      owner.token,
    );
    await refused(response, "BAD_USER_INPUT", secret, "secret");
    expect(await api.prisma.session.count({ where: { ownerId: owner.user.id } })).toBe(before);
  });

  it.each([
    ["as a session name", shapes.anthropicKey, (s: string) => ({ name: s })],
    [
      "inside a session name",
      shapes.openaiKey,
      (s: string) => ({ name: `my key is ${s}, keep it safe` }),
    ],
    ["as a session name over 200 characters", shapes.codexAuthJson, (s: string) => ({ name: s })],
    ["as a session name, a GitHub token", shapes.githubFineGrained, (s: string) => ({ name: s })],
    [
      "in a repository URL's password",
      shapes.githubOAuthToken,
      (s: string) => ({
        name: "r",
        repoUrl: `https://x-access-token:${s}@github.com/acme/app.git`,
      }),
    ],
    [
      "in a repository URL's user name",
      shapes.githubOAuthToken,
      (s: string) => ({ name: "r", repoUrl: `https://${s}@github.com/acme/app.git` }),
    ],
    [
      "in a repository URL's query",
      shapes.geminiKey,
      (s: string) => ({ name: "r", repoUrl: `https://git.example/acme/app.git?key=${s}` }),
    ],
    ["as an unknown input field", shapes.anthropicKey, (s: string) => ({ name: "x", apiKey: s })],
    [
      "as a providerKey's provider",
      shapes.anthropicKey,
      (s: string) => ({ name: "x", providerKey: { provider: s, secret: "x" } }),
    ],
  ] as const)("createSession refuses a secret %s", async (_label, shape, input) => {
    const secret = keep(shape());
    const response = await send(CREATE_SESSION, { i: input(secret) }, owner.token);
    await refused(response, "BAD_USER_INPUT", secret);
  });

  it("does not mistake ordinary names, models and repository URLs for secrets", async () => {
    for (const name of [
      "task-runner-for-the-big-project-2026",
      "Risk-Assessment-2026-Q1-Review-Final",
      "sk-learning notes",
      "AIza migration",
      "ghp_ tokens rotation (see wiki)",
      "eyJ decoding bug 4711",
    ]) {
      const { createSession } = await sendOk<{ createSession: { id: string; name: string } }>(
        CREATE_SESSION,
        { i: { name } },
        owner.token,
      );
      expect(createSession.name).toBe(name);
    }
    for (const repoUrl of [
      "https://dev.azure.com/org/project/_git/repo",
      "https://github.com/acme/app.git",
    ]) {
      await sendOk(CREATE_SESSION, { i: { name: "repo", repoUrl } }, owner.token);
    }
    const { createSession } = await sendOk<{ createSession: { id: string } }>(
      CREATE_SESSION,
      { i: { name: "models" } },
      owner.token,
    );
    for (const model of ["claude-sonnet-4-5", "gpt-5", "gemini-2.5-flash", "o3-mini"]) {
      await sendOk(
        `mutation ($id: ID!, $m: String) { spawnAgent(sessionId: $id, kind: CHAT, model: $m) { id } }`,
        { id: createSession.id, m: model },
        owner.token,
      );
    }
  });

  it("renameSession refuses a secret as the new name", async () => {
    const secret = keep(shapes.anthropicSubscription());
    const response = await send(
      `mutation ($id: ID!, $n: String!) { renameSession(id: $id, name: $n) { id name } }`,
      { id: sessionId, n: secret },
      owner.token,
    );
    await refused(response, "BAD_USER_INPUT", secret, "name");
  });

  it("createApiToken refuses a secret as the token's name", async () => {
    const secret = keep(shapes.openaiKey());
    const response = await send(
      `mutation ($n: String!) { createApiToken(name: $n) { apiToken { id name } } }`,
      { n: secret },
      owner.token,
    );
    await refused(response, "BAD_USER_INPUT", secret, "name");
  });

  it.each([
    ["a key as the model", shapes.anthropicKey, (s: string) => s],
    ["a key inside the model", shapes.openaiKey, (s: string) => `gpt-5:${s}`],
    ["a key with a space as the model", shapes.openaiKey, (s: string) => `${s} please`],
    ["a Gemini key as the model", shapes.geminiKey, (s: string) => s],
    ["a GitHub token as the model", shapes.githubOAuthToken, (s: string) => s],
    [
      "a short OpenAI key as the model",
      () => plant("short OpenAI key", "sk-proj-", { random: 48 }),
      (s: string) => s,
    ],
  ])("spawnAgent refuses %s", async (_label, shape, model) => {
    const secret = keep(shape());
    const response = await send(
      `mutation ($id: ID!, $m: String) { spawnAgent(sessionId: $id, kind: CHAT, provider: OPENAI, model: $m) { id model } }`,
      { id: sessionId, m: model(secret) },
      owner.token,
    );
    await refused(response, "BAD_USER_INPUT", secret, "model");
    expect(await api.prisma.agent.count({ where: { sessionId } })).toBe(0);
  });

  it.each([
    [
      "as a sign-up email",
      `mutation ($s: String!) { signUp(email: $s, password: "long enough") { token } }`,
      "BAD_USER_INPUT",
    ],
    [
      "as a sign-in email",
      `mutation ($s: String!) { signIn(email: $s, password: "long enough") { token } }`,
      "UNAUTHENTICATED",
    ],
    [
      "inside a password over 1024 characters",
      `mutation ($s: String!) { signUp(email: "long-pw@test.example", password: $s) { token } }`,
      "BAD_USER_INPUT",
    ],
    [
      "as a wrong password",
      `mutation ($s: String!) { signIn(email: "nobody@test.example", password: $s) { token } }`,
      "UNAUTHENTICATED",
    ],
  ] as const)("auth refuses a secret %s", async (label, query, code) => {
    const secret = keep(shapes.codexAuthJson());
    const value = label.includes("1024") ? `${secret}${"x".repeat(1024)}` : secret;
    await refused(await send(query, { s: value }), code, secret);
  });

  it.each([
    ["as a session id", `query ($s: ID!) { session(id: $s) { id } }`, shapes.anthropicKey],
    [
      "as an agent id",
      `mutation ($s: ID!) { sendMessage(agentId: $s, text: "hi") { id } }`,
      shapes.openaiKey,
    ],
    ["as a credential id", `mutation ($s: ID!) { revokeApiToken(id: $s) }`, shapes.githubUserToken],
    [
      "as a page cursor",
      `query ($s: String) { sessions(after: $s) { totalCount } }`,
      shapes.anthropicKey,
    ],
    [
      "as a page size",
      `query ($s: Int) { sessions(first: $s) { totalCount } }`,
      shapes.anthropicKey,
    ],
    [
      "as a budget",
      `mutation ($s: Float) { setSessionBudget(sessionId: "${crypto.randomUUID()}", budgetUsd: $s) { id } }`,
      shapes.openaiKey,
    ],
    [
      "as a provider",
      `mutation ($s: Provider!) { removeAccountCredential(provider: $s, kind: API_KEY) }`,
      shapes.githubUserToken,
    ],
    [
      "as an agent kind",
      `query ($s: AgentKind) { sessions { edges { node { keySource(provider: OPENAI, agentKind: $s) } } } }`,
      shapes.githubUserToken,
    ],
    [
      "as a member's email",
      `mutation ($s: String!) { addSessionMember(sessionId: "${crypto.randomUUID()}", email: $s, role: EDITOR) { id } }`,
      shapes.anthropicKey,
    ],
    [
      "as an object where a string belongs",
      `mutation ($s: String!) { createApiToken(name: $s) { token } }`,
      shapes.anthropicKey,
    ],
  ] as const)("refuses a secret %s", async (label, query, shape) => {
    const secret = keep(shape());
    const value = label.includes("object") ? { secret } : secret;
    const response = await send(query, { s: value }, owner.token);
    expect(["BAD_USER_INPUT", "NOT_FOUND"]).toContain(response.errors?.[0]?.extensions?.code);
    await refused(response, response.errors?.[0]?.extensions?.code ?? "none", secret);
  });

  it.each([
    [
      "an unquoted argument",
      (s: string) =>
        `mutation { setAccountCredential(provider: ANTHROPIC, kind: API_KEY, secret: ${s}) { id } }`,
      shapes.anthropicKey,
    ],
    [
      "an unterminated string",
      (s: string) =>
        `mutation { setAccountCredential(provider: ANTHROPIC, kind: API_KEY, secret: "${s}) { id } }`,
      shapes.anthropicKey,
    ],
    [
      "an enum literal",
      (s: string) => `mutation { removeAccountCredential(provider: ${s}, kind: API_KEY) }`,
      shapes.githubUserToken,
    ],
    [
      "an unknown argument",
      (s: string) =>
        `mutation { removeAccountCredential(provider: OPENAI, kind: API_KEY, secret: "${s}") }`,
      shapes.openaiKey,
    ],
    [
      "an unknown input field",
      (s: string) => `mutation { createSession(input: { name: "x", key: "${s}" }) { id } }`,
      shapes.openaiKey,
    ],
    [
      "a string where an Int belongs",
      (s: string) => `{ sessions(first: "${s}") { totalCount } }`,
      shapes.anthropicKey,
    ],
    [
      "a block string where an enum belongs",
      (s: string) => `mutation { removeAccountCredential(provider: """${s}""", kind: API_KEY) }`,
      shapes.anthropicKey,
    ],
  ])("refuses a document with a secret in %s", async (_label, document, shape) => {
    const secret = keep(shape());
    await refused(await send(document(secret), undefined, owner.token), "BAD_USER_INPUT", secret);
  });

  it("refuses a secret as a bearer token, over HTTP and graphql-ws", async () => {
    const secret = keep(shapes.anthropicKey());
    await refused(await send(`{ me { id } }`, undefined, secret), "UNAUTHENTICATED", secret);
    const socket = api.ws(secret);
    expect((await socket.closed).code).toBe(4403);
    await socket.dispose();
  });

  it("refuses a secret as the operation's name, over HTTP and graphql-ws", async () => {
    const secret = keep(shapes.githubUserToken());
    const http = await rawFetch(api.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${owner.token}` },
      body: JSON.stringify({ query: `query Mine { me { id } }`, operationName: secret }),
    });
    expect(http.status).toBe(400);
    expect(http.text).not.toContain(secret.slice(4, 16));
    const socket = api.ws(owner.token);
    const result = await new Promise<string>((resolve) => {
      socket.client.subscribe(
        { query: `query Mine { me { id } }`, operationName: secret },
        {
          next: (value) => {
            resolve(JSON.stringify(value));
          },
          error: (error: unknown) => {
            resolve(JSON.stringify(error));
          },
          complete: () => {
            resolve("");
          },
        },
      );
    });
    responses.push(result);
    expect(result).toContain("BAD_USER_INPUT");
    expect(result).not.toContain(secret.slice(4, 16));
    await socket.dispose();
  });

  it("refuses malformed, mistyped and misdirected bodies without quoting them", async () => {
    const headers = { authorization: `Bearer ${owner.token}` };
    const mutation = (s: string) =>
      `mutation { setAccountCredential(provider: ANTHROPIC, kind: API_KEY, secret: "${s}") { id } }`;
    const cases: [string, RequestInit & { path?: string }][] = [];
    const add = (label: string, make: (s: string) => RequestInit & { path?: string }) => {
      const secret = keep(shapes.anthropicKey());
      cases.push([secret, make(secret)]);
      return label;
    };
    add("cut-off JSON", (s) => ({
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ query: mutation(s) }).slice(0, -3),
    }));
    add("text/plain", (s) => ({
      method: "POST",
      headers: { ...headers, "content-type": "text/plain" },
      body: JSON.stringify({ query: mutation(s) }),
    }));
    add("a form", (s) => ({
      method: "POST",
      headers: { ...headers, "content-type": "application/x-www-form-urlencoded" },
      body: `query=${encodeURIComponent(mutation(s))}`,
    }));
    add("a mutation by GET", (s) => ({
      method: "GET",
      headers: { ...headers, "apollo-require-preflight": "1" },
      path: `?query=${encodeURIComponent(mutation(s))}`,
    }));
    add("a batch", (s) => ({
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify([{ query: mutation(s) }, { query: "{ me { id } }" }]),
    }));
    add("variables as a JSON string", (s) => ({
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ query: "{ me { id } }", variables: JSON.stringify({ s }) }),
    }));
    add("a body over 1 MB", (s) => ({
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ query: mutation(s), variables: { pad: "p".repeat(1024 * 1024) } }),
    }));
    add("a header nobody reads", (s) => ({
      method: "POST",
      headers: { ...headers, "content-type": "application/json", "x-api-key": s },
      body: JSON.stringify({ query: "{ me { id } }", extensions: { key: s } }),
    }));
    add("a path that does not exist", (s) => ({ method: "GET", path: `/keys/${s}?key=${s}` }));
    for (const [secret, { path, ...init }] of cases) {
      const url = path === undefined ? api.url : path.startsWith("?") ? `${api.url}${path}` : path;
      const { status, text } = await rawFetch(url, init);
      expect(status, text).toBeGreaterThanOrEqual(200);
      expect(text).not.toContain(secret.slice(4, 16));
      expect(text).not.toMatch(STACK_TRACE);
      expect(text).not.toContain("INTERNAL");
    }
  });

  it("drops a graphql-ws message over 1 MB with the connection", async () => {
    const secret = keep(shapes.openaiKey());
    const socket = api.ws(owner.token);
    socket.subscribe(SET_ACCOUNT, {
      p: "OPENAI",
      k: "API_KEY",
      s: `${secret}${"x".repeat(1024 * 1024)}`,
    });
    expect((await socket.closed).code).toBe(1009);
    await socket.dispose();
  });

  it("lets an admin filter the audit trail by a secret without storing or returning it", async () => {
    const secret = keep(shapes.anthropicKey());
    const { auditEvents } = await sendOk<{ auditEvents: { totalCount: number } }>(
      `query ($a: String) { auditEvents(filter: { action: $a }) { totalCount } }`,
      { a: secret.slice(0, 100) },
      admin.token,
    );
    expect(auditEvents.totalCount).toBe(0);
  });
});

describe("afterwards", () => {
  it("holds each secret only as AES-GCM ciphertext that opens to it under its own identity", async () => {
    const vault = createVault(parseKeyRing(api.encryptionKey));
    const rows = await api.prisma.credential.findMany();
    expect(rows.map((row) => row.id).sort()).toEqual([...stored.keys()].sort());
    const nonces = new Set<string>();
    for (const row of rows) {
      const secret = stored.get(row.id) ?? "";
      const plaintext = Buffer.from(secret, "utf8");
      const ciphertext = Buffer.from(row.ciphertext);
      expect(ciphertext.length).toBe(plaintext.length + 16);
      expect(ciphertext.includes(plaintext.subarray(0, 12))).toBe(false);
      expect(ciphertext.toString("latin1")).not.toContain(secret.slice(0, 12));
      nonces.add(Buffer.from(row.nonce).toString("hex"));
      const owner =
        row.sessionId === null
          ? { type: "user" as const, id: row.userId ?? "" }
          : { type: "session" as const, id: row.sessionId };
      const sealed = {
        ciphertext,
        nonce: Buffer.from(row.nonce),
        keyVersion: row.keyVersion,
      };
      expect(
        vault.open({ id: row.id, owner, provider: row.provider, kind: row.kind }, sealed),
      ).toBe(secret);
      // Under another row's identity it does not open at all.
      expect(() =>
        vault.open(
          { id: crypto.randomUUID(), owner, provider: row.provider, kind: row.kind },
          sealed,
        ),
      ).toThrow();
    }
    expect(nonces.size).toBe(rows.length);
  });

  it("shows admins metadata only: users, userCredentials and auditEvents, hints of at most 4 characters and a quarter of the secret", async () => {
    const users = await sendOk<{
      users: { totalCount: number; edges: { node: Record<string, unknown> }[] };
    }>(
      `{ users(first: 50) { totalCount edges { node { id email role createdAt } } } }`,
      undefined,
      admin.token,
    );
    expect(users.users.totalCount).toBeLessThanOrEqual(50);
    const ids = users.users.edges.map((edge) => edge.node["id"] as string);
    let credentialsSeen = 0;
    for (const id of ids) {
      const { userCredentials } = await sendOk<{ userCredentials: KeyInfo[] }>(
        `query ($id: ID!) { userCredentials(userId: $id) { id provider kind hint version createdAt updatedAt lastUsedAt expiresAt } }`,
        { id },
        admin.token,
      );
      for (const credential of userCredentials) {
        const secret = stored.get(credential.id) ?? "";
        expect(credential.hint).toBe(hintOf(credential.provider, credential.kind, secret));
        expect(credential.hint.length).toBeLessThanOrEqual(Math.min(4, secret.length / 4));
        credentialsSeen += 1;
      }
    }
    expect(credentialsSeen).toBeGreaterThanOrEqual(ACCOUNT_CREDENTIALS.length + 2);

    // Every credential, session keys included, through adminCredentials: metadata only.
    let listed = 0;
    for (let after: string | null = null; ;) {
      const page: {
        adminCredentials: {
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
          edges: { node: { credential: KeyInfo } }[];
        };
      } = await sendOk(
        `query ($after: String) { adminCredentials(first: 50, after: $after) {
          pageInfo { hasNextPage endCursor }
          edges { node { ownerId ownerEmail sessionId sessionName credential { id provider kind hint version createdAt updatedAt lastUsedAt expiresAt } } } } }`,
        { after },
        admin.token,
      );
      for (const { node } of page.adminCredentials.edges) {
        const secret = stored.get(node.credential.id) ?? "";
        expect(node.credential.hint).toBe(
          hintOf(node.credential.provider, node.credential.kind, secret),
        );
        listed += 1;
      }
      if (!page.adminCredentials.pageInfo.hasNextPage) break;
      after = page.adminCredentials.pageInfo.endCursor;
    }
    expect(listed).toBeGreaterThan(credentialsSeen);

    const METADATA = [
      "sessionId",
      "userId",
      "provider",
      "kind",
      "hint",
      "version",
      "role",
      "name",
      "personal",
    ];
    let after: string | null = null;
    let events = 0;
    for (;;) {
      const page: {
        auditEvents: {
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
          edges: { node: { details: Record<string, unknown> } }[];
        };
      } = await sendOk(
        `query ($after: String) { auditEvents(first: 50, after: $after) {
          pageInfo { hasNextPage endCursor } edges { node { action targetType targetId actorId actorEmail details createdAt } } } }`,
        { after },
        admin.token,
      );
      for (const { node } of page.auditEvents.edges) {
        expect(Object.keys(node.details).filter((key) => !METADATA.includes(key))).toEqual([]);
        const hint = node.details["hint"];
        if (hint !== undefined) {
          expect(typeof hint).toBe("string");
          expect((hint as string).length).toBeLessThanOrEqual(4);
        }
        events += 1;
      }
      if (!page.auditEvents.pageInfo.hasNextPage) break;
      after = page.auditEvents.pageInfo.endCursor;
    }
    expect(events).toBeGreaterThanOrEqual(stored.size);
  });

  it("finds a planted piece when it is there (the search below can fail)", () => {
    const secret = shapes.codexAuthJson();
    const piece = secret.pieces[10] ?? "";
    const escaped = JSON.stringify(JSON.stringify(secret.text));
    expect(findPieces([secret], { plain: `…${piece}…` })).toHaveLength(1);
    expect(findPieces([secret], { logged: escaped }).length).toBeGreaterThan(10);
    expect(
      findPieces([secret], { bytea: `\\\\x${Buffer.from(secret.text).toString("hex")}` }).length,
    ).toBeGreaterThan(10);
    expect(findPieces([secret], { public: '{"tokens":{"access_token":"eyJ' })).toEqual([]);
  });

  it("has no piece of any secret in any response, log line, database row or Redis key", async () => {
    expect(planted.length).toBeGreaterThanOrEqual(60);
    const logs = api.logs().join("\n");
    const database = await dumpDatabase(api.databaseUrl);
    const audit = JSON.stringify(await api.prisma.auditEvent.findMany());
    const redis = await dumpRedis(api.redis, api.namespace);
    // The dumps hold what they should: the search looks at real data.
    expect(database).toContain(owner.email);
    expect(database).toContain("account_credential.set");
    expect(logs).toContain("operation failed");
    expect(redis).toContain("agentry");

    const hits = findPieces(planted, {
      responses: responses.join("\n"),
      logs,
      database,
      audit,
      redis,
    });
    expect(hits).toEqual([]);
    expect(responses.join("\n")).not.toMatch(STACK_TRACE);
    expect(logs).not.toContain(owner.token);
  });
});
