import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestApi, type TestApi } from "./harness.js";
import { startRedisServer, type RedisServer } from "./support/redis-server.js";

// Each api process keeps who a token stands for in memory for a few seconds (token-cache.ts).
// A revocation on any process must still refuse the token on the very next request everywhere;
// here two api processes share a database and Redis, as two replicas would.

const ME = `{ me { id email role createdAt } }`;

/** Revokes a token behind the api's back: straight in the database, nobody told. */
const revokeSilently = (api: TestApi, token: string) =>
  api.prisma.$executeRaw`UPDATE "ApiToken" SET "revokedAt" = now()
    WHERE "tokenHash" = encode(sha256(convert_to(${token}, 'UTF8')), 'hex')`;

describe("two api processes", () => {
  let a: TestApi;
  let b: TestApi;
  beforeAll(async () => {
    a = await startTestApi();
    b = await startTestApi({ shareWith: a });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it("answers me from the token's lookup, with the account's fields", async () => {
    const user = await a.signUp();
    const { me } = await b.ok<{ me: { id: string; email: string; createdAt: string } }>(
      ME,
      undefined,
      user.token,
    );
    const row = await a.prisma.user.findUniqueOrThrow({ where: { id: user.user.id } });
    expect(me).toEqual({
      id: row.id,
      email: row.email,
      role: "USER",
      createdAt: row.createdAt.toISOString(),
    });
  });

  it("keeps a token it has read for a while: a row changed behind its back is not read again at once", async () => {
    // The premise of the tests below: without the announcement, process B would go on serving.
    const user = await a.signUp();
    await b.ok(ME, undefined, user.token);
    expect(await revokeSilently(a, user.token)).toBe(1);
    await b.ok(ME, undefined, user.token);
  });

  it("refuses a signed-out token on the next request, on the process that revoked it and on another that had it in memory", async () => {
    const user = await a.signUp();
    await a.ok(ME, undefined, user.token);
    await b.ok(ME, undefined, user.token);
    await a.ok(`mutation { signOut }`, undefined, user.token);
    expect((await b.fail(ME, undefined, user.token)).extensions?.code).toBe("UNAUTHENTICATED");
    expect((await a.fail(ME, undefined, user.token)).extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("refuses a revoked personal token on the next request everywhere, and keeps serving the user's other token", async () => {
    const user = await a.signUp();
    const { createApiToken } = await a.ok<{
      createApiToken: { token: string; apiToken: { id: string } };
    }>(`mutation { createApiToken(name: "ci") { token apiToken { id } } }`, undefined, user.token);
    await b.ok(ME, undefined, createApiToken.token);
    await b.ok(ME, undefined, user.token);
    await a.ok(
      `mutation ($id: ID!) { revokeApiToken(id: $id) }`,
      { id: createApiToken.apiToken.id },
      user.token,
    );
    const refused = await b.fail(ME, undefined, createApiToken.token);
    expect(refused.extensions?.code).toBe("UNAUTHENTICATED");
    await b.ok(ME, undefined, user.token);
  });
});

describe("while revocations cannot be heard", () => {
  let redis: RedisServer;
  let a: TestApi;
  beforeAll(async () => {
    redis = await startRedisServer();
    a = await startTestApi({ redisUrl: redis.url });
  });
  afterAll(async () => {
    await a.close();
    await redis.stop();
  });

  it("reads every token from the database, so a revocation it could not hear is seen at once", async () => {
    const user = await a.signUp();
    const { createSession } = await a.ok<{ createSession: { id: string } }>(
      `mutation { createSession(input: { name: "outage" }) { id } }`,
      undefined,
      user.token,
    );
    const { spawnAgent } = await a.ok<{ spawnAgent: { id: string } }>(
      `mutation ($id: ID!) { spawnAgent(sessionId: $id, kind: CHAT) { id } }`,
      { id: createSession.id },
      user.token,
    );
    const agentId = spawnAgent.id;
    await a.ok(ME, undefined, user.token);
    await redis.stop();
    expect(await revokeSilently(a, user.token)).toBe(1);
    // The revocation channel is down: nothing is served from memory any more (its connection's
    // close is noticed within moments; the entry itself would live 10 s).
    await vi.waitFor(async () => {
      expect((await a.fail(ME, undefined, user.token)).extensions?.code).toBe("UNAUTHENTICATED");
    });
    await redis.start();
    const signIn = async () => {
      const data = await a.ok<{ signIn: { token: string } }>(
        `mutation ($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }`,
        { e: user.email, p: user.password },
      );
      return data.signIn;
    };
    // Heard again: tokens are kept in memory again (a silent revocation goes unseen a while).
    await vi.waitFor(
      async () => {
        const fresh = await signIn();
        await a.ok(ME, undefined, fresh.token);
        await revokeSilently(a, fresh.token);
        await a.ok(ME, undefined, fresh.token);
      },
      { timeout: 10_000, interval: 200 },
    );
    // The queues' own connections are back too before the api is closed (they have no offline
    // queue, so closing one that is still reconnecting fails).
    const { token } = await signIn();
    await vi.waitFor(
      async () => {
        const sent = await a.gql(
          `mutation ($id: ID!) { sendMessage(agentId: $id, text: "after the outage") { id } }`,
          { id: agentId },
          token,
        );
        expect(sent.errors).toBeUndefined();
      },
      { timeout: 15_000, interval: 200 },
    );
  });
});
