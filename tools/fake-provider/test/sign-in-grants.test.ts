import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEVICE_TOKEN_PATH,
  DEVICE_USERCODE_PATH,
  startFakeProvider,
  type FakeProvider,
} from "../src/index.js";

let fake: FakeProvider;

beforeAll(async () => {
  fake = await startFakeProvider();
});

afterAll(async () => {
  await fake.close();
});

const post = (path: string, fields: Record<string, string>, json = true): Promise<Response> =>
  fetch(`${fake.url}${path}`, {
    method: "POST",
    headers: {
      "content-type": json ? "application/json" : "application/x-www-form-urlencoded",
    },
    body: json ? JSON.stringify(fields) : new URLSearchParams(fields).toString(),
  });

interface DeviceAnswer {
  device_auth_id: string;
  user_code: string;
  interval: string;
}

const startDevice = async (): Promise<DeviceAnswer> => {
  const response = await post(DEVICE_USERCODE_PATH, { client_id: "app_test" });
  expect(response.status).toBe(200);
  return (await response.json()) as DeviceAnswer;
};

const poll = async (device: DeviceAnswer, userCode = device.user_code) => {
  const response = await post(DEVICE_TOKEN_PATH, {
    device_auth_id: device.device_auth_id,
    user_code: userCode,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

const answers = (device: DeviceAnswer) =>
  fake
    .devicePolls()
    .filter((entry) => entry.deviceCode === device.device_auth_id)
    .map((entry) => `${entry.status} ${entry.answer}`);

describe("OpenAI's device sign-in (as codex login --device-auth speaks it)", () => {
  it("answers each poll as scripted, then hands out an authorization code once, exchanged with the minted verifier for ChatGPT tokens", async () => {
    fake.setDeviceOptions({ expiresInSeconds: 120, intervalSeconds: 1 });
    const device = await startDevice();
    // Codex reads the interval from a string.
    expect(device.interval).toBe("1");
    expect(device.user_code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    fake.scriptDevice(device.user_code, ["pending", "slow_down", "success"]);

    expect((await poll(device)).status).toBe(404);
    expect((await poll(device)).status).toBe(429);
    const approved = await poll(device);
    expect(approved.status).toBe(200);
    const code = String(approved.body["authorization_code"]);
    const verifier = String(approved.body["code_verifier"]);
    expect(approved.body["code_challenge"]).toBe(
      createHash("sha256").update(verifier).digest("base64url"),
    );
    // Spent: the id is unknown from now on.
    expect((await poll(device)).status).toBe(404);
    expect(answers(device)).toEqual([
      "404 authorization_pending",
      "429 slow_down",
      "200 success",
      "404 invalid_grant",
    ]);

    const exchange = (fields: Record<string, string>) =>
      post(
        "/oauth/token",
        {
          grant_type: "authorization_code",
          code,
          redirect_uri: `${fake.url}/deviceauth/callback`,
          client_id: "app_test",
          code_verifier: verifier,
          ...fields,
        },
        false,
      );
    expect((await exchange({ redirect_uri: `${fake.url}/auth/callback` })).status).toBe(400);
    expect((await exchange({ client_id: "app_other" })).status).toBe(401);
    expect((await exchange({ code_verifier: `${verifier}x` })).status).toBe(400);
    const tokens = await exchange({});
    expect(tokens.status).toBe(200);
    const body = (await tokens.json()) as Record<string, unknown>;
    expect(String(body["refresh_token"])).toMatch(/^rt_/);
    expect(String(body["id_token"]).split(".")).toHaveLength(3);
    expect((await exchange({})).status).toBe(400);
  });

  it("answers denied and expired as scripted with 400, and expired past the code's lifetime", async () => {
    fake.setDeviceOptions({ expiresInSeconds: 120, intervalSeconds: 1 });
    const denied = await startDevice();
    fake.scriptDevice(denied.user_code, ["denied"]);
    expect(await poll(denied)).toMatchObject({ status: 400, body: { error: "access_denied" } });
    const expired = await startDevice();
    fake.scriptDevice(expired.user_code, ["expired"]);
    expect(await poll(expired)).toMatchObject({ status: 400, body: { error: "expired_token" } });

    fake.setDeviceOptions({ expiresInSeconds: 0 });
    const lapsed = await startDevice();
    fake.scriptDevice(lapsed.user_code, ["success"]);
    expect(await poll(lapsed)).toMatchObject({ status: 400, body: { error: "expired_token" } });
  });

  it("does not know a device auth id polled with another user code, nor one started without a client", async () => {
    fake.setDeviceOptions({});
    const device = await startDevice();
    fake.scriptDevice(device.user_code, ["success"]);
    expect((await poll(device, "BBBB-CCCC")).status).toBe(404);
    expect(answers(device)).toEqual(["404 invalid_grant"]);
    expect((await post(DEVICE_USERCODE_PATH, {})).status).toBe(400);
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
