import { randomBytes } from "node:crypto";
import { MESSAGE_QUEUE } from "@agentry/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSystem, type System } from "./support/system.js";
import {
  AGENT_EVENTS,
  createSession,
  SESSION_USAGE,
  sendMessage,
  setSessionKey,
  settled,
  spawnChatAgent,
  readUntil,
  type AgentEventView,
  type MessageView,
} from "./support/flows.js";
import {
  agentContainerDump,
  agentProcessesDump,
  findLeaks,
  pgDumpData,
  recordingApi,
  redisDump,
  type Secret,
} from "./support/leaks.js";

// Write-only secrets, checked end to end: a secret planted through every path that takes one,
// used by real runs (accepted and refused), then searched for — whole and in every
// 12-character piece — everywhere the system writes: logs, GraphQL responses, graphql-ws
// pushes, Redis (pub/sub, queues and job data, event streams), the Docker engine (container
// create config, execs, the agent's process environment and command line, its workspace) and
// every row of the database.

const random = (bytes: number): string => randomBytes(bytes).toString("base64url");

const secret = (name: string, publicPrefix: string, body: string): Secret => ({
  name,
  value: `${publicPrefix}${body}`,
  publicPrefix,
});

// System-wide keys come from the environment of api and worker.
const systemKeys = {
  openai: secret("system OPENAI_API_KEY", "sk-proj-", random(30)),
  gemini: secret("system GEMINI_API_KEY", "AIza", random(27)),
  copilot: secret("system COPILOT_GITHUB_TOKEN", "gho_", random(27)),
};
const codex = {
  access: secret("Codex access_token", "", random(40)),
  refresh: secret("Codex refresh_token", "", random(40)),
  id: secret("Codex id_token", "", random(40)),
};
const codexAuthJson = JSON.stringify({
  auth_mode: "chatgpt",
  OPENAI_API_KEY: null,
  tokens: {
    id_token: codex.id.value,
    access_token: codex.access.value,
    refresh_token: codex.refresh.value,
    account_id: "acct-e2e",
  },
  last_refresh: new Date().toISOString(),
});
const planted = {
  sessionKeyAtCreate: secret("session key (createSession)", "sk-ant-api03-", random(32)),
  sessionKeyReplaced: secret("session key (setSessionKey)", "sk-ant-api03-", random(32)),
  sessionSubscription: secret("session subscription (createSession)", "sk-ant-oat01-", random(32)),
  accountApiKey: secret("account API key", "sk-ant-api03-", random(32)),
  accountSubscription: secret("account subscription", "sk-ant-oat01-", random(32)),
  githubToken: secret("account GitHub Copilot token", "gho_", random(27)),
  refusedAnthropic: secret("refused Anthropic session key", "sk-ant-api03-", random(32)),
  refusedOpenai: secret("refused OpenAI session key", "sk-proj-", random(30)),
  refusedGemini: secret("refused Gemini session key", "AIza", random(27)),
};

let system: System;

beforeAll(async () => {
  system = await startSystem({
    env: {
      OPENAI_API_KEY: systemKeys.openai.value,
      GEMINI_API_KEY: systemKeys.gemini.value,
      COPILOT_GITHUB_TOKEN: systemKeys.copilot.value,
    },
  });
  for (const accepted of [
    systemKeys.openai,
    systemKeys.gemini,
    planted.sessionKeyAtCreate,
    planted.sessionKeyReplaced,
    planted.accountApiKey,
    planted.accountSubscription,
    planted.sessionSubscription,
  ]) {
    system.fake.addKey(accepted.value);
  }
});
afterAll(async () => {
  await system.close();
});

interface CredentialView {
  readonly id: string;
  readonly provider: string;
  readonly kind: string;
  readonly hint: string;
  readonly version: number;
}
const CREDENTIAL_FIELDS = "id provider kind hint version createdAt updatedAt lastUsedAt expiresAt";

describe("secrets", () => {
  it("never appear, whole or in any 12-character piece, in logs, responses, events, Redis, the Docker engine or the database", async () => {
    const responses: string[] = [];
    const api = recordingApi(system.api, responses);
    const { fake } = system;
    const user = await api.signUp();
    const admin = await api.signUpAdmin();

    // Everything pushed over graphql-ws, and everything published in this system's Redis.
    const pushed: string[] = [];
    const ws = api.ws(user.token);
    const listen = (query: string, variables: Record<string, unknown>) =>
      ws.client.subscribe(
        { query, variables },
        {
          next: (result) => pushed.push(JSON.stringify(result)),
          error: (error: unknown) => pushed.push(JSON.stringify(error)),
          complete: () => undefined,
        },
      );
    const published: string[] = [];
    const subscriber = api.redis.duplicate();
    await subscriber.psubscribe(`${api.namespace}*`);
    subscriber.on("pmessage", (_pattern: string, channel: string, message: string) => {
      published.push(`${channel} ${message}`);
    });

    /** Each agent's last message. */
    const agents = new Map<string, string>();
    const spawn = async (sessionId: string, model?: string) => {
      const agentId = await spawnChatAgent(api, user.token, sessionId, model);
      listen(AGENT_EVENTS, { agentId, afterSeq: 0 });
      return agentId;
    };
    const send = async (agentId: string, text: string) => {
      const id = await sendMessage(api, user.token, agentId, text);
      agents.set(agentId, id);
      return id;
    };
    const run = async (sessionId: string, model: string, text: string) => {
      const agentId = await spawn(sessionId, model);
      const id = await send(agentId, text);
      return { agentId, message: await settled(api, user.token, sessionId, agentId, id) };
    };
    const expectRan = (message: MessageView, keySource: string) => {
      expect(message).toMatchObject({ status: "DONE", keySource });
    };

    // A session key given at creation, used while the docker state is captured mid-run.
    const first = await createSession(api, user.token, {
      provider: "ANTHROPIC",
      secret: planted.sessionKeyAtCreate.value,
    });
    listen(SESSION_USAGE, { sessionId: first });
    const firstAgent = await spawn(first);
    const held = fake.hold({ provider: "ANTHROPIC" });
    const firstId = await send(firstAgent, "hello with the session key");
    await held.started;
    const duringRun = [
      await agentContainerDump(firstAgent),
      await agentProcessesDump(firstAgent),
    ].join("\n");
    held.release();
    expectRan(await settled(api, user.token, first, firstAgent, firstId), "SESSION");

    // The session key replaced, then used.
    await setSessionKey(api, user.token, first, planted.sessionKeyReplaced.value);
    const replacedId = await send(firstAgent, "after the replacement");
    expectRan(await settled(api, user.token, first, firstAgent, replacedId), "SESSION");

    // Account credentials of every kind. The chat agent runs with API keys only, so the
    // subscriptions (Claude, Codex, Copilot) are stored and listed but no run decrypts them.
    const setAccount = (provider: string, kind: string, value: string) =>
      api.ok(
        `mutation ($provider: Provider!, $kind: CredentialKind!, $secret: String!) {
          setAccountCredential(provider: $provider, kind: $kind, secret: $secret) { ${CREDENTIAL_FIELDS} }
        }`,
        { provider, kind, secret: value },
        user.token,
      );
    await setAccount("ANTHROPIC", "API_KEY", planted.accountApiKey.value);
    await setAccount("ANTHROPIC", "SUBSCRIPTION", planted.accountSubscription.value);
    await setAccount("OPENAI", "SUBSCRIPTION", codexAuthJson);
    await setAccount("GITHUB_COPILOT", "SUBSCRIPTION", planted.githubToken.value);

    // A session whose own key is a subscription token: the account API key runs its agent,
    // and the system keys run OpenAI and Gemini agents.
    const second = await createSession(api, user.token, {
      provider: "ANTHROPIC",
      secret: planted.sessionSubscription.value,
    });
    listen(SESSION_USAGE, { sessionId: second });
    expectRan((await run(second, "claude-haiku-4-5", "with the account key")).message, "ACCOUNT");
    expectRan((await run(second, "gpt-4.1-mini", "with the system OpenAI key")).message, "SYSTEM");
    expectRan(
      (await run(second, "gemini-2.5-flash", "with the system Gemini key")).message,
      "SYSTEM",
    );

    // Keys the provider refuses: each message fails naming the source, never the key.
    const third = await createSession(api, user.token, {
      provider: "ANTHROPIC",
      secret: planted.refusedAnthropic.value,
    });
    await setSessionKey(api, user.token, third, planted.refusedOpenai.value, "OPENAI");
    await setSessionKey(api, user.token, third, planted.refusedGemini.value, "GEMINI");
    for (const model of ["claude-haiku-4-5", "gpt-4.1-mini", "gemini-2.5-flash"]) {
      const { message } = await run(third, model, `with a refused key for ${model}`);
      expect(message).toMatchObject({
        status: "FAILED",
        errorCode: "INVALID_API_KEY",
        keySource: "SESSION",
      });
    }

    // The secrets really travelled: the provider saw each key a run used.
    const seen = new Set(fake.calls().map((call) => call.key));
    for (const used of [
      planted.sessionKeyAtCreate,
      planted.sessionKeyReplaced,
      planted.accountApiKey,
      systemKeys.openai,
      systemKeys.gemini,
      planted.refusedAnthropic,
      planted.refusedOpenai,
      planted.refusedGemini,
    ]) {
      expect(seen.has(used.value), used.name).toBe(true);
    }

    // What the owner and an admin can read: metadata, with a hint of at most 4 characters.
    const own = await api.ok<{ accountCredentials: CredentialView[] }>(
      `{ accountCredentials { ${CREDENTIAL_FIELDS} } }`,
      {},
      user.token,
    );
    expect(own.accountCredentials).toHaveLength(4);
    const adminView = await api.ok<{
      users: { edges: { node: { id: string; email: string } }[] };
      userCredentials: CredentialView[];
    }>(
      `query ($userId: ID!) {
        users(first: 100) { edges { node { id email role createdAt } } }
        userCredentials(userId: $userId) { ${CREDENTIAL_FIELDS} }
      }`,
      { userId: user.user.id },
      admin.token,
    );
    expect(adminView.users.edges.map((edge) => edge.node.id)).toContain(user.user.id);
    expect(adminView.userCredentials.map((c) => `${c.provider}/${c.kind}`).sort()).toEqual([
      "ANTHROPIC/API_KEY",
      "ANTHROPIC/SUBSCRIPTION",
      "GITHUB_COPILOT/SUBSCRIPTION",
      "OPENAI/SUBSCRIPTION",
    ]);
    for (const credential of [...own.accountCredentials, ...adminView.userCredentials]) {
      expect(Object.keys(credential).sort()).toEqual(
        CREDENTIAL_FIELDS.split(" ")
          .filter((field) => field !== "")
          .sort(),
      );
      expect(credential.hint.length).toBeLessThanOrEqual(4);
    }
    await api.ok(
      `{ auditEvents(first: 100) { edges { node { action details } } } }`,
      {},
      admin.token,
    );
    for (const sessionId of [first, second, third]) {
      await api.ok(
        `query ($id: ID!) { session(id: $id) { keys { ${CREDENTIAL_FIELDS} } agents { messages { text errorCode errorMessage } } } }`,
        { id: sessionId },
        user.token,
      );
    }

    // Every agent's events replayed from the start, up to its outcome (the live pushes above
    // may still be on their way).
    const replay = api.ws(user.token);
    for (const [agentId, lastMessageId] of agents) {
      const subscription = replay.subscribe<{ agentEvents: AgentEventView }>(AGENT_EVENTS, {
        agentId,
        afterSeq: 0,
      });
      const events = await readUntil(
        subscription,
        (data) => data.agentEvents,
        (event) =>
          event.messageId === lastMessageId && (event.type === "DONE" || event.type === "ERROR"),
      );
      pushed.push(...events.map((event) => JSON.stringify(event)));
      subscription.unsubscribe();
    }
    await replay.dispose();
    await ws.dispose();
    await subscriber.quit();

    const corpora = {
      "api logs": api.logs().join("\n"),
      "worker logs": system.workerLogs().join("\n"),
      "GraphQL responses": responses.join("\n"),
      "graphql-ws pushes": pushed.join("\n"),
      "Redis pub/sub": published.join("\n"),
      "Redis keys": await redisDump(api.redis, `${api.namespace}*`),
      "docker, mid-run": duringRun,
      "docker, after": (await Promise.all([...agents.keys()].map(agentContainerDump))).join("\n"),
      "database rows": await pgDumpData(api.databaseUrl),
    };
    // Each place holds what it should, so an empty or wrong dump cannot pass for a clean one.
    const expected: Record<keyof typeof corpora, string> = {
      "api logs": user.user.id,
      "worker logs": firstId,
      "GraphQL responses": planted.githubToken.value.slice(-4), // its hint
      "graphql-ws pushes": '"type":"USAGE"',
      "Redis pub/sub": firstAgent,
      "Redis keys": `agentry:${MESSAGE_QUEUE}:${firstId} hash`, // the job, its data included
      "docker, mid-run": "/opt/agentry/agent.mjs",
      "docker, after": `${firstId}.1.ndjson`, // the run's journal in the workspace
      "database rows": first,
    };
    for (const [name, text] of Object.entries(corpora)) {
      const mark = expected[name as keyof typeof corpora];
      expect(text.includes(mark), `${name} holds ${mark}`).toBe(true);
    }

    const credentialSecrets = [
      ...Object.values(planted),
      ...Object.values(systemKeys),
      ...Object.values(codex),
      { name: "Codex auth.json", value: codexAuthJson, wholeOnly: true },
      { name: "ENCRYPTION_KEY", value: api.encryptionKey },
    ];
    expect(findLeaks(credentialSecrets, corpora)).toEqual([]);
    // Sign-in secrets too, except in the responses that hand a token out once.
    const elsewhere = Object.fromEntries(
      Object.entries(corpora).filter(([name]) => name !== "GraphQL responses"),
    );
    const signIn = [user, admin].flatMap((person) => [
      { name: `${person.email} password`, value: person.password },
      { name: `${person.email} bearer token`, value: person.token },
    ]);
    expect(findLeaks(signIn, elsewhere)).toEqual([]);
    // Every path end to end, Docker agents included: 53 s on a 2-core machine at load 20, over
    // the suite's 60 s default there.
  }, 180_000);
});
