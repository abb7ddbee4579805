import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession, sendMessage, settled } from "../support/flows.js";
import {
  agentContainerDump,
  findLeaks,
  pgDumpData,
  recordingApi,
  redisDump,
  type Secret,
} from "../support/leaks.js";
import { startSystem, type System } from "../support/system.js";

// The secrecy suite for the CLI agents' own paths: credential files written for a run (Claude's
// and Codex's in the run's HOME, OpenCode's auth.json, Gemini's settings), the CLIs' state in
// the workspace (sessions, transcripts, usage files) and their logs. Every kind runs a message
// with the user's own credentials; afterwards no secret, whole or in any 12-character piece, is
// in the container's config, its workspace, the logs, Redis, the responses or the database.

let system: System;

beforeAll(async () => {
  system = await startSystem();
}, 600_000);
afterAll(async () => {
  await system.close();
});

const random = (bytes: number): string => randomBytes(bytes).toString("base64url");
const base64url = (value: object): string =>
  Buffer.from(JSON.stringify(value)).toString("base64url");
const JWT_HEADER = `${base64url({ alg: "none", typ: "JWT" })}.`;

function jwt(name: string, claims: object): Secret {
  // The header is public structure; the claims and signature are the secret part.
  return {
    name,
    value: `${JWT_HEADER}${base64url({ ...claims, nonce: random(12) })}.${random(24)}`,
    publicPrefix: JWT_HEADER,
  };
}

describe("CLI agents", () => {
  it("leave no credential in their container, workspace, logs, Redis, responses or the database", async () => {
    const responses: string[] = [];
    const api = recordingApi(system.api, responses);
    const { fake } = system;
    const user = await api.signUp();

    const exp = Math.floor(Date.now() / 1000) + 3600;
    const accountId = randomUUID();
    const auth = { "https://api.openai.com/auth": { chatgpt_account_id: accountId } };
    const codex = {
      access: jwt("Codex access_token", { exp, ...auth }),
      id: jwt("Codex id_token", { exp, email: "dev@example.test", ...auth }),
      refresh: { name: "Codex refresh_token", value: `rt_${random(40)}`, publicPrefix: "rt_" },
    };
    const codexAuthJson: Secret = {
      name: "Codex auth.json",
      wholeOnly: true,
      value: JSON.stringify({
        auth_mode: "chatgpt",
        OPENAI_API_KEY: null,
        tokens: {
          id_token: codex.id.value,
          access_token: codex.access.value,
          refresh_token: codex.refresh.value,
          account_id: accountId,
        },
        last_refresh: new Date().toISOString(),
      }),
    };
    const planted = {
      claudeSubscription: {
        name: "Claude setup-token",
        value: `sk-ant-oat01-${random(60)}`,
        publicPrefix: "sk-ant-oat01-",
      },
      anthropicKey: {
        name: "Anthropic API key (OpenCode)",
        value: `sk-ant-api03-${random(40)}`,
        publicPrefix: "sk-ant-api03-",
      },
      geminiKey: { name: "Gemini API key", value: `AIzaSy${random(26)}`, publicPrefix: "AIza" },
      githubToken: {
        name: "GitHub token (Copilot)",
        value: `github_pat_${random(40).replaceAll("-", "_")}`,
        publicPrefix: "github_pat_",
      },
    } satisfies Record<string, Secret>;
    const accepted = [
      planted.claudeSubscription,
      planted.anthropicKey,
      planted.geminiKey,
      planted.githubToken,
      codex.access,
    ];
    for (const secret of accepted) fake.addKey(secret.value);

    const setAccount = (provider: string, kind: string, secret: string) =>
      api.ok(
        `mutation ($provider: Provider!, $kind: CredentialKind!, $secret: String!) { setAccountCredential(provider: $provider, kind: $kind, secret: $secret) { id } }`,
        { provider, kind, secret },
        user.token,
      );
    await setAccount("ANTHROPIC", "SUBSCRIPTION", planted.claudeSubscription.value);
    await setAccount("ANTHROPIC", "API_KEY", planted.anthropicKey.value);
    await setAccount("OPENAI", "SUBSCRIPTION", codexAuthJson.value);
    await setAccount("GEMINI", "API_KEY", planted.geminiKey.value);
    await setAccount("GITHUB_COPILOT", "SUBSCRIPTION", planted.githubToken.value);

    const sessionId = await createSession(api, user.token);
    const agents: { kind: string; model: string; provider: string }[] = [
      { kind: "CLAUDE_CODE", model: "claude-haiku-4-5", provider: "ANTHROPIC" },
      { kind: "CODEX", model: "gpt-5.4-mini", provider: "OPENAI" },
      { kind: "GEMINI_CLI", model: "gemini-2.5-flash", provider: "GEMINI" },
      { kind: "COPILOT", model: "gpt-5-mini", provider: "GITHUB_COPILOT" },
      { kind: "OPENCODE", model: "claude-haiku-4-5", provider: "ANTHROPIC" },
    ];
    const agentIds: string[] = [];
    const messageIds: string[] = [];
    for (const agent of agents) {
      const spawned = await api.ok<{ spawnAgent: { id: string } }>(
        `mutation ($sessionId: ID!, $kind: AgentKind!, $model: String, $provider: Provider) { spawnAgent(sessionId: $sessionId, kind: $kind, model: $model, provider: $provider) { id } }`,
        { sessionId, ...agent },
        user.token,
      );
      const agentId = spawned.spawnAgent.id;
      const id = await sendMessage(api, user.token, agentId, `hello ${randomUUID()}`);
      agentIds.push(agentId);
      messageIds.push(id);
    }
    for (const [index, agentId] of agentIds.entries()) {
      const message = await settled(
        api,
        user.token,
        sessionId,
        agentId,
        messageIds[index] ?? "",
        300_000,
      );
      expect(message, `${agents[index]?.kind}: ${JSON.stringify(message)}`).toMatchObject({
        status: "DONE",
        keySource: "ACCOUNT",
      });
    }
    // The credentials really travelled: the provider saw each one.
    const seen = new Set(fake.calls().map((call) => call.key));
    for (const secret of accepted) expect(seen.has(secret.value), secret.name).toBe(true);

    await api.ok(
      `query ($id: ID!) { session(id: $id) { keys { id hint } agents { messages { text errorCode errorMessage } } } accountCredentials { id hint } }`,
      { id: sessionId },
      user.token,
    );
    const corpora = {
      "api logs": api.logs().join("\n"),
      "worker logs": system.workerLogs().join("\n"),
      "GraphQL responses": responses.join("\n"),
      "Redis keys": await redisDump(api.redis, `${api.namespace}*`),
      "docker, after": (await Promise.all(agentIds.map(agentContainerDump))).join("\n"),
      "database rows": await pgDumpData(api.databaseUrl),
    };
    // Each dump holds what it should, so an empty one cannot pass for a clean one.
    expect(corpora["docker, after"]).toContain(".agentry/cli/");
    expect(corpora["worker logs"]).toContain(messageIds[0]);
    expect(corpora["database rows"]).toContain(sessionId);

    const secrets: Secret[] = [
      ...Object.values(planted),
      codex.access,
      codex.id,
      codex.refresh,
      codexAuthJson,
    ];
    expect(findLeaks(secrets, corpora)).toEqual([]);
  }, 900_000);
});
