import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeProvider, type FakeProvider } from "../src/index.js";
import { uniqueKey } from "./helpers.js";

let fake: FakeProvider;

beforeAll(async () => {
  fake = await startFakeProvider();
});

afterAll(async () => {
  await fake.close();
});

interface TokenAnswer {
  access_token?: string;
  refresh_token?: string;
  id_token?: string;
  expires_in?: number;
  error?: unknown;
}

const refresh = async (
  refreshToken: string,
  form = false,
  path = "/oauth/token",
): Promise<{ status: number; body: TokenAnswer }> => {
  const fields = {
    client_id: "app_test",
    grant_type: "refresh_token",
    refresh_token: refreshToken,
  };
  const response = await fetch(`${fake.url}${path}`, {
    method: "POST",
    headers: {
      "content-type": form ? "application/x-www-form-urlencoded" : "application/json",
    },
    body: form ? new URLSearchParams(fields).toString() : JSON.stringify(fields),
  });
  return { status: response.status, body: (await response.json()) as TokenAnswer };
};

const claimsOf = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<
    string,
    unknown
  >;

const responsesCall = (key: string): Promise<Response> =>
  fetch(`${fake.baseUrls.openai}/responses`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-5-mini", input: "hi" }),
  });

describe("POST /oauth/token (refresh)", () => {
  it("rotates a refresh token: the new access token is accepted and the old refresh token is refused", async () => {
    const refreshToken = uniqueKey("rt_");
    const claims = { "https://api.openai.com/auth": { chatgpt_account_id: "acct-test" } };
    fake.addRefreshToken(refreshToken, { claims });

    const first = await refresh(refreshToken);
    expect(first.status).toBe(200);
    const { access_token: access, refresh_token: rotated, id_token: idToken } = first.body;
    expect(rotated).toMatch(/^rt_/);
    expect(rotated).not.toBe(refreshToken);
    // JWTs whose claims a CLI reads: a future expiry and the claims given.
    const accessClaims = claimsOf(access ?? "");
    expect(accessClaims).toMatchObject(claims);
    expect(Number(accessClaims["exp"])).toBeGreaterThan(Date.now() / 1000);
    expect(claimsOf(idToken ?? "")).toMatchObject(claims);
    expect((await responsesCall(access ?? "")).status).toBe(200);

    const reused = await refresh(refreshToken);
    expect(reused.status).toBe(401);
    expect(reused.body.error).toMatchObject({ code: "refresh_token_reused" });

    // The rotated one works once, form-encoded too, under /v1.
    const second = await refresh(rotated ?? "", true, "/v1/oauth/token");
    expect(second.status).toBe(200);
    expect(fake.tokenRefreshes().filter((entry) => entry.refreshToken === refreshToken)).toEqual([
      expect.objectContaining({ status: 200, clientId: "app_test", newRefreshToken: rotated }),
      expect.objectContaining({ status: 401, accessToken: null }),
    ]);
  });

  it("mints prefixed access tokens when asked (Anthropic's shape)", async () => {
    const refreshToken = uniqueKey("sk-ant-ort01-");
    fake.addRefreshToken(refreshToken, { accessTokenPrefix: "sk-ant-oat01-" });

    const answer = await refresh(refreshToken);
    expect(answer.status).toBe(200);
    expect(answer.body.access_token).toMatch(/^sk-ant-oat01-/);
    expect(answer.body.refresh_token).toMatch(/^sk-ant-ort01-/);
    expect(answer.body.id_token).toBeUndefined();
  });

  it("refuses an unknown refresh token with invalid_grant", async () => {
    const answer = await refresh(uniqueKey("rt_"));
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe("invalid_grant");
  });
});
