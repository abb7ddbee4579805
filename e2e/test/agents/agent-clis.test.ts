import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordedCall } from "@agentry/fake-provider";
import {
  createSession,
  messages,
  sendMessage,
  sessionUsage,
  setSessionKey,
  settled,
  sumUsage,
} from "../support/flows.js";
import { anthropicKey, startSystem, type System } from "../support/system.js";

// Each CLI agent kind in its container (the real agent image with the five CLIs, the Docker
// runtime) against the fake provider: a conversation that carries its history, the credential
// the provider sees on every call as keys change, and usage recorded per token class exactly
// as the provider reported it.

let system: System;

beforeAll(async () => {
  system = await startSystem();
}, 600_000);
afterAll(async () => {
  await system.close();
});

const random = (bytes = 24): string => randomBytes(bytes).toString("base64url");
const base64url = (value: object): string =>
  Buffer.from(JSON.stringify(value)).toString("base64url");

/** A ChatGPT sign-in as `codex login` leaves it in ~/.codex/auth.json, valid for an hour. */
function codexAuthJson(): { secret: string; accessToken: string } {
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const jwt = (claims: object) =>
    `${base64url({ alg: "none", typ: "JWT" })}.${base64url(claims)}.${random(16)}`;
  const accountId = randomUUID();
  const auth = { chatgpt_account_id: accountId, chatgpt_plan_type: "plus" };
  const accessToken = jwt({ exp, "https://api.openai.com/auth": auth, sub: randomUUID() });
  const secret = JSON.stringify({
    auth_mode: "chatgpt",
    OPENAI_API_KEY: null,
    tokens: {
      id_token: jwt({ exp, email: "dev@example.test", "https://api.openai.com/auth": auth }),
      access_token: accessToken,
      refresh_token: `rt_${random()}`,
      account_id: accountId,
    },
    last_refresh: new Date().toISOString(),
  });
  return { secret, accessToken };
}

/** A credential to store, and what the provider sees when an agent uses it. */
interface Credential {
  readonly secret: string;
  readonly seen: string;
}

interface KindSpec {
  readonly kind: "CLAUDE_CODE" | "CODEX" | "GEMINI_CLI" | "COPILOT" | "OPENCODE";
  readonly provider: "ANTHROPIC" | "OPENAI" | "GEMINI" | "GITHUB_COPILOT";
  readonly model: string;
  /** A session key (what the kind takes as one). */
  readonly sessionKey: () => Credential;
  /** The user's own credentials, in the order resolution prefers them. */
  readonly account: readonly {
    readonly kind: "SUBSCRIPTION" | "API_KEY";
    readonly make: () => Credential;
  }[];
}

const plain = (secret: string): Credential => ({ secret, seen: secret });
const githubToken = (): Credential => plain(`github_pat_${random(30).replaceAll("-", "_")}`);

const KINDS: readonly KindSpec[] = [
  {
    kind: "CLAUDE_CODE",
    provider: "ANTHROPIC",
    model: "claude-haiku-4-5",
    sessionKey: () => plain(anthropicKey()),
    account: [
      { kind: "SUBSCRIPTION", make: () => plain(`sk-ant-oat01-${random(60)}`) },
      { kind: "API_KEY", make: () => plain(anthropicKey()) },
    ],
  },
  {
    kind: "CODEX",
    provider: "OPENAI",
    model: "gpt-5.4-mini",
    sessionKey: () => plain(`sk-proj-${random(40)}`),
    account: [
      {
        kind: "SUBSCRIPTION",
        make: () => {
          const { secret, accessToken } = codexAuthJson();
          return { secret, seen: accessToken };
        },
      },
      { kind: "API_KEY", make: () => plain(`sk-proj-${random(40)}`) },
    ],
  },
  {
    kind: "GEMINI_CLI",
    provider: "GEMINI",
    model: "gemini-2.5-flash",
    sessionKey: () => plain(`AIzaSy${random(26)}`),
    account: [{ kind: "API_KEY", make: () => plain(`AIzaSy${random(26)}`) }],
  },
  {
    kind: "COPILOT",
    provider: "GITHUB_COPILOT",
    model: "gpt-5-mini",
    sessionKey: githubToken,
    account: [{ kind: "SUBSCRIPTION", make: githubToken }],
  },
  {
    kind: "OPENCODE",
    provider: "ANTHROPIC",
    model: "claude-haiku-4-5",
    sessionKey: () => plain(anthropicKey()),
    account: [{ kind: "API_KEY", make: () => plain(anthropicKey()) }],
  },
];

describe.each(KINDS)("a $kind agent in its container", (spec) => {
  it("holds a conversation, runs each message with the key resolved for it, and records usage as the provider reported it", async () => {
    const { api, fake } = system;
    const user = await api.signUp();
    const accountCredentials = spec.account.map((entry) => ({
      ...entry,
      credential: entry.make(),
    }));
    for (const { kind, credential } of accountCredentials) {
      fake.addKey(credential.seen);
      await api.ok(
        `mutation ($provider: Provider!, $kind: CredentialKind!, $secret: String!) { setAccountCredential(provider: $provider, kind: $kind, secret: $secret) { id } }`,
        { provider: spec.provider, kind, secret: credential.secret },
        user.token,
      );
    }
    const first = spec.sessionKey();
    fake.addKey(first.seen);
    const sessionId = await createSession(api, user.token, {
      provider: spec.provider,
      secret: first.secret,
    });
    const spawned = await api.ok<{ spawnAgent: { id: string } }>(
      `mutation ($sessionId: ID!, $kind: AgentKind!, $model: String, $provider: Provider) { spawnAgent(sessionId: $sessionId, kind: $kind, model: $model, provider: $provider) { id } }`,
      { sessionId, kind: spec.kind, model: spec.model, provider: spec.provider },
      user.token,
    );
    const agentId = spawned.spawnAgent.id;
    const seenBy = new Map<string, RecordedCall[]>();
    const run = async (text: string) => {
      const before = new Set(fake.calls().map((call) => call.seq));
      const id = await sendMessage(api, user.token, agentId, text);
      const message = await settled(api, user.token, sessionId, agentId, id, 180_000);
      expect(message, JSON.stringify(message)).toMatchObject({ status: "DONE" });
      const calls = fake.calls().filter((call) => !before.has(call.seq) && call.status === 200);
      seenBy.set(text, calls);
      return { message, calls };
    };

    // Two turns with the session's key: the second call carries the first turn.
    const one = `first question ${randomUUID()}`;
    const two = `second question ${randomUUID()}`;
    const firstRun = await run(one);
    expect(firstRun.message.keySource).toBe("SESSION");
    expect(firstRun.calls.length).toBeGreaterThan(0);
    expect(new Set(firstRun.calls.map((call) => call.key))).toEqual(new Set([first.seen]));
    const secondRun = await run(two);
    const main = secondRun.calls.filter((call) => JSON.stringify(call.body).includes(two));
    expect(main.length).toBeGreaterThan(0);
    expect(main.some((call) => JSON.stringify(call.body).includes(one))).toBe(true);
    const replies = (await messages(api, user.token, sessionId, agentId)).filter(
      (m) => m.role === "assistant",
    );
    expect(replies).toHaveLength(2);
    expect(replies.every((reply) => reply.text.length > 0)).toBe(true);

    // A replaced session key applies from the very next message.
    const second = spec.sessionKey();
    fake.addKey(second.seen);
    await setSessionKey(api, user.token, sessionId, second.secret, spec.provider);
    const thirdRun = await run(`third question ${randomUUID()}`);
    expect(new Set(thirdRun.calls.map((call) => call.key))).toEqual(new Set([second.seen]));

    // Without a session key: the user's own credential, subscription first.
    await api.ok(
      `mutation ($id: ID!, $provider: Provider!) { removeSessionKey(sessionId: $id, provider: $provider) { id } }`,
      { id: sessionId, provider: spec.provider },
      user.token,
    );
    const fourthRun = await run(`fourth question ${randomUUID()}`);
    expect(fourthRun.message.keySource).toBe("ACCOUNT");
    const preferred = accountCredentials[0]?.credential.seen;
    expect(new Set(fourthRun.calls.map((call) => call.key))).toEqual(new Set([preferred]));

    // Usage per token class is what the provider reported, resumed runs included.
    const allCalls = [...seenBy.values()].flat();
    const reported = sumUsage(allCalls.map((call) => call.usage));
    const usage = await sessionUsage(api, user.token, sessionId);
    expect({
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      cacheReadTokens: usage.cacheReadTokens,
      cacheWriteTokens: usage.cacheWriteTokens,
      reasoningTokens: usage.reasoningTokens,
    }).toEqual(reported);
  }, 600_000);
});

describe("a subscription the provider refuses", () => {
  it("fails the message AUTHENTICATION_FAILED with the fix for its CLI, and marks the credential refused", async () => {
    const { api } = system;
    const user = await api.signUp();
    // Never added to the fake's keys: the provider refuses it.
    await api.ok(
      `mutation ($secret: String!) { setAccountCredential(provider: ANTHROPIC, kind: SUBSCRIPTION, secret: $secret) { id } }`,
      { secret: `sk-ant-oat01-${random(60)}` },
      user.token,
    );
    const sessionId = await createSession(api, user.token);
    const spawned = await api.ok<{ spawnAgent: { id: string } }>(
      `mutation ($sessionId: ID!) { spawnAgent(sessionId: $sessionId, kind: CLAUDE_CODE, model: "claude-haiku-4-5") { id } }`,
      { sessionId },
      user.token,
    );
    const agentId = spawned.spawnAgent.id;
    const id = await sendMessage(api, user.token, agentId, `hello ${randomUUID()}`);
    const message = await settled(api, user.token, sessionId, agentId, id, 180_000);

    expect(message).toMatchObject({ status: "FAILED", errorCode: "AUTHENTICATION_FAILED" });
    expect(message.errorMessage).toContain("claude setup-token");
    const { accountCredentials } = await api.ok<{
      accountCredentials: { kind: string; refusedAt: string | null }[];
    }>(`{ accountCredentials { kind refusedAt } }`, {}, user.token);
    expect(accountCredentials.map((credential) => credential.kind)).toEqual(["SUBSCRIPTION"]);
    expect(accountCredentials[0]?.refusedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  }, 300_000);
});
