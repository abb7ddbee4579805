import { ERROR_CODES } from "@agentry/core";
import { buildSchema, isEnumType } from "graphql";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { secrets } from "./fixtures.js";
import { startTestApi, type TestApi, type TestUser } from "./harness.js";

// The registry through the schema (agentKinds, providers, ErrorCode), spawning every runnable
// kind with the providers it runs with, and which credential a first message would use.

let api: TestApi;
const systemKey = secrets.anthropicKey();
beforeAll(async () => {
  api = await startTestApi({ env: { ANTHROPIC_API_KEY: systemKey, ALLOW_SYSTEM_KEYS: "true" } });
});
afterAll(async () => {
  await api.close();
});

interface AgentKindInfo {
  kind: string;
  label: string;
  providers: string[];
  defaultProvider: string;
  credentialKinds: string[];
  runnable: boolean;
  command: string | null;
  setup: { provider: string; kind: string; instructions: string; steps: string[] }[];
}

const AGENT_KINDS = `{ agentKinds { kind label providers defaultProvider credentialKinds runnable command
  setup { provider kind instructions steps } } }`;
const PROVIDERS = `{ providers { provider label credentialKinds defaultModel systemKeyAvailable
  models { id name }
  credentialFormats { kind name inputLabel description prefixes placeholder multiline } } }`;

async function newSession(owner: TestUser): Promise<string> {
  const data = await api.ok<{ createSession: { id: string } }>(
    `mutation { createSession(input: { name: "registry" }) { id } }`,
    undefined,
    owner.token,
  );
  return data.createSession.id;
}

describe("agentKinds", () => {
  it("lists every agent kind, all runnable, with how each runs and how to set up its credentials", async () => {
    const user = await api.signUp();
    const { agentKinds } = await api.ok<{ agentKinds: AgentKindInfo[] }>(
      AGENT_KINDS,
      undefined,
      user.token,
    );
    expect(agentKinds.map((k) => [k.kind, k.label, k.command, k.runnable])).toEqual([
      ["CHAT", "Chat", null, true],
      ["CLAUDE_CODE", "Claude Code", "claude", true],
      ["CODEX", "Codex", "codex", true],
      ["GEMINI_CLI", "Gemini CLI", "gemini", true],
      ["COPILOT", "GitHub Copilot", "copilot", true],
      ["OPENCODE", "OpenCode", "opencode", true],
    ]);
    const byKind = new Map(agentKinds.map((k) => [k.kind, k]));
    const claude = byKind.get("CLAUDE_CODE");
    expect(claude?.setup.map((s) => s.kind)).toEqual(["SUBSCRIPTION", "API_KEY"]);
    expect(claude?.setup[0]?.instructions).toContain("`claude setup-token`");
    expect(claude?.setup[0]?.steps.join(" ")).toBe(claude?.setup[0]?.instructions);
    expect(byKind.get("CODEX")?.setup[0]?.instructions).toContain("`codex login --device-auth`");
    expect(byKind.get("COPILOT")?.setup[0]?.instructions).toMatch(/classic `ghp_` tokens do not/);
    expect(byKind.get("GEMINI_CLI")?.setup.map((s) => `${s.provider} ${s.kind}`)).toEqual([
      "GEMINI API_KEY",
    ]);
    const opencode = byKind.get("OPENCODE");
    expect(opencode?.providers).toEqual(["ANTHROPIC", "OPENAI", "GEMINI"]);
    expect(opencode?.setup.map((s) => `${s.provider} ${s.kind}`)).not.toContain(
      "ANTHROPIC SUBSCRIPTION",
    );
    expect(byKind.get("CHAT")?.credentialKinds).toEqual(["API_KEY"]);
  });
});

describe("providers", () => {
  it("names each provider with its credential formats and default model, and says only whether a system key may be used", async () => {
    const user = await api.signUp();
    const response = await api.gql<{
      providers: {
        provider: string;
        label: string;
        credentialKinds: string[];
        defaultModel: string;
        systemKeyAvailable: boolean;
        models: { id: string; name: string }[];
        credentialFormats: { kind: string; prefixes: string[]; multiline: boolean }[];
      }[];
    }>(PROVIDERS, undefined, user.token);
    const providers = response.data?.providers ?? [];
    expect(providers.map((p) => [p.provider, p.label, p.systemKeyAvailable])).toEqual([
      ["ANTHROPIC", "Anthropic", true],
      ["OPENAI", "OpenAI", false],
      ["GEMINI", "Gemini", false],
      ["GITHUB_COPILOT", "GitHub Copilot", false],
      // The repository token: never a system-wide one.
      ["GIT", "Git repository", false],
    ]);
    const openai = providers.find((p) => p.provider === "OPENAI");
    expect(openai?.credentialFormats.map((f) => [f.kind, f.multiline])).toEqual([
      ["SUBSCRIPTION", true],
      ["API_KEY", false],
    ]);
    expect(providers.find((p) => p.provider === "GEMINI")?.credentialKinds).toEqual(["API_KEY"]);
    // The spawn form's model picker: the price catalogue's models, the default first; none for
    // a provider that does not bill per token.
    const models = (provider: string) =>
      providers.find((p) => p.provider === provider)?.models.map((m) => m.id) ?? [];
    expect(models("ANTHROPIC")[0]).toBe("claude-sonnet-4-5");
    expect(models("ANTHROPIC")).toContain("claude-haiku-4-5");
    expect(models("OPENAI")[0]).toBe("gpt-5");
    expect(models("GITHUB_COPILOT")).toEqual([]);
    expect(models("GIT")).toEqual([]);
    expect(response.text).not.toContain(systemKey);
    expect(response.text).not.toContain(systemKey.slice(-4));
  });

  it("is for signed-in users only", async () => {
    expect((await api.fail(PROVIDERS)).extensions?.code).toBe("UNAUTHENTICATED");
    expect((await api.fail(AGENT_KINDS)).extensions?.code).toBe("UNAUTHENTICATED");
  });
});

describe("the ErrorCode enum", () => {
  it("lists exactly core's error codes, in the committed schema", () => {
    const schema = buildSchema(
      readFileSync(new URL("../../schema.graphql", import.meta.url), "utf8"),
    );
    const type = schema.getType("ErrorCode");
    expect(isEnumType(type)).toBe(true);
    const values = isEnumType(type) ? type.getValues().map((value) => value.name) : [];
    expect(values.sort()).toEqual([...ERROR_CODES].sort());
  });
});

describe("spawnAgent with the registry", () => {
  const SPAWN = `mutation ($s: ID!, $k: AgentKind!, $m: String, $p: Provider) {
    spawnAgent(sessionId: $s, kind: $k, model: $m, provider: $p) { kind provider model status } }`;

  it("spawns every CLI kind with its default provider and that provider's default model", async () => {
    const owner = await api.signUp();
    const s = await newSession(owner);
    const spawned = [];
    for (const k of ["CLAUDE_CODE", "CODEX", "GEMINI_CLI", "COPILOT", "OPENCODE"]) {
      const { spawnAgent } = await api.ok<{ spawnAgent: { kind: string; provider: string } }>(
        SPAWN,
        { s, k },
        owner.token,
      );
      spawned.push(spawnAgent);
    }
    expect(spawned).toEqual([
      { kind: "CLAUDE_CODE", provider: "ANTHROPIC", model: "claude-sonnet-4-5", status: "IDLE" },
      { kind: "CODEX", provider: "OPENAI", model: "gpt-5", status: "IDLE" },
      { kind: "GEMINI_CLI", provider: "GEMINI", model: "gemini-2.5-flash", status: "IDLE" },
      { kind: "COPILOT", provider: "GITHUB_COPILOT", model: "gpt-5-mini", status: "IDLE" },
      { kind: "OPENCODE", provider: "ANTHROPIC", model: "claude-sonnet-4-5", status: "IDLE" },
    ]);
  });

  it("takes a model its name does not tie to a provider for a kind with one provider", async () => {
    const owner = await api.signUp();
    const s = await newSession(owner);
    const { spawnAgent } = await api.ok<{ spawnAgent: { provider: string; model: string } }>(
      SPAWN,
      { s, k: "CLAUDE_CODE", m: "sonnet" },
      owner.token,
    );
    expect(spawnAgent).toMatchObject({ provider: "ANTHROPIC", model: "sonnet" });
    const opencode = await api.ok<{ spawnAgent: { provider: string } }>(
      SPAWN,
      { s, k: "OPENCODE", m: "gpt-5" },
      owner.token,
    );
    expect(opencode.spawnAgent.provider).toBe("OPENAI");
  });

  it("refuses a provider the kind does not run with, naming the ones it does", async () => {
    const owner = await api.signUp();
    const s = await newSession(owner);
    const refused = await api.fail(SPAWN, { s, k: "CLAUDE_CODE", p: "OPENAI" }, owner.token);
    expect(refused.extensions).toEqual({ code: "BAD_USER_INPUT", details: { field: "provider" } });
    expect(refused.message).toBe("Claude Code agents run with Anthropic, not OpenAI");
    const byModel = await api.fail(SPAWN, { s, k: "CLAUDE_CODE", m: "gpt-5" }, owner.token);
    expect(byModel.extensions).toEqual({ code: "BAD_USER_INPUT", details: { field: "model" } });
    const copilot = await api.fail(SPAWN, { s, k: "OPENCODE", p: "GITHUB_COPILOT" }, owner.token);
    expect(copilot.message).toBe(
      "OpenCode agents run with Anthropic, OpenAI, Gemini, not GitHub Copilot",
    );
    expect(await api.prisma.agent.count({ where: { sessionId: s } })).toBe(0);
  });
});

describe("Session.nextCredential", () => {
  const NEXT = `query ($id: ID!, $p: Provider!, $a: AgentKind) { session(id: $id) {
    nextCredential(provider: $p, agentKind: $a) { source provider kind hint } } }`;
  const next = async (user: TestUser, id: string, p: string, a?: string) =>
    (
      await api.ok<{ session: { nextCredential: unknown } }>(
        NEXT,
        { id, p, ...(a === undefined ? {} : { a }) },
        user.token,
      )
    ).session.nextCredential;

  it("says which credential each kind's first message would use: a Claude subscription for Claude Code, not for OpenCode or the chat agent", async () => {
    const owner = await api.signUp();
    const id = await newSession(owner);
    const token = secrets.anthropicSubscription();
    await api.ok(
      `mutation ($s: String!) { setAccountCredential(provider: ANTHROPIC, kind: SUBSCRIPTION, secret: $s) { id } }`,
      { s: token },
      owner.token,
    );
    expect(await next(owner, id, "ANTHROPIC", "CLAUDE_CODE")).toEqual({
      source: "ACCOUNT",
      provider: "ANTHROPIC",
      kind: "SUBSCRIPTION",
      hint: token.slice(-4),
    });
    // The system key serves the others; its hint is the operator's and is not shown.
    for (const kind of ["OPENCODE", "CHAT", undefined]) {
      expect(await next(owner, id, "ANTHROPIC", kind)).toEqual({
        source: "SYSTEM",
        provider: "ANTHROPIC",
        kind: "API_KEY",
        hint: null,
      });
    }
    expect(await next(owner, id, "OPENAI", "CODEX")).toBeNull();
  });

  it("says when the chosen credential was refused, until it is replaced", async () => {
    const owner = await api.signUp();
    const id = await newSession(owner);
    const first = secrets.anthropicSubscription();
    const save = (secret: string) =>
      api.ok<{ setAccountCredential: { id: string } }>(
        `mutation ($s: String!) { setAccountCredential(provider: ANTHROPIC, kind: SUBSCRIPTION, secret: $s) { id } }`,
        { s: secret },
        owner.token,
      );
    const { id: credentialId } = (await save(first)).setAccountCredential;
    const REFUSED = `query ($id: ID!) { session(id: $id) {
      nextCredential(provider: ANTHROPIC, agentKind: CLAUDE_CODE) { hint refusedAt } } }`;
    const refusedAt = async () =>
      (
        await api.ok<{ session: { nextCredential: { hint: string; refusedAt: string | null } } }>(
          REFUSED,
          { id },
          owner.token,
        )
      ).session.nextCredential;
    expect(await refusedAt()).toEqual({ hint: first.slice(-4), refusedAt: null });
    // As the worker marks it when a message fails AUTHENTICATION_FAILED with it.
    const when = new Date("2026-11-30T10:00:00.000Z");
    await api.prisma.credential.update({ where: { id: credentialId }, data: { refusedAt: when } });
    expect(await refusedAt()).toEqual({ hint: first.slice(-4), refusedAt: when.toISOString() });
    const second = secrets.anthropicSubscription();
    await save(second);
    expect(await refusedAt()).toEqual({ hint: second.slice(-4), refusedAt: null });
  });

  it("prefers the session's key, and shows nothing of another member's own credentials", async () => {
    const owner = await api.signUp();
    const editor = await api.signUp();
    const id = await newSession(owner);
    await api.ok(
      `mutation ($id: ID!, $e: String!) { addSessionMember(sessionId: $id, email: $e, role: EDITOR) { id } }`,
      { id, e: editor.email },
      owner.token,
    );
    const codex = secrets.codexAuthJson();
    await api.ok(
      `mutation ($s: String!) { setAccountCredential(provider: OPENAI, kind: SUBSCRIPTION, secret: $s) { id } }`,
      { s: codex },
      owner.token,
    );
    expect(await next(owner, id, "OPENAI", "CODEX")).toMatchObject({
      source: "ACCOUNT",
      kind: "SUBSCRIPTION",
    });
    expect(await next(editor, id, "OPENAI", "CODEX")).toBeNull();
    const key = secrets.openaiKey();
    await api.ok(
      `mutation ($id: ID!, $s: String!) { setSessionKey(sessionId: $id, provider: OPENAI, secret: $s) { id } }`,
      { id, s: key },
      owner.token,
    );
    expect(await next(editor, id, "OPENAI", "CODEX")).toEqual({
      source: "SESSION",
      provider: "OPENAI",
      kind: "API_KEY",
      hint: key.slice(-4),
    });
  });
});
