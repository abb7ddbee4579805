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
    req.resume();
    req.on("end", () => {
      res.writeHead(answer.status, { "content-type": "application/json" });
      res.end(JSON.stringify(answer.body));
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
  openaiDeviceCodeUrl: `${serverUrl}/device`,
  openaiTokenUrl: `${serverUrl}/token`,
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

describe("starting a device sign-in", () => {
  it("is refused FORBIDDEN when no device authorization endpoint is configured", async () => {
    const flow = await flowOf(await newUser(), { phase: "STARTING" });
    await expect(
      device({ openaiDeviceCodeUrl: undefined }).signIn.start(flow.id),
    ).rejects.toMatchObject({ code: "FORBIDDEN", details: { reason: "sign_in_not_configured" } });
  });

  it("is UNAVAILABLE when the server does not answer or fails", async () => {
    const flow = await flowOf(await newUser(), { phase: "STARTING" });
    await expect(
      device({ openaiDeviceCodeUrl: CLOSED }).signIn.start(flow.id),
    ).rejects.toMatchObject({ code: "UNAVAILABLE" });
    answer = { status: 503, body: {} };
    await expect(device().signIn.start(flow.id)).rejects.toMatchObject({ code: "UNAVAILABLE" });
    expect((await flows.get(flow.id))?.phase).toBe("STARTING");
  });

  it("refuses an answer whose verification URI is not a web address", async () => {
    const flow = await flowOf(await newUser(), { phase: "STARTING" });
    answer = {
      status: 200,
      body: {
        device_code: "dc",
        user_code: "ABCD-EFGH",
        verification_uri: "javascript:alert(1)",
        expires_in: 600,
        interval: 5,
      },
    };
    const { signIn, polls } = device();
    await expect(signIn.start(flow.id)).rejects.toMatchObject({ code: "AUTHENTICATION_FAILED" });
    expect(polls).toEqual([]);
  });
});

describe("polling a device sign-in", () => {
  it("polls on at the interval when the token endpoint does not answer, or fails", async () => {
    const userId = await newUser();
    const flow = await flowOf(userId, {}, { device_code: "device-code-1" });
    const unreachable = device({ openaiTokenUrl: CLOSED });
    await unreachable.signIn.poll({ flowId: flow.id, poll: 1 });
    expect(unreachable.polls).toEqual([{ job: { flowId: flow.id, poll: 2 }, delayMs: 2_000 }]);
    answer = { status: 502, body: {} };
    const failing = device();
    await failing.signIn.poll({ flowId: flow.id, poll: 2 });
    expect(failing.polls.map((poll) => poll.job.poll)).toEqual([3]);
    expect((await flows.get(flow.id))?.phase).toBe("PENDING");
    expect(await credentials(userId)).toBe(0);
  });

  it("fails the flow, storing nothing, when the tokens are not a usable sign-in", async () => {
    const userId = await newUser();
    const flow = await flowOf(userId, {}, { device_code: "device-code-2" });
    // No refresh token: not a Codex auth.json the registry accepts.
    answer = { status: 200, body: { access_token: "at", token_type: "Bearer" } };
    const { signIn, polls } = device();
    await signIn.poll({ flowId: flow.id, poll: 1 });
    expect(await flows.get(flow.id)).toMatchObject({ phase: "FAILED", deviceCode: null });
    expect(polls).toEqual([]);
    expect(await credentials(userId)).toBe(0);
  });

  it("fails the flow on an error it does not know, and stops polling", async () => {
    const flow = await flowOf(await newUser(), {}, { device_code: "device-code-3" });
    answer = { status: 400, body: { error: "invalid_client" } };
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
