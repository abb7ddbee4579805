import { randomBytes, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import {
  AgentEventLog,
  credentialIdentityOf,
  parseKeyRing,
  sealedColumns,
  sealedFromRow,
  type AgentKind,
  type AgentRunInput,
  type Provider,
} from "@agentry/core";
import { createVault, type RunResolveDeps } from "@agentry/core/secrets";
import { fakeJwt, startFakeProvider, type FakeProvider } from "@agentry/fake-provider";
import { createTestDatabase, type TestDatabase } from "@agentry/prisma/testing";
import { Redis } from "ioredis";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RefreshConfig } from "../src/credentials/refresh-before-run.js";
import type { MessageRuntime } from "../src/messages/message-runtime.js";
import { runClaimedMessage, type MessageProcessorDeps } from "../src/messages/message.processor.js";

// The worker refreshes a subscription near its expiry before the run, against the fake
// authorization server (single-use, rotating refresh tokens): the run gets the new access token,
// the credential's next version holds the rotated tokens, the old refresh token is spent. A
// refused refresh fails the message AUTHENTICATION_FAILED, marked, after exactly one attempt; an
// unreachable endpoint lets a still-valid token run and retries an expired one; two runs at once
// refresh once. No token reaches a log line or a message.

let db: TestDatabase;
let fake: FakeProvider;
let closedUrl: string;
const redis = new Redis(process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379");
const namespace = `refresh-before-run-${randomUUID()}:`;
const vault = createVault(parseKeyRing(randomBytes(32).toString("hex")));
const logLines: string[] = [];
const logger = pino(
  { level: "debug" },
  new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logLines.push(chunk.toString("utf8"));
      callback();
    },
  }),
);
/** What each run was handed, in order. */
let runs: AgentRunInput[] = [];
const runtime: MessageRuntime = {
  name: "recording",
  ensure: () => Promise.resolve(),
  run: (_agentId, input) => {
    runs.push(input);
    return (async function* () {
      await Promise.resolve();
      yield { type: "text" as const, delta: "ok" };
      yield { type: "done" as const };
    })();
  },
  readJournal: () => Promise.resolve(null),
  stop: () => Promise.resolve(),
  inspect: () => Promise.resolve({ state: "running" as const }),
};

beforeAll(async () => {
  [db, fake] = await Promise.all([
    createTestDatabase("worker_refresh_before_run"),
    startFakeProvider(),
  ]);
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/oauth/token`;
  await new Promise((resolve) => closed.close(resolve));
});
afterAll(async () => {
  await Promise.all([db.drop(), fake.close()]);
  const keys = await redis.keys(`${namespace}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});
beforeEach(() => {
  runs = [];
});

const refreshConfig = (overrides: Partial<RefreshConfig> = {}): RefreshConfig => ({
  anthropicTokenUrl: `${fake.url}/v1/oauth/token`,
  openaiTokenUrl: `${fake.url}/oauth/token`,
  aheadMs: 300_000,
  timeoutMs: 2_000,
  ...overrides,
});

/** As the worker's: the stamp of the version resolved is left to a batcher (here: dropped). */
const resolveDeps = (): RunResolveDeps => ({
  prisma: db.prisma,
  systemKeys: {},
  allowSystemKeys: false,
  vault,
  lastUsed: { record: () => undefined },
});

const deps = (refresh: RefreshConfig = refreshConfig()): MessageProcessorDeps => ({
  prisma: db.prisma,
  runtime,
  events: new AgentEventLog(redis, namespace),
  publisher: redis,
  topicNamespace: namespace,
  resolve: resolveDeps(),
  baseUrls: {},
  runTimeLimitMs: 60_000,
  logger,
  refresh,
});

const token = (prefix: string) => `${prefix}${randomBytes(24).toString("base64url")}`;

interface Planted {
  readonly userId: string;
  readonly credentialId: string;
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly kind: AgentKind;
}

/** A user with a refreshable subscription of `provider` expiring at `expiresAt`. */
async function plant(
  provider: "ANTHROPIC" | "OPENAI",
  expiresAt: number,
  options: { readonly knownToFake?: boolean } = {},
): Promise<Planted> {
  const user = await db.prisma.user.create({
    data: { email: `u-${randomUUID()}@example.test`, passwordHash: "x" },
  });
  const refreshToken = provider === "ANTHROPIC" ? token("sk-ant-ort01-") : token("rt_");
  const accessToken =
    provider === "ANTHROPIC"
      ? token("sk-ant-oat01-")
      : fakeJwt({ exp: Math.floor(expiresAt / 1000), sub: randomUUID() });
  const secret =
    provider === "ANTHROPIC"
      ? JSON.stringify({
          claudeAiOauth: { accessToken, refreshToken, expiresAt, scopes: ["user:inference"] },
        })
      : JSON.stringify({
          auth_mode: "chatgpt",
          OPENAI_API_KEY: null,
          tokens: { id_token: "", access_token: accessToken, refresh_token: refreshToken },
          last_refresh: new Date().toISOString(),
        });
  if (options.knownToFake !== false) {
    fake.addRefreshToken(
      refreshToken,
      provider === "ANTHROPIC" ? { accessTokenPrefix: "sk-ant-oat01-" } : {},
    );
  }
  const id = randomUUID();
  const identity = credentialIdentityOf({
    id,
    userId: user.id,
    sessionId: null,
    provider,
    kind: "SUBSCRIPTION",
  });
  await db.prisma.credential.create({
    data: {
      id,
      userId: user.id,
      provider,
      kind: "SUBSCRIPTION",
      ...sealedColumns(vault.seal(identity, secret)),
      hint: secret.slice(-4),
      expiresAt: new Date(expiresAt),
      refreshable: true,
    },
  });
  return {
    userId: user.id,
    credentialId: id,
    accessToken,
    refreshToken,
    kind: provider === "ANTHROPIC" ? "CLAUDE_CODE" : "CODEX",
  };
}

async function message(planted: Planted, provider: Provider) {
  const session = await db.prisma.session.create({
    data: { ownerId: planted.userId, name: "s" },
  });
  const agent = await db.prisma.agent.create({
    data: { sessionId: session.id, kind: planted.kind, provider, model: "m" },
  });
  return db.prisma.message.create({
    data: {
      agentId: agent.id,
      authorId: planted.userId,
      role: "USER",
      text: "hi",
      status: "RUNNING",
    },
  });
}

const stored = async (id: string) => {
  const row = await db.prisma.credential.findUniqueOrThrow({ where: { id } });
  return { row, secret: vault.open(credentialIdentityOf(row), sealedFromRow(row)) };
};
const refreshesOf = (refreshToken: string) =>
  fake.tokenRefreshes().filter((entry) => entry.refreshToken === refreshToken);
const spend = (url: string, refreshToken: string) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ grant_type: "refresh_token", refresh_token: refreshToken }),
  });

describe("refreshing a subscription before a run", () => {
  it.each(["ANTHROPIC", "OPENAI"] as const)(
    "%s: refreshes one expiring within the window; the run uses the new token, the version rotates, the old refresh token is spent",
    async (provider) => {
      const planted = await plant(provider, Date.now() + 60_000);
      const sent = await message(planted, provider);
      expect(await runClaimedMessage(deps(), sent.id, 1, true)).toEqual({ kind: "done" });

      const [refresh] = refreshesOf(planted.refreshToken);
      expect(refreshesOf(planted.refreshToken)).toHaveLength(1);
      expect(refresh?.status).toBe(200);
      expect(refresh?.clientId).toMatch(/./);
      const newAccess = refresh?.accessToken ?? "";
      const newRefresh = refresh?.newRefreshToken ?? "";
      // The run was handed the new access token; the provider takes it.
      expect(runs).toHaveLength(1);
      const ranWith = runs[0]?.credential.secret ?? "";
      expect(ranWith).toContain(newAccess);
      expect(ranWith).toContain(newRefresh);
      expect(ranWith).not.toContain(planted.accessToken);
      const models = await fetch(`${fake.baseUrls.openai}/models`, {
        headers: { authorization: `Bearer ${newAccess}` },
      });
      expect(models.status).toBe(200);
      // Stored as the next version, with its new expiry; audited; the message ran with it.
      const { row, secret } = await stored(planted.credentialId);
      expect(row.version).toBe(2);
      expect(secret).toBe(ranWith);
      expect(row.expiresAt?.getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);
      expect(row.refusedAt).toBeNull();
      expect(row.lastUsedAt?.getTime()).toBeGreaterThan(Date.now() - 60_000);
      const audit = await db.prisma.auditEvent.findMany({
        where: { targetId: planted.credentialId },
      });
      expect(audit.map((event) => event.action)).toEqual(["credential.refreshed"]);
      expect(JSON.stringify(audit)).not.toContain(newRefresh);
      const done = await db.prisma.message.findUniqueOrThrow({ where: { id: sent.id } });
      expect(done).toMatchObject({ status: "DONE", credentialVersion: 2 });
      // The refresh token it started with is spent.
      const url =
        provider === "ANTHROPIC" ? `${fake.url}/v1/oauth/token` : `${fake.url}/oauth/token`;
      expect((await spend(url, planted.refreshToken)).status).toBe(401);
    },
  );

  it("leaves a token far from expiry alone", async () => {
    const planted = await plant("ANTHROPIC", Date.now() + 3_600_000);
    const sent = await message(planted, "ANTHROPIC");
    await runClaimedMessage(deps(), sent.id, 1, true);
    expect(refreshesOf(planted.refreshToken)).toEqual([]);
    expect(runs[0]?.credential.secret).toContain(planted.accessToken);
    expect((await stored(planted.credentialId)).row.version).toBe(1);
  });

  it("fails AUTHENTICATION_FAILED when the refresh token is refused: named, the fix given, marked, one attempt, no run, no retry", async () => {
    const planted = await plant("ANTHROPIC", Date.now() - 60_000, { knownToFake: false });
    const sent = await message(planted, "ANTHROPIC");
    expect(await runClaimedMessage(deps(), sent.id, 1, true)).toEqual({ kind: "done" });
    expect(refreshesOf(planted.refreshToken)).toMatchObject([{ status: 400 }]);
    expect(runs).toEqual([]);
    const failed = await db.prisma.message.findUniqueOrThrow({ where: { id: sent.id } });
    expect(failed.status).toBe("FAILED");
    expect(failed.errorCode).toBe("AUTHENTICATION_FAILED");
    expect(failed.errorMessage).toMatch(/Your account's Anthropic .*refused its refresh token/);
    expect(failed.errorMessage).toContain("claude setup-token");
    const { row } = await stored(planted.credentialId);
    expect(row.refusedAt).not.toBeNull();
    expect(row.version).toBe(1);
  });

  it("runs with a still-valid token when the token endpoint is unreachable; retries an expired one, then fails UNAVAILABLE", async () => {
    const unreachable = deps(refreshConfig({ anthropicTokenUrl: closedUrl }));
    const valid = await plant("ANTHROPIC", Date.now() + 60_000);
    const first = await message(valid, "ANTHROPIC");
    expect(await runClaimedMessage(unreachable, first.id, 1, true)).toEqual({ kind: "done" });
    expect(runs[0]?.credential.secret).toContain(valid.accessToken);
    expect(await db.prisma.message.findUniqueOrThrow({ where: { id: first.id } })).toMatchObject({
      status: "DONE",
    });

    const expired = await plant("ANTHROPIC", Date.now() - 60_000);
    const second = await message(expired, "ANTHROPIC");
    const outcome = await runClaimedMessage(unreachable, second.id, 1, true);
    expect(outcome).toMatchObject({ kind: "retry", error: { code: "UNAVAILABLE" } });
    expect(await db.prisma.message.findUniqueOrThrow({ where: { id: second.id } })).toMatchObject({
      status: "QUEUED",
    });
    // The last attempt: no retry left.
    expect(await runClaimedMessage(unreachable, second.id, 4, false)).toEqual({ kind: "done" });
    expect(await db.prisma.message.findUniqueOrThrow({ where: { id: second.id } })).toMatchObject({
      status: "FAILED",
      errorCode: "UNAVAILABLE",
    });
    expect(runs).toHaveLength(1);
    const { row } = await stored(expired.credentialId);
    expect(row).toMatchObject({ version: 1, refusedAt: null });
  });

  it("refreshes once when two runs need the same credential at once", async () => {
    const planted = await plant("OPENAI", Date.now() + 30_000);
    const [a, b, c] = await Promise.all([
      message(planted, "OPENAI"),
      message(planted, "OPENAI"),
      message(planted, "OPENAI"),
    ]);
    const outcomes = await Promise.all(
      [a, b, c].map((sent) => runClaimedMessage(deps(), sent.id, 1, true)),
    );
    expect(outcomes).toEqual([{ kind: "done" }, { kind: "done" }, { kind: "done" }]);
    expect(refreshesOf(planted.refreshToken)).toHaveLength(1);
    const minted = refreshesOf(planted.refreshToken)[0]?.accessToken ?? "";
    // Nobody spent the rotated refresh token either: it was not due any more.
    const rotated = refreshesOf(planted.refreshToken)[0]?.newRefreshToken ?? "";
    expect(refreshesOf(rotated)).toEqual([]);
    expect(runs).toHaveLength(3);
    for (const run of runs) expect(run.credential.secret).toContain(minted);
    expect((await stored(planted.credentialId)).row.version).toBe(2);
  });

  it("puts no token in a log line or a message", async () => {
    const logs = logLines.join("\n");
    const messages = JSON.stringify(await db.prisma.message.findMany());
    const tokens = fake
      .tokenRefreshes()
      .flatMap((entry) => [entry.refreshToken, entry.accessToken, entry.newRefreshToken])
      .filter((value): value is string => value !== null);
    expect(tokens.length).toBeGreaterThan(6);
    for (const value of tokens) {
      expect(logs).not.toContain(value);
      expect(messages).not.toContain(value);
    }
    expect(logs).toContain("refreshed the subscription before the run");
  });
});
