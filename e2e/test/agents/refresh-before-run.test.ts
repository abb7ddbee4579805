import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession, sendMessage, settled } from "../support/flows.js";
import { startSystem, type System } from "../support/system.js";

// The platform refreshes a Claude sign-in itself before the run (issue 8), end to end: the real
// worker and Claude Code in its container, the fake provider as Anthropic's API and as its
// authorization server. The CLI's call to the provider carries the access token the worker got.

let system: System;

beforeAll(async () => {
  system = await startSystem({
    workerEnvFor: (fake) => ({ ANTHROPIC_OAUTH_TOKEN_URL: `${fake.url}/v1/oauth/token` }),
  });
}, 600_000);
afterAll(async () => {
  await system.close();
});

const random = (bytes = 24): string => randomBytes(bytes).toString("base64url");

describe("a Claude sign-in about to expire", () => {
  it("is refreshed by the worker before the run, and the CLI calls the provider with the new token", async () => {
    const { api, fake } = system;
    const user = await api.signUp();
    const accessToken = `sk-ant-oat01-${random(60)}`;
    const refreshToken = `sk-ant-ort01-${random(60)}`;
    fake.addKey(accessToken);
    fake.addRefreshToken(refreshToken, { accessTokenPrefix: "sk-ant-oat01-" });
    const secret = JSON.stringify({
      claudeAiOauth: {
        accessToken,
        refreshToken,
        // Within OAUTH_REFRESH_AHEAD_SECONDS (300).
        expiresAt: Date.now() + 60_000,
        scopes: ["user:inference", "user:profile"],
      },
    });
    await api.ok(
      `mutation ($s: String!) { setAccountCredential(provider: ANTHROPIC, kind: SUBSCRIPTION, secret: $s) { id } }`,
      { s: secret },
      user.token,
    );
    const sessionId = await createSession(api, user.token);
    const { spawnAgent } = await api.ok<{ spawnAgent: { id: string } }>(
      `mutation ($id: ID!) { spawnAgent(sessionId: $id, kind: CLAUDE_CODE, model: "claude-haiku-4-5") { id } }`,
      { id: sessionId },
      user.token,
    );
    const text = `hello ${randomUUID()}`;
    const id = await sendMessage(api, user.token, spawnAgent.id, text);
    const message = await settled(api, user.token, sessionId, spawnAgent.id, id, 180_000);
    expect(message).toMatchObject({ status: "DONE" });

    const refreshes = fake.tokenRefreshes().filter((entry) => entry.refreshToken === refreshToken);
    expect(refreshes).toHaveLength(1);
    const minted = refreshes[0]?.accessToken ?? "";
    const calls = fake.calls().filter((call) => call.prompt.includes(text));
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) expect(call.key).toBe(minted);
    // The old refresh token is spent; the credential holds the rotated one, as version 2.
    const { accountCredentials } = await api.ok<{
      accountCredentials: { version: number; status: string; expiresAt: string }[];
    }>(`{ accountCredentials { version status expiresAt } }`, {}, user.token);
    expect(accountCredentials[0]?.version).toBeGreaterThanOrEqual(2);
    expect(Date.parse(accountCredentials[0]?.expiresAt ?? "")).toBeGreaterThan(
      Date.now() + 30 * 60_000,
    );
    const spent = await fetch(`${fake.url}/v1/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ grant_type: "refresh_token", refresh_token: refreshToken }),
    });
    expect(spent.status).toBe(401);
    // No token in the worker's or the api's logs.
    const logs = [...api.logs(), ...system.workerLogs()].join("\n");
    for (const token of [accessToken, refreshToken, minted, refreshes[0]?.newRefreshToken ?? ""])
      expect(logs).not.toContain(token);
  }, 300_000);
});

describe("a Claude sign-in whose refresh token is refused", () => {
  it("fails its message AUTHENTICATION_FAILED with the fix, marks it, and tries the refresh once", async () => {
    const { api, fake } = system;
    const user = await api.signUp();
    // Never given to the fake authorization server: refused as invalid_grant.
    const refreshToken = `sk-ant-ort01-${random(60)}`;
    await api.ok(
      `mutation ($s: String!) { setAccountCredential(provider: ANTHROPIC, kind: SUBSCRIPTION, secret: $s) { id } }`,
      {
        s: JSON.stringify({
          claudeAiOauth: {
            accessToken: `sk-ant-oat01-${random(60)}`,
            refreshToken,
            expiresAt: Date.now() - 60_000,
            scopes: ["user:inference"],
          },
        }),
      },
      user.token,
    );
    const sessionId = await createSession(api, user.token);
    const { spawnAgent } = await api.ok<{ spawnAgent: { id: string } }>(
      `mutation ($id: ID!) { spawnAgent(sessionId: $id, kind: CLAUDE_CODE, model: "claude-haiku-4-5") { id } }`,
      { id: sessionId },
      user.token,
    );
    const text = `hello ${randomUUID()}`;
    const id = await sendMessage(api, user.token, spawnAgent.id, text);
    const message = await settled(api, user.token, sessionId, spawnAgent.id, id, 120_000);
    expect(message).toMatchObject({ status: "FAILED", errorCode: "AUTHENTICATION_FAILED" });
    expect(message.errorMessage).toContain("claude setup-token");
    expect(message.errorMessage).not.toContain(refreshToken);
    const { accountCredentials } = await api.ok<{
      accountCredentials: { status: string; refusedAt: string | null; version: number }[];
    }>(`{ accountCredentials { status refusedAt version } }`, {}, user.token);
    expect(accountCredentials[0]).toMatchObject({ status: "REFUSED", version: 1 });
    // One refresh, no run, and nothing tried again a while later.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(
      fake.tokenRefreshes().filter((entry) => entry.refreshToken === refreshToken),
    ).toHaveLength(1);
    expect(fake.calls().filter((call) => call.prompt.includes(text))).toEqual([]);
  }, 300_000);
});
