import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { secrets } from "./fixtures.js";
import { startTestApi, type TestApi, type TestUser } from "./harness.js";

let api: TestApi;
const systemAnthropicKey = secrets.anthropicKey();
beforeAll(async () => {
  api = await startTestApi({
    env: { ANTHROPIC_API_KEY: systemAnthropicKey, ALLOW_SYSTEM_KEYS: "true" },
  });
});
afterAll(async () => {
  await api.close();
});

interface KeyShape {
  id: string;
  provider: string;
  kind: string;
  hint: string;
  version: number;
}

const SET_KEY = `mutation ($id: ID!, $p: Provider!, $s: String!) {
  setSessionKey(sessionId: $id, provider: $p, secret: $s) { keys { id provider kind hint version } }
}`;
const REMOVE_KEY = `mutation ($id: ID!, $p: Provider!) { removeSessionKey(sessionId: $id, provider: $p) { keys { id provider } } }`;
const SET_ACCOUNT = `mutation ($p: Provider!, $k: CredentialKind!, $s: String!) {
  setAccountCredential(provider: $p, kind: $k, secret: $s) { id provider kind hint version }
}`;
const REMOVE_ACCOUNT = `mutation ($p: Provider!, $k: CredentialKind!) { removeAccountCredential(provider: $p, kind: $k) }`;
const KEY_SOURCE = `query ($id: ID!, $p: Provider!, $a: AgentKind) { session(id: $id) { keySource(provider: $p, agentKind: $a) } }`;

async function newSession(owner: TestUser, target: TestApi = api): Promise<string> {
  const data = await target.ok<{ createSession: { id: string } }>(
    `mutation { createSession(input: { name: "keys" }) { id } }`,
    undefined,
    owner.token,
  );
  return data.createSession.id;
}

async function keySource(
  user: TestUser,
  sessionId: string,
  provider: string,
  agentKind?: string,
  target: TestApi = api,
) {
  const data = await target.ok<{ session: { keySource: string | null } }>(
    KEY_SOURCE,
    { id: sessionId, p: provider, ...(agentKind === undefined ? {} : { a: agentKind }) },
    user.token,
  );
  return data.session.keySource;
}

describe("session keys", () => {
  it("sets a key, inferring its kind, and replaces it in place (one per provider, version bumped)", async () => {
    const owner = await api.signUp();
    const id = await newSession(owner);
    const first = secrets.anthropicKey();
    const set = await api.ok<{ setSessionKey: { keys: KeyShape[] } }>(
      SET_KEY,
      { id, p: "ANTHROPIC", s: first },
      owner.token,
    );
    expect(set.setSessionKey.keys).toEqual([
      {
        id: expect.any(String) as string,
        provider: "ANTHROPIC",
        kind: "API_KEY",
        hint: first.slice(-4),
        version: 1,
      },
    ]);

    const second = secrets.anthropicSubscription();
    const replaced = await api.gql<{ setSessionKey: { keys: KeyShape[] } }>(
      SET_KEY,
      { id, p: "ANTHROPIC", s: second },
      owner.token,
    );
    expect(replaced.text).not.toContain(second);
    expect(replaced.data?.setSessionKey.keys).toEqual([
      {
        id: set.setSessionKey.keys[0]?.id,
        provider: "ANTHROPIC",
        kind: "SUBSCRIPTION",
        hint: second.slice(-4),
        version: 2,
      },
    ]);
    expect(await api.prisma.credential.count({ where: { sessionId: id } })).toBe(1);
  });

  it("keeps keys of different providers side by side and removes one", async () => {
    const owner = await api.signUp();
    const id = await newSession(owner);
    await api.ok(SET_KEY, { id, p: "OPENAI", s: secrets.openaiKey() }, owner.token);
    await api.ok(SET_KEY, { id, p: "GITHUB_COPILOT", s: secrets.copilotToken() }, owner.token);
    const removed = await api.ok<{ removeSessionKey: { keys: { provider: string }[] } }>(
      REMOVE_KEY,
      { id, p: "OPENAI" },
      owner.token,
    );
    expect(removed.removeSessionKey.keys.map((key) => key.provider)).toEqual(["GITHUB_COPILOT"]);
  });

  it("refuses a secret in the wrong format or over 16 KiB, without echoing it", async () => {
    const owner = await api.signUp();
    const id = await newSession(owner);
    const wrong = `gho_${"x".repeat(30)}`;
    const error = await api.fail(SET_KEY, { id, p: "ANTHROPIC", s: wrong }, owner.token);
    expect(error.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      details: { field: "secret" },
    });
    expect(error.response.text).not.toContain(wrong);
    const huge = await api.fail(
      SET_KEY,
      { id, p: "OPENAI", s: `sk-${"a".repeat(16 * 1024)}` },
      owner.token,
    );
    expect(huge.extensions).toEqual({ code: "BAD_USER_INPUT", details: { field: "secret" } });
  });

  it("audits set, replace and remove with provider, kind and hint, never the secret", async () => {
    const owner = await api.signUp();
    const id = await newSession(owner);
    const [a, b] = [secrets.openaiKey(), secrets.openaiKey()];
    await api.ok(SET_KEY, { id, p: "OPENAI", s: a }, owner.token);
    await api.ok(SET_KEY, { id, p: "OPENAI", s: b }, owner.token);
    await api.ok(REMOVE_KEY, { id, p: "OPENAI" }, owner.token);
    const events = await api.prisma.auditEvent.findMany({
      where: { actorId: owner.user.id, targetType: "credential" },
      orderBy: { createdAt: "asc" },
    });
    expect(events.map((event) => event.action)).toEqual([
      "session_key.set",
      "session_key.replace",
      "session_key.remove",
    ]);
    expect(events[1]?.details).toEqual({
      sessionId: id,
      provider: "OPENAI",
      kind: "API_KEY",
      hint: b.slice(-4),
      version: 2,
    });
    const text = JSON.stringify(events);
    expect(text).not.toContain(a.slice(3, -4));
    expect(text).not.toContain(b.slice(3, -4));
  });
});

describe("account credentials", () => {
  it("keeps one credential per (provider, kind), replaces and removes it", async () => {
    const user = await api.signUp();
    const apiKey = secrets.anthropicKey();
    const subscription = secrets.anthropicSubscription();
    const a = await api.ok<{ setAccountCredential: KeyShape }>(
      SET_ACCOUNT,
      { p: "ANTHROPIC", k: "API_KEY", s: apiKey },
      user.token,
    );
    await api.ok(SET_ACCOUNT, { p: "ANTHROPIC", k: "SUBSCRIPTION", s: subscription }, user.token);
    const replaced = await api.ok<{ setAccountCredential: KeyShape }>(
      SET_ACCOUNT,
      { p: "ANTHROPIC", k: "API_KEY", s: secrets.anthropicKey() },
      user.token,
    );
    expect(replaced.setAccountCredential).toMatchObject({
      id: a.setAccountCredential.id,
      version: 2,
    });

    const listed = await api.ok<{ accountCredentials: KeyShape[] }>(
      `{ accountCredentials { id provider kind hint version } }`,
      undefined,
      user.token,
    );
    expect(listed.accountCredentials.map((c) => [c.provider, c.kind])).toEqual([
      ["ANTHROPIC", "API_KEY"],
      ["ANTHROPIC", "SUBSCRIPTION"],
    ]);

    expect(await api.ok(REMOVE_ACCOUNT, { p: "ANTHROPIC", k: "SUBSCRIPTION" }, user.token)).toEqual(
      { removeAccountCredential: true },
    );
    expect(await api.ok(REMOVE_ACCOUNT, { p: "ANTHROPIC", k: "SUBSCRIPTION" }, user.token)).toEqual(
      { removeAccountCredential: false },
    );
    const actions = await api.prisma.auditEvent.findMany({
      where: { actorId: user.user.id, targetType: "credential" },
      orderBy: { createdAt: "asc" },
    });
    expect(actions.map((event) => event.action)).toEqual([
      "account_credential.set",
      "account_credential.set",
      "account_credential.replace",
      "account_credential.remove",
    ]);
  });

  it("refuses a kind the provider does not have, and a secret of the other kind", async () => {
    const user = await api.signUp();
    const gemini = await api.fail(
      SET_ACCOUNT,
      { p: "GEMINI", k: "SUBSCRIPTION", s: secrets.geminiKey() },
      user.token,
    );
    expect(gemini.extensions?.code).toBe("BAD_USER_INPUT");
    const mixed = await api.fail(
      SET_ACCOUNT,
      { p: "ANTHROPIC", k: "API_KEY", s: secrets.anthropicSubscription() },
      user.token,
    );
    expect(mixed.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("never shows one user's account credentials to another", async () => {
    const [a, b] = [await api.signUp(), await api.signUp()];
    await api.ok(SET_ACCOUNT, { p: "OPENAI", k: "API_KEY", s: secrets.openaiKey() }, a.token);
    const theirs = await api.ok<{ accountCredentials: unknown[] }>(
      `{ accountCredentials { id } }`,
      undefined,
      b.token,
    );
    expect(theirs.accountCredentials).toEqual([]);
  });
});

describe("keySource", () => {
  it("moves SESSION → ACCOUNT → SYSTEM as keys are removed", async () => {
    const owner = await api.signUp();
    const id = await newSession(owner);
    await api.ok(SET_KEY, { id, p: "ANTHROPIC", s: secrets.anthropicKey() }, owner.token);
    await api.ok(
      SET_ACCOUNT,
      { p: "ANTHROPIC", k: "API_KEY", s: secrets.anthropicKey() },
      owner.token,
    );
    expect(await keySource(owner, id, "ANTHROPIC")).toBe("SESSION");
    await api.ok(REMOVE_KEY, { id, p: "ANTHROPIC" }, owner.token);
    expect(await keySource(owner, id, "ANTHROPIC")).toBe("ACCOUNT");
    await api.ok(REMOVE_ACCOUNT, { p: "ANTHROPIC", k: "API_KEY" }, owner.token);
    expect(await keySource(owner, id, "ANTHROPIC")).toBe("SYSTEM");
    expect(await keySource(owner, id, "OPENAI")).toBeNull();
  });

  it("resolves with the viewer's own account: each member sees their own fallback", async () => {
    const [owner, editor] = [await api.signUp(), await api.signUp()];
    const id = await newSession(owner);
    await api.ok(
      `mutation ($id: ID!, $e: String!) { addSessionMember(sessionId: $id, email: $e, role: EDITOR) { id } }`,
      { id, e: editor.email },
      owner.token,
    );
    await api.ok(SET_ACCOUNT, { p: "OPENAI", k: "API_KEY", s: secrets.openaiKey() }, editor.token);
    expect(await keySource(editor, id, "OPENAI")).toBe("ACCOUNT");
    expect(await keySource(owner, id, "OPENAI")).toBeNull();
  });

  it("resolves for the chat agent by default: a subscription token only counts for an agent that can use it", async () => {
    const owner = await api.signUp();
    const id = await newSession(owner);
    await api.ok(SET_KEY, { id, p: "ANTHROPIC", s: secrets.anthropicSubscription() }, owner.token);
    expect(await keySource(owner, id, "ANTHROPIC")).toBe("SYSTEM");
    expect(await keySource(owner, id, "ANTHROPIC", "CLAUDE_CODE")).toBe("SESSION");
  });

  it("gives null instead of SYSTEM when system keys are not allowed", async () => {
    const strict = await startTestApi({
      env: { ANTHROPIC_API_KEY: secrets.anthropicKey(), ALLOW_SYSTEM_KEYS: "false" },
    });
    try {
      const owner = await strict.signUp();
      const id = await newSession(owner, strict);
      expect(await keySource(owner, id, "ANTHROPIC", undefined, strict)).toBeNull();
    } finally {
      await strict.close();
    }
  });

  it("never puts the system key in a response or a log line", async () => {
    const owner = await api.signUp();
    const id = await newSession(owner);
    const response = await api.gql(KEY_SOURCE, { id, p: "ANTHROPIC" }, owner.token);
    expect(response.text).not.toContain(systemAnthropicKey);
    expect(api.logs().join("\n")).not.toContain(systemAnthropicKey);
  });
});
