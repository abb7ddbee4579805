import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { secrets } from "./fixtures.js";
import { startTestApi, type TestApi, type TestUser } from "./harness.js";

// Expiry and status metadata (issue 8): read from the secret when it is saved, shown as
// CredentialInfo.expiresAt / refreshable / status / fix, never with the secret.

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ env: { CREDENTIAL_EXPIRING_DAYS: "7" } });
});
afterAll(async () => {
  await api.close();
});

const DAY = 24 * 3600 * 1000;
const tail = (length = 40): string => randomBytes(length).toString("base64url").slice(0, length);
const claudeCredentials = (expiresAt: number) => {
  const accessToken = `sk-ant-oat01-${tail()}`;
  const refreshToken = `sk-ant-ort01-${tail()}`;
  const text = JSON.stringify({
    claudeAiOauth: { accessToken, refreshToken, expiresAt, scopes: ["user:inference"] },
  });
  return { text, tokens: [accessToken, refreshToken] };
};
const codexAuthJson = (exp: number) => {
  const header = Buffer.from('{"alg":"RS256","typ":"JWT"}').toString("base64url");
  const payload = Buffer.from(JSON.stringify({ exp, sub: "user-1" })).toString("base64url");
  const accessToken = `${header}.${payload}.${tail(43)}`;
  const refreshToken = `rt_${tail()}`;
  const text = JSON.stringify({
    auth_mode: "chatgpt",
    tokens: { id_token: accessToken, access_token: accessToken, refresh_token: refreshToken },
  });
  return { text, tokens: [accessToken, refreshToken, payload] };
};

interface Info {
  id: string;
  kind: string;
  expiresAt: string | null;
  refreshable: boolean;
  status: string;
  fix: string | null;
}
const FIELDS = "id kind expiresAt refreshable status fix";
const SET_ACCOUNT = `mutation ($p: Provider!, $k: CredentialKind!, $s: String!) {
  setAccountCredential(provider: $p, kind: $k, secret: $s) { ${FIELDS} }
}`;
const ACCOUNT = `query { accountCredentials { provider ${FIELDS} } }`;

async function setAccount(user: TestUser, provider: string, kind: string, secret: string) {
  const response = await api.gql<{ setAccountCredential: Info }>(
    SET_ACCOUNT,
    { p: provider, k: kind, s: secret },
    user.token,
  );
  expect(response.errors).toBeUndefined();
  return { info: response.data?.setAccountCredential as Info, body: JSON.stringify(response) };
}

async function accountInfo(user: TestUser): Promise<{ infos: Info[]; body: string }> {
  const response = await api.gql<{ accountCredentials: Info[] }>(ACCOUNT, {}, user.token);
  expect(response.errors).toBeUndefined();
  return { infos: response.data?.accountCredentials ?? [], body: JSON.stringify(response) };
}

describe("credential expiry and status", () => {
  it("reads a Claude .credentials.json's expiresAt (past, near, far): refreshable, so VALID", async () => {
    for (const offset of [-DAY, 2 * DAY, 60 * DAY]) {
      const user = await api.signUp();
      const expiresAt = Date.now() + offset;
      const claude = claudeCredentials(expiresAt);
      const { info, body } = await setAccount(user, "ANTHROPIC", "SUBSCRIPTION", claude.text);
      expect(info).toMatchObject({
        expiresAt: new Date(expiresAt).toISOString(),
        refreshable: true,
        status: "VALID",
        fix: null,
      });
      for (const token of claude.tokens) expect(body).not.toContain(token);
    }
  });

  it("without a refresh token, the expiry decides: EXPIRED (with the fix), EXPIRING, VALID", async () => {
    const user = await api.signUp();
    const claude = claudeCredentials(Date.now() + DAY);
    const { info } = await setAccount(user, "ANTHROPIC", "SUBSCRIPTION", claude.text);
    // A subscription whose expiry is known but that cannot be refreshed (the only way today is
    // a row written so; the sign-in flows will store such rows).
    const expect3 = async (expiresAt: number, status: string, fix: RegExp | null) => {
      await api.prisma.credential.update({
        where: { id: info.id },
        data: { refreshable: false, expiresAt: new Date(expiresAt) },
      });
      const { infos } = await accountInfo(user);
      expect(infos).toHaveLength(1);
      expect(infos[0]?.status).toBe(status);
      if (fix === null) expect(infos[0]?.fix).toBeNull();
      else expect(infos[0]?.fix).toMatch(fix);
    };
    await expect3(Date.now() - 1000, "EXPIRED", /claude setup-token/);
    await expect3(Date.now() + 3 * DAY, "EXPIRING", null);
    await expect3(Date.now() + 30 * DAY, "VALID", null);
  });

  it("reads the exp of a Codex auth.json's access token (a JWT)", async () => {
    const user = await api.signUp();
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const codex = codexAuthJson(exp);
    const { info, body } = await setAccount(user, "OPENAI", "SUBSCRIPTION", codex.text);
    expect(info).toMatchObject({
      expiresAt: new Date(exp * 1000).toISOString(),
      refreshable: true,
      status: "VALID",
    });
    for (const token of codex.tokens) expect(body).not.toContain(token);
    await api.prisma.credential.update({
      where: { id: info.id },
      data: { refreshable: false, expiresAt: new Date(Date.now() - 1) },
    });
    const { infos } = await accountInfo(user);
    expect(infos[0]?.fix).toMatch(/codex login --device-auth/);
  });

  it("API keys and setup tokens: no expiry, not refreshable, VALID", async () => {
    const user = await api.signUp();
    const key = await setAccount(user, "OPENAI", "API_KEY", secrets.openaiKey());
    expect(key.info).toMatchObject({ expiresAt: null, refreshable: false, status: "VALID" });
    const token = await setAccount(
      user,
      "ANTHROPIC",
      "SUBSCRIPTION",
      secrets.anthropicSubscription(),
    );
    expect(token.info).toMatchObject({ expiresAt: null, refreshable: false, status: "VALID" });
  });

  it("is due for rotation past CREDENTIAL_ROTATION_DAYS (default 90) since its secret was set, until replaced; a refreshable sign-in never", async () => {
    const user = await api.signUp();
    const ROTATION = `query { accountCredentials { provider secretSetAt rotationDue } }`;
    const rotation = async () =>
      (
        await api.ok<{
          accountCredentials: { provider: string; secretSetAt: string; rotationDue: boolean }[];
        }>(ROTATION, {}, user.token)
      ).accountCredentials;
    const before = Date.now();
    const key = await setAccount(user, "OPENAI", "API_KEY", secrets.openaiKey());
    await setAccount(user, "ANTHROPIC", "SUBSCRIPTION", claudeCredentials(Date.now() + DAY).text);
    const fresh = await rotation();
    expect(fresh.map((c) => c.rotationDue)).toEqual([false, false]);
    expect(Date.parse(fresh[0]?.secretSetAt ?? "")).toBeGreaterThanOrEqual(before - 1000);

    const aged = (days: number) => new Date(Date.now() - days * DAY);
    await api.prisma.credential.updateMany({
      where: { userId: user.user.id },
      data: { secretSetAt: aged(89) },
    });
    expect((await rotation()).map((c) => c.rotationDue)).toEqual([false, false]);
    await api.prisma.credential.updateMany({
      where: { userId: user.user.id },
      data: { secretSetAt: aged(91) },
    });
    const due = await rotation();
    expect(due.find((c) => c.provider === "OPENAI")?.rotationDue).toBe(true);
    // A sign-in with a refresh token renews itself: no reminder.
    expect(due.find((c) => c.provider === "ANTHROPIC")?.rotationDue).toBe(false);
    // Using a key is not rotating it; replacing it is.
    await api.prisma.credential.update({
      where: { id: key.info.id },
      data: { lastUsedAt: new Date() },
    });
    expect((await rotation()).find((c) => c.provider === "OPENAI")?.rotationDue).toBe(true);
    await setAccount(user, "OPENAI", "API_KEY", secrets.openaiKey());
    expect((await rotation()).find((c) => c.provider === "OPENAI")?.rotationDue).toBe(false);
  });

  it("REFUSED once marked (whatever the expiry), with the fix; a replacement clears it", async () => {
    const user = await api.signUp();
    const claude = claudeCredentials(Date.now() + 60 * DAY);
    const { info } = await setAccount(user, "ANTHROPIC", "SUBSCRIPTION", claude.text);
    // What the worker's markCredentialRefused writes.
    await api.prisma.credential.updateMany({
      where: { id: info.id, version: 1 },
      data: { refusedAt: new Date() },
    });
    const { infos, body } = await accountInfo(user);
    expect(infos[0]).toMatchObject({
      status: "REFUSED",
      fix: expect.stringMatching(/claude setup-token/) as string,
    });
    for (const token of claude.tokens) expect(body).not.toContain(token);
    const replaced = await setAccount(
      user,
      "ANTHROPIC",
      "SUBSCRIPTION",
      claudeCredentials(Date.now() + DAY).text,
    );
    expect(replaced.info).toMatchObject({ status: "VALID", fix: null });
  });

  it("a session key holding a .credentials.json gets its expiry too, and a replacement resets it", async () => {
    const owner = await api.signUp();
    const session = await api.ok<{ createSession: { id: string } }>(
      `mutation { createSession(input: { name: "expiry" }) { id } }`,
      undefined,
      owner.token,
    );
    const id = session.createSession.id;
    const expiresAt = Date.now() + 5 * DAY;
    const set = `mutation ($id: ID!, $s: String!) { setSessionKey(sessionId: $id, provider: ANTHROPIC, secret: $s) { keys { ${FIELDS} } } }`;
    const first = await api.ok<{ setSessionKey: { keys: Info[] } }>(
      set,
      { id, s: claudeCredentials(expiresAt).text },
      owner.token,
    );
    expect(first.setSessionKey.keys[0]).toMatchObject({
      kind: "SUBSCRIPTION",
      expiresAt: new Date(expiresAt).toISOString(),
      refreshable: true,
    });
    const second = await api.ok<{ setSessionKey: { keys: Info[] } }>(
      set,
      { id, s: secrets.anthropicSubscription() },
      owner.token,
    );
    expect(second.setSessionKey.keys[0]).toMatchObject({ expiresAt: null, refreshable: false });
  });
});
