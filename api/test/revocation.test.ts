import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi, type TestUser } from "./harness.js";

// Revoking a token (signOut, revokeApiToken) closes that token's graphql-ws connections with
// 4403 on every api process, through Redis, not at the next periodic re-check: both apis here
// re-check only hourly, so only the announcement can close anything in time.

const HOURLY = { realtime: { recheckMs: 3_600_000 } };
const SESSION_USAGE = `subscription ($id: ID!) { sessionUsage(sessionId: $id) { apiCalls } }`;

let a: TestApi;
let b: TestApi;
beforeAll(async () => {
  a = await startTestApi(HOURLY);
  b = await startTestApi({ ...HOURLY, shareWith: a });
});
afterAll(async () => {
  await b.close();
  await a.close();
});

async function subscribedSocket(api: TestApi, owner: TestUser, token: string) {
  const { createSession } = await api.ok<{ createSession: { id: string } }>(
    `mutation { createSession(input: { name: "watched" }) { id } }`,
    undefined,
    owner.token,
  );
  const socket = api.ws(token);
  const subscription = socket.subscribe<{ sessionUsage: { apiCalls: number } }>(SESSION_USAGE, {
    id: createSession.id,
  });
  expect((await subscription.next()).data?.sessionUsage.apiCalls).toBe(0);
  return socket;
}

describe("revoking a token", () => {
  it("signOut on one api process closes the token's sockets on another with 4403", async ({
    annotate,
  }) => {
    const owner = await a.signUp();
    const socket = await subscribedSocket(b, owner, owner.token);
    const started = performance.now();
    await a.ok(`mutation { signOut }`, undefined, owner.token);
    const closed = await socket.closed;
    const ms = performance.now() - started;
    expect(closed).toEqual({ code: 4403, reason: "Token revoked" });
    await annotate(`signOut on api A → 4403 on api B's socket in ${ms.toFixed(0)} ms`);
  });

  it("revokeApiToken closes that token's sockets and no other's", async ({ annotate }) => {
    const owner = await a.signUp();
    const { createApiToken } = await a.ok<{
      createApiToken: { token: string; apiToken: { id: string } };
    }>(
      `mutation { createApiToken(name: "dashboard") { token apiToken { id } } }`,
      undefined,
      owner.token,
    );
    const revoked = await subscribedSocket(b, owner, createApiToken.token);
    const kept = await subscribedSocket(b, owner, owner.token);
    const started = performance.now();
    await a.ok(
      `mutation ($id: ID!) { revokeApiToken(id: $id) }`,
      { id: createApiToken.apiToken.id },
      owner.token,
    );
    expect(await revoked.closed).toEqual({ code: 4403, reason: "Token revoked" });
    const ms = performance.now() - started;
    // The sign-in token's socket still serves.
    const me = await kept.subscribe<{ me: { id: string } }>(`{ me { id } }`).next();
    expect(me.data?.me.id).toBe(owner.user.id);
    await kept.dispose();
    await annotate(`revokeApiToken on api A → 4403 on api B's socket in ${ms.toFixed(0)} ms`);
  });

  it("signOut sent over the socket itself answers, then closes it", async () => {
    const owner = await a.signUp();
    const socket = await subscribedSocket(a, owner, owner.token);
    const reply = await socket.subscribe<{ signOut: boolean }>(`mutation { signOut }`).next();
    expect(reply.data?.signOut).toBe(true);
    expect(await socket.closed).toEqual({ code: 4403, reason: "Token revoked" });
  });
});
