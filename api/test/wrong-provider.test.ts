import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { secrets } from "./fixtures.js";
import { startTestApi, type TestApi, type TestUser } from "./harness.js";

// A key pasted under the wrong provider is refused, naming the provider it looks like it
// belongs to; a key pasted into a message is refused like one typed into a name, with the hint
// to store it as a key. Nothing refused is stored, and no refusal quotes the secret.

let api: TestApi;
let owner: TestUser;
let sessionId: string;
beforeAll(async () => {
  api = await startTestApi();
  owner = await api.signUp();
  const { createSession } = await api.ok<{ createSession: { id: string } }>(
    `mutation { createSession(input: { name: "keys" }) { id } }`,
    undefined,
    owner.token,
  );
  sessionId = createSession.id;
});
afterAll(async () => {
  await api.close();
});

const SET_SESSION_KEY = `mutation ($id: ID!, $p: Provider!, $s: String!) { setSessionKey(sessionId: $id, provider: $p, secret: $s) { id } }`;
const SET_ACCOUNT = `mutation ($p: Provider!, $k: CredentialKind!, $s: String!) { setAccountCredential(provider: $p, kind: $k, secret: $s) { id } }`;

describe("a key for the wrong provider", () => {
  const cases: readonly [string, string, string, () => string, RegExp][] = [
    [
      "GEMINI",
      "API_KEY",
      "ANTHROPIC",
      secrets.anthropicKey,
      /an Anthropic key \(sk-ant-…\), not a Gemini/,
    ],
    [
      "OPENAI",
      "API_KEY",
      "ANTHROPIC",
      secrets.anthropicKey,
      /an Anthropic key \(sk-ant-…\), not an OpenAI/,
    ],
    [
      "ANTHROPIC",
      "API_KEY",
      "OPENAI",
      secrets.openaiKey,
      /an OpenAI key \(sk-…\), not an Anthropic/,
    ],
    ["OPENAI", "API_KEY", "GEMINI", secrets.geminiKey, /a Gemini key \(AIza…\), not an OpenAI/],
    ["GEMINI", "API_KEY", "GITHUB_COPILOT", secrets.copilotToken, /a GitHub token \(gho_…\)/],
    ["GITHUB_COPILOT", "SUBSCRIPTION", "OPENAI", secrets.codexAuthJson, /Codex's auth\.json/],
    ["ANTHROPIC", "SUBSCRIPTION", "OPENAI", secrets.codexAuthJson, /Codex's auth\.json/],
  ];

  it.each(cases)(
    "%s (%s) refuses a credential that looks like %s's, naming that provider",
    async (provider, kind, looksLike, make, message) => {
      const secret = make();
      const asSessionKey = await api.fail(
        SET_SESSION_KEY,
        { id: sessionId, p: provider, s: secret },
        owner.token,
      );
      const asAccount = await api.fail(
        SET_ACCOUNT,
        { p: provider, k: kind, s: secret },
        owner.token,
      );
      for (const refused of [asSessionKey, asAccount]) {
        expect(refused.extensions).toEqual({
          code: "BAD_USER_INPUT",
          details: { field: "secret", looksLike },
        });
        expect(refused.message).toMatch(message);
        expect(refused.response.text).not.toContain(secret);
      }
      expect(await api.prisma.credential.count({ where: { sessionId } })).toBe(0);
      expect(await api.prisma.credential.count({ where: { userId: owner.user.id } })).toBe(0);
    },
  );

  it("refuses it in createSession's providerKey too, creating no session", async () => {
    const secret = secrets.anthropicKey();
    const refused = await api.fail(
      `mutation ($s: String!) { createSession(input: { name: "mixed up", providerKey: { provider: GEMINI, secret: $s } }) { id } }`,
      { s: secret },
      owner.token,
    );
    expect(refused.extensions).toEqual({
      code: "BAD_USER_INPUT",
      details: { field: "secret", looksLike: "ANTHROPIC" },
    });
    expect(await api.prisma.session.count({ where: { name: "mixed up" } })).toBe(0);
  });

  it("still takes each provider's own keys", async () => {
    for (const [provider, secret] of [
      ["ANTHROPIC", secrets.anthropicKey()],
      ["OPENAI", secrets.openaiKey()],
      ["GEMINI", secrets.geminiKey()],
      ["GITHUB_COPILOT", secrets.copilotToken()],
    ] as const) {
      await api.ok(SET_SESSION_KEY, { id: sessionId, p: provider, s: secret }, owner.token);
    }
    await api.ok(
      SET_ACCOUNT,
      { p: "OPENAI", k: "SUBSCRIPTION", s: secrets.codexAuthJson() },
      owner.token,
    );
  });
});

describe("a credential pasted into a message", () => {
  const SEND = `mutation ($id: ID!, $t: String!) { sendMessage(agentId: $id, text: $t) { id text } }`;
  let agentId: string;
  beforeAll(async () => {
    const { spawnAgent } = await api.ok<{ spawnAgent: { id: string } }>(
      `mutation ($id: ID!) { spawnAgent(sessionId: $id, kind: CHAT) { id } }`,
      { id: sessionId },
      owner.token,
    );
    agentId = spawnAgent.id;
  });

  it("is refused like a key in a name, naming its provider and saying to store it as a key", async () => {
    for (const [secret, looksLike, named] of [
      [secrets.anthropicKey(), "ANTHROPIC", /an Anthropic key/],
      [secrets.openaiKey(), "OPENAI", /an OpenAI key/],
      [secrets.geminiKey(), "GEMINI", /a Gemini key/],
    ] as const) {
      const refused = await api.fail(
        SEND,
        { id: agentId, t: `Here is my key: ${secret} — use it please` },
        owner.token,
      );
      expect(refused.extensions).toEqual({
        code: "BAD_USER_INPUT",
        details: { field: "text", looksLike },
      });
      expect(refused.message).toMatch(named);
      expect(refused.message).toMatch(/store secrets as a key, where they are encrypted/);
      expect(refused.response.text).not.toContain(secret);
    }
    const codex = await api.fail(SEND, { id: agentId, t: secrets.codexAuthJson() }, owner.token);
    expect(codex.extensions).toEqual({ code: "BAD_USER_INPUT", details: { field: "text" } });
    expect(await api.prisma.message.count({ where: { agentId } })).toBe(0);
  });

  it("leaves text that only mentions a prefix alone", async () => {
    const sent = await api.ok<{ sendMessage: { text: string } }>(
      SEND,
      { id: agentId, t: "Anthropic keys start with sk-ant-, OpenAI's with sk-; see sk-my-notes" },
      owner.token,
    );
    expect(sent.sendMessage.text).toMatch(/sk-my-notes/);
  });
});
