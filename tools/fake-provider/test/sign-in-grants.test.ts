import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEVICE_CODE_GRANT, startFakeProvider, type FakeProvider } from "../src/index.js";

let fake: FakeProvider;

beforeAll(async () => {
  fake = await startFakeProvider();
});

afterAll(async () => {
  await fake.close();
});

const form = (path: string, fields: Record<string, string>): Promise<Response> =>
  fetch(`${fake.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });

interface DeviceAnswer {
  device_code: string;
  user_code: string;
  verification_uri: string;
  expires_in: number;
  interval: number;
}

const startDevice = async (): Promise<DeviceAnswer> => {
  const response = await form("/oauth/device/code", { client_id: "app_test", scope: "openid" });
  expect(response.status).toBe(200);
  return (await response.json()) as DeviceAnswer;
};

const poll = async (deviceCode: string, clientId = "app_test") => {
  const response = await form("/oauth/token", {
    grant_type: DEVICE_CODE_GRANT,
    device_code: deviceCode,
    client_id: clientId,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe("device authorization (RFC 8628)", () => {
  it("answers each poll as scripted, then mints tokens once and refuses the spent code", async () => {
    fake.setDeviceOptions({ expiresInSeconds: 120, intervalSeconds: 1 });
    const device = await startDevice();
    expect(device).toMatchObject({ expires_in: 120, interval: 1 });
    expect(device.verification_uri).toBe(`${fake.url}/device`);
    fake.scriptDevice(device.user_code, ["pending", "slow_down", "success"]);

    expect(await poll(device.device_code)).toEqual({
      status: 400,
      body: expect.objectContaining({ error: "authorization_pending" }) as unknown,
    });
    expect((await poll(device.device_code)).body["error"]).toBe("slow_down");
    const success = await poll(device.device_code);
    expect(success.status).toBe(200);
    expect(success.body).toMatchObject({ token_type: "Bearer", expires_in: 3600 });
    expect(String(success.body["refresh_token"])).toMatch(/^rt_/);
    expect(String(success.body["id_token"]).split(".")).toHaveLength(3);
    expect((await poll(device.device_code)).body["error"]).toBe("invalid_grant");
    expect(
      fake
        .devicePolls()
        .filter((entry) => entry.userCode === device.user_code)
        .map((entry) => entry.answer),
    ).toEqual(["authorization_pending", "slow_down", "success", "invalid_grant"]);
  });

  it("answers access_denied and expired_token as scripted, and expired_token past the code's lifetime", async () => {
    fake.setDeviceOptions({ expiresInSeconds: 120, intervalSeconds: 1 });
    const denied = await startDevice();
    fake.scriptDevice(denied.user_code, ["denied"]);
    expect((await poll(denied.device_code)).body["error"]).toBe("access_denied");
    const expired = await startDevice();
    fake.scriptDevice(expired.user_code, ["expired"]);
    expect((await poll(expired.device_code)).body["error"]).toBe("expired_token");

    fake.setDeviceOptions({ expiresInSeconds: 0 });
    const lapsed = await startDevice();
    fake.scriptDevice(lapsed.user_code, ["success"]);
    expect((await poll(lapsed.device_code)).body["error"]).toBe("expired_token");
  });

  it("refuses a poll from another client", async () => {
    fake.setDeviceOptions({});
    const device = await startDevice();
    expect((await poll(device.device_code, "app_other")).body["error"]).toBe("invalid_client");
  });
});

describe("authorization code grant with PKCE", () => {
  const verifier = randomBytes(32).toString("base64url");
  const authorization = {
    clientId: "client-test",
    redirectUri: "https://example.invalid/callback",
    codeChallenge: createHash("sha256").update(verifier).digest("base64url"),
    codeChallengeMethod: "S256",
    state: "state-1",
    scope: "user:profile user:inference",
  };
  const exchange = async (fields: Record<string, string>) => {
    const response = await fetch(`${fake.url}/v1/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        grant_type: "authorization_code",
        client_id: authorization.clientId,
        redirect_uri: authorization.redirectUri,
        state: authorization.state,
        ...fields,
      }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it("exchanges a code with its verifier once; a wrong verifier and a second use are invalid_grant", async () => {
    const code = fake.authorizeCode(authorization);
    expect((await exchange({ code, code_verifier: `${verifier}x` })).body["error"]).toBe(
      "invalid_grant",
    );
    const success = await exchange({ code, code_verifier: verifier });
    expect(success.status).toBe(200);
    expect(String(success.body["access_token"])).toMatch(/^sk-ant-oat01-/);
    expect(String(success.body["refresh_token"])).toMatch(/^sk-ant-ort01-/);
    expect(success.body["scope"]).toBe(authorization.scope);
    expect(await exchange({ code, code_verifier: verifier })).toMatchObject({
      status: 400,
      body: { error: "invalid_grant" },
    });
    expect((await exchange({ code: "not-a-code", code_verifier: verifier })).status).toBe(400);
  });

  it("mints an access token the fake accepts, and a refresh token it refreshes", async () => {
    const code = fake.authorizeCode(authorization);
    const success = await exchange({ code, code_verifier: verifier });
    const messages = await fetch(`${fake.url}/v1/messages`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${String(success.body["access_token"])}`,
        "anthropic-beta": "oauth-2025-04-20",
        "content-type": "application/json",
        "anthropic-version": "2023-06-01",
      },
      body: JSON.stringify({
        model: "claude-sonnet-4-5",
        max_tokens: 10,
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    expect(messages.status).toBe(200);
    const refreshed = await fetch(`${fake.url}/v1/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        grant_type: "refresh_token",
        refresh_token: success.body["refresh_token"],
        client_id: authorization.clientId,
      }),
    });
    expect(refreshed.status).toBe(200);
  });
});
