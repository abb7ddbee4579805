import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  blankSignInFlow,
  sealedToJson,
  signInSecretIdentity,
  SignInStore,
  parseKeyRing,
  type SignInFlow,
  type SignInPollJob,
} from "@agentry/core";
import { createVault, type Vault } from "@agentry/core/secrets";
import { createTestDatabase, type TestDatabase } from "@agentry/prisma/testing";
import { Redis } from "ioredis";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCodeSignIn } from "../src/sign-in/code-sign-in.js";
import { createDeviceSignIn } from "../src/sign-in/device-sign-in.js";
import type { SignInEndpoints } from "../src/sign-in/oauth-http.js";

// The worker's side of the sign-in flows when the authorization server misbehaves (the e2e test
// has the flows against the fake provider): unreachable or failing, the flow waits or is handed
// back untouched; an answer it cannot use fails the flow; nothing is stored either way.

let db: TestDatabase;
let vault: Vault;
let server: Server;
let serverUrl: string;
/** What the test server answers next: status and body. */
let answer: { status: number; body: unknown } = { status: 503, body: {} };
/** What it answers at these paths instead, when set. */
let answers: Record<string, { status: number; body: unknown }> = {};
/** The requests it got: path, headers and body (so a test can see what went on the wire). */
let requests: { path: string; headers: Record<string, unknown>; body: string }[] = [];
const redis = new Redis(process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379");
const namespace = `sign-in-${randomUUID()}:`;
const flows = new SignInStore(redis, namespace);
const logger = pino({ level: "silent" });
/** A port nothing listens on. */
const CLOSED = "http://127.0.0.1:1/token";

beforeAll(async () => {
  db = await createTestDatabase("worker_sign_in");
  vault = createVault(parseKeyRing(randomBytes(32).toString("hex")));
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const path = req.url ?? "/";
      requests.push({ path, headers: { ...req.headers }, body: Buffer.concat(chunks).toString() });
      const reply = answers[path] ?? answer;
      res.writeHead(reply.status, { "content-type": "application/json" });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.close();
  const keys = await redis.keys(`${namespace}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  await db.drop();
});

const endpoints = (overrides: Partial<SignInEndpoints> = {}): SignInEndpoints => ({
  openaiIssuer: serverUrl,
  openaiTokenUrl: `${serverUrl}/oauth/token`,
  anthropicTokenUrl: `${serverUrl}/token`,
  timeoutMs: 2_000,
  ...overrides,
});

async function newUser(): Promise<string> {
  const user = await db.prisma.user.create({
    data: { email: `u-${randomUUID()}@example.test`, passwordHash: "x" },
  });
  return user.id;
}

function device(overrides: Partial<SignInEndpoints> = {}) {
  const polls: { job: SignInPollJob; delayMs: number }[] = [];
  const signIn = createDeviceSignIn({
    prisma: db.prisma,
    vault,
    flows,
    endpoints: endpoints(overrides),
    schedulePoll: (job, delayMs) => {
      polls.push({ job, delayMs });
      return Promise.resolve();
    },
    logger,
  });
  return { signIn, polls };
}

async function flowOf(
  userId: string,
  overrides: Partial<SignInFlow>,
  secrets: Partial<Record<"device_code" | "verifier" | "code", string>> = {},
): Promise<SignInFlow> {
  const base: SignInFlow = {
    ...blankSignInFlow,
    id: randomUUID(),
    type: "device",
    userId,
    sessionId: null,
    provider: "OPENAI",
    agentKind: "CODEX",
    phase: "PENDING",
    createdAt: Date.now(),
    expiresAt: Date.now() + 60_000,
    intervalSeconds: 2,
    ...overrides,
  };
  const sealed = (name: "device_code" | "verifier" | "code") => {
    const value = secrets[name];
    return value === undefined
      ? null
      : sealedToJson(vault.seal(signInSecretIdentity(base, name), value));
  };
  const flow = {
    ...base,
    deviceCode: sealed("device_code"),
    verifier: sealed("verifier"),
    code: sealed("code"),
  };
  await flows.create(flow);
  return flow;
}

const credentials = (userId: string) => db.prisma.credential.count({ where: { userId } });

const USERCODE = "/api/accounts/deviceauth/usercode";
const POLL = "/api/accounts/deviceauth/token";
const reset = (): void => {
  answers = {};
  requests = [];
};

describe("starting a device sign-in", () => {
  it("asks the issuer for a user code as Codex does, seals the device auth id, and shows Codex's page", async () => {
    reset();
    const flow = await flowOf(await newUser(), { phase: "STARTING" });
    answers[USERCODE] = {
      status: 200,
      body: { device_auth_id: "deviceauth-secret-1", user_code: "ABCD-EFGH", interval: "7" },
    };
    const { signIn, polls } = device();
    const started = await signIn.start(flow.id, 1_000);
    expect(started).toEqual({
      userCode: "ABCD-EFGH",
      verificationUri: `${serverUrl}/codex/device`,
      verificationUriComplete: null,
      expiresAt: 1_000 + 15 * 60_000,
      intervalSeconds: 7,
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]?.path).toBe(USERCODE);
    expect(requests[0]?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(requests[0]?.body ?? "")).toEqual({
      client_id: "app_EMoamEEZ73f0CkXaXp7hrann",
    });
    const stored = await flows.get(flow.id);
    expect(stored?.phase).toBe("PENDING");
    expect(JSON.stringify(stored)).not.toContain("deviceauth-secret-1");
    expect(polls).toEqual([{ job: { flowId: flow.id, poll: 1 }, delayMs: 7_000 }]);
  });

  it("is UNAVAILABLE when the server does not answer or fails", async () => {
    reset();
    const flow = await flowOf(await newUser(), { phase: "STARTING" });
    await expect(
      device({ openaiIssuer: "http://127.0.0.1:1" }).signIn.start(flow.id),
    ).rejects.toMatchObject({ code: "UNAVAILABLE" });
    answer = { status: 503, body: {} };
    await expect(device().signIn.start(flow.id)).rejects.toMatchObject({ code: "UNAVAILABLE" });
    expect((await flows.get(flow.id))?.phase).toBe("STARTING");
  });

  it("refuses an answer without a device auth id or with a user code unfit to show, and a 404 (no device sign-in there)", async () => {
    reset();
    const flow = await flowOf(await newUser(), { phase: "STARTING" });
    const { signIn, polls } = device();
    answers[USERCODE] = { status: 200, body: { user_code: "ABCD-EFGH", interval: "5" } };
    await expect(signIn.start(flow.id)).rejects.toMatchObject({ code: "AUTHENTICATION_FAILED" });
    answers[USERCODE] = {
      status: 200,
      body: { device_auth_id: "d", user_code: "<script>", interval: "5" },
    };
    await expect(signIn.start(flow.id)).rejects.toMatchObject({ code: "AUTHENTICATION_FAILED" });
    answers[USERCODE] = { status: 404, body: {} };
    await expect(signIn.start(flow.id)).rejects.toMatchObject({
      code: "AUTHENTICATION_FAILED",
      message: expect.stringContaining("404") as unknown,
    });
    expect(polls).toEqual([]);
  });
});

describe("polling a device sign-in", () => {
  const pending = (userId: string, deviceAuthId: string) =>
    flowOf(userId, { userCode: "ABCD-EFGH" }, { device_code: deviceAuthId });

  it("polls with the device auth id and user code, on at the interval at 403 and 404, when the server does not answer, or fails", async () => {
    reset();
    const userId = await newUser();
    const flow = await pending(userId, "device-auth-1");
    const unreachable = device({ openaiIssuer: "http://127.0.0.1:1" });
    await unreachable.signIn.poll({ flowId: flow.id, poll: 1 });
    expect(unreachable.polls).toEqual([{ job: { flowId: flow.id, poll: 2 }, delayMs: 2_000 }]);
    const polling = device();
    for (const [poll, status] of [502, 403, 404].entries()) {
      answers[POLL] = { status, body: {} };
      await polling.signIn.poll({ flowId: flow.id, poll: poll + 2 });
    }
    expect(polling.polls.map((poll) => poll.job.poll)).toEqual([3, 4, 5]);
    expect(requests.map((request) => request.path)).toEqual([POLL, POLL, POLL]);
    expect(JSON.parse(requests[0]?.body ?? "")).toEqual({
      device_auth_id: "device-auth-1",
      user_code: "ABCD-EFGH",
    });
    expect((await flows.get(flow.id))?.phase).toBe("PENDING");
    expect(await credentials(userId)).toBe(0);
  });

  it("backs off by 5 seconds for good on 429", async () => {
    reset();
    const flow = await pending(await newUser(), "device-auth-429");
    answers[POLL] = { status: 429, body: {} };
    const { signIn, polls } = device();
    await signIn.poll({ flowId: flow.id, poll: 1 });
    expect(polls).toEqual([{ job: { flowId: flow.id, poll: 2 }, delayMs: 7_000 }]);
    expect((await flows.get(flow.id))?.intervalSeconds).toBe(7);
  });

  it("ends EXPIRED 15 minutes in without asking, and on expired_token; DENIED on access_denied", async () => {
    reset();
    const lapsed = await pending(await newUser(), "device-auth-lapsed");
    await device().signIn.poll({ flowId: lapsed.id, poll: 9 }, lapsed.expiresAt);
    expect(await flows.get(lapsed.id)).toMatchObject({ phase: "EXPIRED", deviceCode: null });
    expect(requests).toEqual([]);
    const expired = await pending(await newUser(), "device-auth-expired");
    answers[POLL] = { status: 400, body: { error: "expired_token" } };
    await device().signIn.poll({ flowId: expired.id, poll: 1 });
    expect(await flows.get(expired.id)).toMatchObject({ phase: "EXPIRED", deviceCode: null });
    const denied = await pending(await newUser(), "device-auth-denied");
    answers[POLL] = { status: 400, body: { error: "access_denied" } };
    await device().signIn.poll({ flowId: denied.id, poll: 1 });
    expect(await flows.get(denied.id)).toMatchObject({ phase: "DENIED", deviceCode: null });
  });

  it("exchanges the approval's code and verifier at the token endpoint as Codex does, and stores the tokens", async () => {
    reset();
    const userId = await newUser();
    const flow = await pending(userId, "device-auth-ok");
    answers[POLL] = {
      status: 200,
      body: { authorization_code: "ac-1", code_challenge: "ch", code_verifier: "ver-1" },
    };
    answers["/oauth/token"] = {
      status: 200,
      body: { id_token: "h.e.s", access_token: "at-1", refresh_token: "rt-1" },
    };
    const { signIn, polls } = device();
    await signIn.poll({ flowId: flow.id, poll: 1 });
    const exchange = requests.find((request) => request.path === "/oauth/token");
    expect(exchange?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(exchange?.body))).toEqual({
      grant_type: "authorization_code",
      code: "ac-1",
      redirect_uri: `${serverUrl}/deviceauth/callback`,
      client_id: "app_EMoamEEZ73f0CkXaXp7hrann",
      code_verifier: "ver-1",
    });
    const after = await flows.get(flow.id);
    expect(after).toMatchObject({ phase: "SUCCEEDED", deviceCode: null });
    expect(JSON.stringify(after)).not.toMatch(/ac-1|ver-1|rt-1/);
    expect(polls).toEqual([]);
    expect(await credentials(userId)).toBe(1);
  });

  it("fails the flow, storing nothing, when the exchange is refused or unanswered, or the tokens are not a usable sign-in", async () => {
    const approve = () => {
      answers[POLL] = {
        status: 200,
        body: { authorization_code: "ac-2", code_challenge: "ch", code_verifier: "ver-2" },
      };
    };
    reset();
    approve();
    const userId = await newUser();
    const refused = await pending(userId, "device-auth-refused");
    answers["/oauth/token"] = { status: 400, body: { error: "invalid_grant" } };
    await device().signIn.poll({ flowId: refused.id, poll: 1 });
    const afterRefused = await flows.get(refused.id);
    expect(afterRefused).toMatchObject({ phase: "FAILED", deviceCode: null });
    expect(afterRefused?.message).toContain("invalid_grant");

    const unanswered = await pending(userId, "device-auth-unanswered");
    await device({ openaiTokenUrl: CLOSED }).signIn.poll({ flowId: unanswered.id, poll: 1 });
    expect(await flows.get(unanswered.id)).toMatchObject({ phase: "FAILED", deviceCode: null });

    // No refresh token: not a Codex auth.json the registry accepts.
    const unusable = await pending(userId, "device-auth-unusable");
    answers["/oauth/token"] = { status: 200, body: { access_token: "at", token_type: "Bearer" } };
    const { signIn, polls } = device();
    await signIn.poll({ flowId: unusable.id, poll: 1 });
    expect(await flows.get(unusable.id)).toMatchObject({ phase: "FAILED", deviceCode: null });

    // Approved without a code: nothing to exchange.
    const codeless = await pending(userId, "device-auth-codeless");
    answers[POLL] = { status: 200, body: {} };
    await signIn.poll({ flowId: codeless.id, poll: 1 });
    expect(await flows.get(codeless.id)).toMatchObject({ phase: "FAILED", deviceCode: null });
    expect(polls).toEqual([]);
    expect(await credentials(userId)).toBe(0);
  });

  it("fails the flow on a status it does not know, and stops polling", async () => {
    reset();
    const flow = await pending(await newUser(), "device-auth-3");
    answers[POLL] = { status: 401, body: { error: "invalid_client" } };
    const { signIn, polls } = device();
    await signIn.poll({ flowId: flow.id, poll: 1 });
    const after = await flows.get(flow.id);
    expect(after).toMatchObject({ phase: "FAILED", deviceCode: null });
    expect(after?.message).toContain("invalid_client");
    expect(polls).toEqual([]);
  });
});

describe("exchanging a pasted code", () => {
  const codeFlow = async (userId: string) =>
    flowOf(
      userId,
      {
        type: "code",
        provider: "ANTHROPIC",
        agentKind: "CLAUDE_CODE",
        phase: "EXCHANGING",
        oauthState: "state",
      },
      { verifier: "verifier-verifier-verifier", code: "pasted-code" },
    );
  const complete = (overrides: Partial<SignInEndpoints> = {}) =>
    createCodeSignIn({ prisma: db.prisma, vault, flows, endpoints: endpoints(overrides), logger });

  it("hands the flow back, its code dropped, when the server does not answer", async () => {
    reset();
    const userId = await newUser();
    const flow = await codeFlow(userId);
    await expect(complete({ anthropicTokenUrl: CLOSED })(flow.id)).rejects.toMatchObject({
      code: "UNAVAILABLE",
    });
    const after = await flows.get(flow.id);
    expect(after).toMatchObject({ phase: "PENDING", code: null });
    expect(after?.verifier).not.toBeNull();
    expect(await credentials(userId)).toBe(0);
  });

  it("fails the flow on a refusal other than a wrong code", async () => {
    const userId = await newUser();
    const flow = await codeFlow(userId);
    answer = { status: 401, body: { error: "invalid_client" } };
    await expect(complete()(flow.id)).rejects.toMatchObject({ code: "AUTHENTICATION_FAILED" });
    expect(await flows.get(flow.id)).toMatchObject({ phase: "FAILED", verifier: null, code: null });
    expect(await credentials(userId)).toBe(0);
  });

  it("runs only on a flow the api moved to EXCHANGING", async () => {
    const flow = await flowOf(await newUser(), {
      type: "code",
      provider: "ANTHROPIC",
      agentKind: "CLAUDE_CODE",
      phase: "PENDING",
    });
    await expect(complete()(flow.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
