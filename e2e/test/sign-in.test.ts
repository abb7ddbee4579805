import {
  credentialIdentityOf,
  parseClaudeCredentialsJson,
  parseCodexAuthJson,
  parseKeyRing,
  sealedFromRow,
} from "@agentry/core";
import { createVault } from "@agentry/core/secrets";
import type { TestApi, TestUser } from "@agentry/api/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { findLeaks, pgDumpData, recordingApi, redisDump, type Secret } from "./support/leaks.js";
import { REDIS_URL, startSystem, type System } from "./support/system.js";

// Sign-in flows run by the platform (issue 8), end to end: the real api and worker, Redis and
// Postgres, and the fake provider as the authorization server. OpenAI's device-code flow as Codex
// speaks it (pending, slow_down, denied, expired, cancel, success) and Anthropic's code flow (success,
// wrong code, replayed code, another sign-in's code, another user's sign-in), each storing
// tokens only on success; then every secret of every flow — device auth ids, authorization codes,
// PKCE verifiers, access and refresh tokens — is searched for in every response, log line,
// Redis command (a MONITOR of the whole run: flow records and job data included) and database
// row.

let system: System;
let api: TestApi;
const bodies: string[] = [];
const redisCommands: string[] = [];
let monitor: Redis;
/** Secrets the tests saw (the fake's logs, the stored credentials), searched for at the end. */
const secrets: Secret[] = [];

beforeAll(async () => {
  system = await startSystem({ runtime: "process", startWorker: false });
  const { fake } = system;
  Object.assign(system.workerEnv, {
    // Codex's device sign-in under the issuer; its code exchange (and refresh) at the token URL.
    OPENAI_OAUTH_ISSUER: fake.url,
    OPENAI_OAUTH_TOKEN_URL: `${fake.url}/oauth/token`,
    ANTHROPIC_OAUTH_TOKEN_URL: `${fake.url}/v1/oauth/token`,
  });
  await system.startWorker();
  api = recordingApi(system.api, bodies);
  fake.setDeviceOptions({ intervalSeconds: 1, expiresInSeconds: 60 });
  monitor = new Redis(REDIS_URL);
  const watching = await monitor.monitor();
  watching.on("monitor", (_time: string, args: string[]) => {
    const line = args.join(" ");
    if (line.includes(system.api.namespace)) redisCommands.push(line);
  });
});

afterAll(async () => {
  monitor.disconnect();
  await system.close();
});

const DEVICE_FIELDS = `id provider agentKind sessionId status expiresAt verificationUri verificationUriComplete userCode intervalSeconds credentialId message
  credential { id provider kind refreshable expiresAt status }`;
const CODE_FIELDS = `id provider agentKind sessionId status expiresAt authorizeUrl credentialId message
  credential { id provider kind refreshable expiresAt status }`;
const START_DEVICE = `mutation ($input: StartDeviceSignInInput!) { startDeviceSignIn(input: $input) { ${DEVICE_FIELDS} } }`;
const DEVICE = `query ($id: ID!) { deviceSignIn(id: $id) { ${DEVICE_FIELDS} } }`;
const START_CODE = `mutation ($input: StartCodeSignInInput!) { startCodeSignIn(input: $input) { ${CODE_FIELDS} } }`;
const CODE = `query ($id: ID!) { codeSignIn(id: $id) { ${CODE_FIELDS} } }`;
const COMPLETE = `mutation ($id: ID!, $code: String!) { completeCodeSignIn(id: $id, code: $code) { id provider kind refreshable expiresAt status } }`;
const CANCEL = `mutation ($id: ID!) { cancelSignIn(id: $id) }`;

interface CredentialView {
  id: string;
  provider: string;
  kind: string;
  refreshable: boolean;
  expiresAt: string | null;
  status: string;
}
interface DeviceView {
  id: string;
  status: string;
  expiresAt: string;
  verificationUri: string;
  userCode: string;
  intervalSeconds: number;
  sessionId: string | null;
  credentialId: string | null;
  message: string | null;
  credential: CredentialView | null;
}
interface CodeView {
  id: string;
  status: string;
  authorizeUrl: string;
  credentialId: string | null;
  credential: CredentialView | null;
}

const startDevice = async (user: TestUser, sessionId?: string): Promise<DeviceView> =>
  (
    await api.ok<{ startDeviceSignIn: DeviceView }>(
      START_DEVICE,
      { input: { provider: "OPENAI", agentKind: "CODEX", ...(sessionId ? { sessionId } : {}) } },
      user.token,
    )
  ).startDeviceSignIn;

const device = async (user: TestUser, id: string): Promise<DeviceView | null> =>
  (await api.ok<{ deviceSignIn: DeviceView | null }>(DEVICE, { id }, user.token)).deviceSignIn;

const waitForStatus = async (user: TestUser, id: string, status: string, timeout = 20_000) =>
  vi.waitFor(
    async () => {
      const view = await device(user, id);
      expect(view?.status).toBe(status);
      return view as DeviceView;
    },
    { timeout, interval: 200 },
  );

const credentialCount = (userId: string): Promise<number> =>
  api.prisma.credential.count({
    where: { OR: [{ userId }, { session: { ownerId: userId } }] },
  });

/** Opens a stored credential as the worker would, and remembers its tokens as secrets. */
async function openCredential(id: string): Promise<string> {
  const row = await api.prisma.credential.findUniqueOrThrow({ where: { id } });
  const secret = createVault(parseKeyRing(api.encryptionKey)).open(
    credentialIdentityOf(row),
    sealedFromRow(row),
  );
  const codex = parseCodexAuthJson(secret);
  const claude = parseClaudeCredentialsJson(secret);
  for (const [name, value] of [
    ["access token", codex?.accessToken ?? claude?.accessToken],
    ["refresh token", codex?.refreshToken ?? claude?.refreshToken],
  ] as const) {
    if (value !== undefined) secrets.push({ name: `${name} of ${id}`, value });
  }
  return secret;
}

const pollsOf = (userCode: string) =>
  system.fake.devicePolls().filter((poll) => poll.userCode === userCode);

describe("OpenAI device-code sign-in", () => {
  it("shows a URL and a code, polls while pending, and stores the tokens as the user's Codex subscription on approval", async () => {
    const user = await api.signUp();
    const before = await credentialCount(user.user.id);
    const started = await startDevice(user);
    expect(started).toMatchObject({
      status: "PENDING",
      verificationUri: `${system.fake.url}/codex/device`,
      verificationUriComplete: null,
      intervalSeconds: 1,
      credential: null,
    });
    expect(started.userCode).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    // Codex's 15 minutes.
    expect(Date.parse(started.expiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);
    system.fake.scriptDevice(started.userCode, ["pending", "pending", "success"]);

    const done = await waitForStatus(user, started.id, "SUCCEEDED");
    expect(pollsOf(started.userCode).map((poll) => poll.answer)).toEqual([
      "authorization_pending",
      "authorization_pending",
      "success",
    ]);
    expect(done.credential).toMatchObject({
      id: done.credentialId,
      provider: "OPENAI",
      kind: "SUBSCRIPTION",
      refreshable: true,
      status: "VALID",
    });
    // The access token's JWT exp (the fake mints them for an hour).
    const expiresIn = Date.parse(done.credential?.expiresAt ?? "") - Date.now();
    expect(expiresIn).toBeGreaterThan(55 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(60 * 60_000);
    expect(await credentialCount(user.user.id)).toBe(before + 1);
    // Stored as a saved credential is: audited, saying how it came.
    expect(
      await api.prisma.auditEvent.findMany({
        where: { targetId: done.credentialId ?? "" },
        select: { action: true, actorId: true, details: true },
      }),
    ).toEqual([
      {
        action: "account_credential.set",
        actorId: user.user.id,
        details: expect.objectContaining({
          provider: "OPENAI",
          kind: "SUBSCRIPTION",
          via: "sign-in",
        }) as unknown,
      },
    ]);
    const { accountCredentials } = await api.ok<{ accountCredentials: { id: string }[] }>(
      "{ accountCredentials { id } }",
      {},
      user.token,
    );
    expect(accountCredentials.map((credential) => credential.id)).toEqual([done.credentialId]);

    // Usable: Codex's auth.json, whose access token the provider accepts.
    const authJson = JSON.parse(await openCredential(done.credentialId ?? "")) as {
      auth_mode: string;
      tokens: { access_token: string; account_id: string };
    };
    expect(authJson).toMatchObject({ auth_mode: "chatgpt", tokens: { account_id: "acct-fake" } });
    const call = await fetch(`${system.fake.baseUrls.openai}/responses`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${authJson.tokens.access_token}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ model: "gpt-5-mini", input: "hi" }),
    });
    expect(call.status).toBe(200);
    // Polling stopped with the success.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(pollsOf(started.userCode)).toHaveLength(3);
  });

  it("adds 5 seconds to the interval on slow_down (429), for good", async () => {
    const user = await api.signUp();
    const started = await startDevice(user);
    system.fake.scriptDevice(started.userCode, ["slow_down", "pending", "success"]);
    const done = await waitForStatus(user, started.id, "SUCCEEDED", 30_000);
    expect(done.intervalSeconds).toBe(6);
    const at = pollsOf(started.userCode).map((poll) => poll.at.getTime());
    expect(at).toHaveLength(3);
    expect((at[1] ?? 0) - (at[0] ?? 0)).toBeGreaterThanOrEqual(5_900);
    expect((at[2] ?? 0) - (at[1] ?? 0)).toBeGreaterThanOrEqual(5_900);
  });

  it("ends DENIED when the user refuses, storing nothing", async () => {
    const user = await api.signUp();
    const started = await startDevice(user);
    system.fake.scriptDevice(started.userCode, ["pending", "denied"]);
    const done = await waitForStatus(user, started.id, "DENIED");
    expect(done).toMatchObject({ credential: null, credentialId: null });
    expect(done.message).toMatch(/denied/i);
    expect(await credentialCount(user.user.id)).toBe(0);
  });

  it("ends EXPIRED on expired_token, scripted or once the server's code has lapsed, storing nothing", async () => {
    const user = await api.signUp();
    const refused = await startDevice(user);
    system.fake.scriptDevice(refused.userCode, ["expired"]);
    expect((await waitForStatus(user, refused.id, "EXPIRED")).credential).toBeNull();

    system.fake.setDeviceOptions({ intervalSeconds: 1, expiresInSeconds: 3 });
    const lapsed = await startDevice(user);
    system.fake.setDeviceOptions({ intervalSeconds: 1, expiresInSeconds: 60 });
    await waitForStatus(user, lapsed.id, "EXPIRED");
    const polls = pollsOf(lapsed.userCode).length;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(pollsOf(lapsed.userCode)).toHaveLength(polls);
    expect(await credentialCount(user.user.id)).toBe(0);
  });

  it("cancels: polling stops and nothing is stored, even if the user approves afterwards", async () => {
    const user = await api.signUp();
    const started = await startDevice(user);
    expect(
      (await api.ok<{ cancelSignIn: boolean }>(CANCEL, { id: started.id }, user.token))
        .cancelSignIn,
    ).toBe(true);
    system.fake.scriptDevice(started.userCode, ["success"]);
    expect((await device(user, started.id))?.status).toBe("CANCELLED");
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(pollsOf(started.userCode).map((poll) => poll.answer)).not.toContain("success");
    expect((await device(user, started.id))?.status).toBe("CANCELLED");
    expect(await credentialCount(user.user.id)).toBe(0);
    // Over already: a second cancel says so.
    expect(
      (await api.ok<{ cancelSignIn: boolean }>(CANCEL, { id: started.id }, user.token))
        .cancelSignIn,
    ).toBe(false);
  });

  it("stores the tokens as the session's key when asked for an own session, and refuses another user's session", async () => {
    const owner = await api.signUp();
    const stranger = await api.signUp();
    const { createSession } = await api.ok<{ createSession: { id: string } }>(
      `mutation { createSession(input: { name: "sign-in" }) { id } }`,
      {},
      owner.token,
    );
    const refused = await api.fail(
      START_DEVICE,
      { input: { provider: "OPENAI", agentKind: "OPENCODE", sessionId: createSession.id } },
      stranger.token,
    );
    expect(refused.extensions?.code).toBe("NOT_FOUND");

    const started = await startDevice(owner, createSession.id);
    system.fake.scriptDevice(started.userCode, ["success"]);
    const done = await waitForStatus(owner, started.id, "SUCCEEDED");
    expect(done.sessionId).toBe(createSession.id);
    const row = await api.prisma.credential.findUniqueOrThrow({
      where: { id: done.credentialId ?? "" },
    });
    expect(row).toMatchObject({ sessionId: createSession.id, userId: null, provider: "OPENAI" });
    await openCredential(row.id);
    // The stranger sees nothing of it.
    expect(await device(stranger, started.id)).toBeNull();
  });

  it("allows 5 pending sign-ins per user, then refuses with BAD_USER_INPUT", async () => {
    const user = await api.signUp();
    const started = [];
    for (let i = 0; i < 5; i++) started.push(await startDevice(user));
    const refused = await api.fail(
      START_DEVICE,
      { input: { provider: "OPENAI", agentKind: "CODEX" } },
      user.token,
    );
    expect(refused.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      details: { reason: "too_many_sign_ins" },
    });
    // Another user is not limited by this one's.
    await startDevice(await api.signUp());
    // An ended one frees its place.
    await api.ok(CANCEL, { id: started[0]?.id }, user.token);
    const again = await startDevice(user);
    for (const flow of [...started, again]) await api.ok(CANCEL, { id: flow.id }, user.token);
  });

  it("refuses wrong providers and agent kinds with BAD_USER_INPUT", async () => {
    const user = await api.signUp();
    for (const input of [
      { provider: "ANTHROPIC", agentKind: "CODEX" },
      { provider: "OPENAI", agentKind: "CLAUDE_CODE" },
    ]) {
      const error = await api.fail(START_DEVICE, { input }, user.token);
      expect(error.extensions?.code).toBe("BAD_USER_INPUT");
    }
    const unknown = await api.fail(
      START_DEVICE,
      { input: { provider: "OPENAI", agentKind: "NOT_A_KIND" } },
      user.token,
    );
    expect(unknown.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("Anthropic code sign-in", () => {
  const startCode = async (user: TestUser): Promise<CodeView> =>
    (
      await api.ok<{ startCodeSignIn: CodeView }>(
        START_CODE,
        { input: { provider: "ANTHROPIC", agentKind: "CLAUDE_CODE" } },
        user.token,
      )
    ).startCodeSignIn;

  /** Plays the user signing in at the authorize URL: what the callback page shows. */
  const approve = (flow: CodeView): { code: string; state: string } => {
    const url = new URL(flow.authorizeUrl);
    const param = (name: string): string => url.searchParams.get(name) ?? "";
    const code = system.fake.authorizeCode({
      clientId: param("client_id"),
      redirectUri: param("redirect_uri"),
      codeChallenge: param("code_challenge"),
      codeChallengeMethod: param("code_challenge_method"),
      state: param("state"),
      scope: param("scope"),
    });
    secrets.push({ name: `authorization code of ${flow.id}`, value: code });
    return { code, state: param("state") };
  };

  const complete = (user: TestUser, id: string, code: string) =>
    api.gql<{ completeCodeSignIn: CredentialView }>(COMPLETE, { id, code }, user.token);

  it("builds claude's authorize URL and stores the exchanged tokens as a Claude Code subscription", async () => {
    const user = await api.signUp();
    const flow = await startCode(user);
    const url = new URL(flow.authorizeUrl);
    expect(`${url.origin}${url.pathname}`).toBe("https://claude.ai/oauth/authorize");
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      code: "true",
      client_id: "9d1c250a-e61b-44d9-88ed-5944d1962f5e",
      response_type: "code",
      redirect_uri: "https://console.anthropic.com/oauth/code/callback",
      scope: "org:create_api_key user:profile user:inference",
      code_challenge_method: "S256",
    });
    expect(flow.status).toBe("PENDING");
    const { code, state } = approve(flow);
    const response = await complete(user, flow.id, `${code}#${state}`);
    expect(response.errors).toBeUndefined();
    const credential = response.data?.completeCodeSignIn;
    expect(credential).toMatchObject({
      provider: "ANTHROPIC",
      kind: "SUBSCRIPTION",
      refreshable: true,
      status: "VALID",
    });
    const expiresIn = Date.parse(credential?.expiresAt ?? "") - Date.now();
    expect(expiresIn).toBeGreaterThan(55 * 60_000);
    const stored = parseClaudeCredentialsJson(await openCredential(credential?.id ?? ""));
    expect(stored?.accessToken).toMatch(/^sk-ant-oat01-/);
    const view = (await api.ok<{ codeSignIn: CodeView }>(CODE, { id: flow.id }, user.token))
      .codeSignIn;
    expect(view).toMatchObject({ status: "SUCCEEDED", credentialId: credential?.id });
    expect(await credentialCount(user.user.id)).toBe(1);
  });

  it("takes the bare code too", async () => {
    const user = await api.signUp();
    const flow = await startCode(user);
    const response = await complete(user, flow.id, approve(flow).code);
    expect(response.errors).toBeUndefined();
    expect(await credentialCount(user.user.id)).toBe(1);
  });

  it("refuses a wrong code with BAD_USER_INPUT, storing nothing, and stays usable for the right one", async () => {
    const user = await api.signUp();
    const flow = await startCode(user);
    const { code, state } = approve(flow);
    const wrong = await complete(user, flow.id, `not-the-code#${state}`);
    expect(wrong.errors?.[0]?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      details: { field: "code", reason: "invalid_grant", triesLeft: 2 },
    });
    expect(await credentialCount(user.user.id)).toBe(0);
    expect(
      (await api.ok<{ codeSignIn: CodeView }>(CODE, { id: flow.id }, user.token)).codeSignIn.status,
    ).toBe("PENDING");
    expect((await complete(user, flow.id, `${code}#${state}`)).errors).toBeUndefined();
    expect(await credentialCount(user.user.id)).toBe(1);
  });

  it("fails the sign-in after 3 wrong codes", async () => {
    const user = await api.signUp();
    const flow = await startCode(user);
    for (const left of [2, 1, 0]) {
      const wrong = await complete(user, flow.id, `wrong-${left}`);
      expect(wrong.errors?.[0]?.extensions?.details).toMatchObject({ triesLeft: left });
    }
    const view = (await api.ok<{ codeSignIn: CodeView }>(CODE, { id: flow.id }, user.token))
      .codeSignIn;
    expect(view.status).toBe("FAILED");
    const after = await complete(user, flow.id, approve(flow).code);
    expect(after.errors?.[0]?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      details: { reason: "used" },
    });
    expect(await credentialCount(user.user.id)).toBe(0);
  });

  it("refuses a replayed code: the sign-in completes once, and a second paste stores nothing", async () => {
    const user = await api.signUp();
    const flow = await startCode(user);
    const pasted = (({ code, state }) => `${code}#${state}`)(approve(flow));
    expect((await complete(user, flow.id, pasted)).errors).toBeUndefined();
    const exchanges = system.fake.codeExchanges().length;
    const rows = await api.prisma.credential.findMany({ where: { userId: user.user.id } });
    const replay = await complete(user, flow.id, pasted);
    expect(replay.errors?.[0]?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      details: { reason: "used" },
    });
    expect(system.fake.codeExchanges()).toHaveLength(exchanges);
    expect(await api.prisma.credential.findMany({ where: { userId: user.user.id } })).toEqual(rows);
  });

  it("refuses another sign-in's code (its state does not match) without exchanging it", async () => {
    const user = await api.signUp();
    const first = await startCode(user);
    const second = await startCode(user);
    const { code, state } = approve(first);
    const exchanges = system.fake.codeExchanges().length;
    const mixed = await complete(user, second.id, `${code}#${state}`);
    expect(mixed.errors?.[0]?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      details: { reason: "state_mismatch" },
    });
    expect(system.fake.codeExchanges()).toHaveLength(exchanges);
    expect(await credentialCount(user.user.id)).toBe(0);
  });

  it("answers NOT_FOUND for another user's sign-in, and shows it to nobody else", async () => {
    const owner = await api.signUp();
    const stranger = await api.signUp();
    const flow = await startCode(owner);
    const { code, state } = approve(flow);
    for (const [query, variables] of [
      [COMPLETE, { id: flow.id, code: `${code}#${state}` }],
      [CANCEL, { id: flow.id }],
    ] as const) {
      const error = await api.fail(query, variables, stranger.token);
      expect(error.extensions?.code).toBe("NOT_FOUND");
    }
    expect(
      (await api.ok<{ codeSignIn: CodeView | null }>(CODE, { id: flow.id }, stranger.token))
        .codeSignIn,
    ).toBeNull();
    expect(await credentialCount(stranger.user.id)).toBe(0);
    // Still the owner's to complete.
    expect((await complete(owner, flow.id, `${code}#${state}`)).errors).toBeUndefined();
  });

  it("refuses malformed codes with BAD_USER_INPUT before anything is exchanged", async () => {
    const user = await api.signUp();
    const flow = await startCode(user);
    const exchanges = system.fake.codeExchanges().length;
    for (const code of ["", "x".repeat(3000), "a b", "code\u0000#state", "a#b#c", "code#"]) {
      const error = await api.fail(COMPLETE, { id: flow.id, code }, user.token);
      expect(error.extensions?.code).toBe("BAD_USER_INPUT");
    }
    expect(system.fake.codeExchanges()).toHaveLength(exchanges);
    const wrongKind = await api.fail(
      START_CODE,
      { input: { provider: "ANTHROPIC", agentKind: "CODEX" } },
      user.token,
    );
    expect(wrongKind.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("secrecy", () => {
  it("no device auth id, authorization code, PKCE verifier, access or refresh token appears in a response, log, Redis command or database row", async () => {
    const fake = system.fake;
    for (const poll of fake.devicePolls()) {
      if (poll.deviceCode !== null) secrets.push({ name: "device code", value: poll.deviceCode });
    }
    // The code flow's pasted codes and verifiers, and the device flow's approvals (the code and
    // the verifier the server minted, exchanged by the worker).
    for (const exchange of fake.codeExchanges()) {
      if (exchange.codeVerifier !== null && exchange.codeVerifier.length >= 12) {
        secrets.push({ name: "PKCE verifier", value: exchange.codeVerifier });
      }
      // (The fake's device approvals' codes start ac_.)
      if (exchange.code?.startsWith("ac_") === true) {
        secrets.push({ name: "authorization code", value: exchange.code });
      }
    }
    const unique = [...new Map(secrets.map((secret) => [secret.value, secret])).values()].filter(
      (secret) => secret.value.length >= 12,
    );
    expect(unique.filter((secret) => secret.name === "device code").length).toBeGreaterThan(5);
    expect(unique.filter((secret) => secret.name === "PKCE verifier").length).toBeGreaterThan(3);
    expect(unique.filter((secret) => secret.name === "authorization code").length).toBeGreaterThan(
      1,
    );
    expect(unique.filter((secret) => secret.name.startsWith("refresh token")).length).toBe(
      unique.filter((secret) => secret.name.startsWith("access token")).length,
    );
    const corpora = {
      responses: bodies.join("\n"),
      "api logs": system.api.logs().join("\n"),
      "worker logs": system.workerLogs().join("\n"),
      "redis commands": redisCommands.join("\n"),
      redis: await redisDump(system.api.redis, `${system.api.namespace}*`),
      database: await pgDumpData(system.api.databaseUrl),
    };
    // The searches can fail: the flows' records and jobs went through Redis while watched.
    expect(corpora["redis commands"]).toContain(":sign-in:flow:");
    expect(findLeaks(unique, corpora)).toEqual([]);
  });
});
