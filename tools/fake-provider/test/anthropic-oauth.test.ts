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

describe("refreshing a Claude subscription at POST /v1/oauth/token", () => {
  it("answers with the scopes asked for and a token the Messages API then accepts", async () => {
    const refreshToken = uniqueKey("sk-ant-ort01-");
    fake.addRefreshToken(refreshToken, { accessTokenPrefix: "sk-ant-oat01-" });
    const scope = "user:profile user:inference user:sessions:claude_code";

    // As Claude Code sends it: JSON, its client id and the scopes it wants.
    const answer = await fetch(`${fake.url}/v1/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        grant_type: "refresh_token",
        refresh_token: refreshToken,
        client_id: "9d1c250a-e61b-44d9-88ed-5944d1962f5e",
        scope,
      }),
    });
    const tokens = (await answer.json()) as Record<string, unknown>;

    expect(answer.status).toBe(200);
    expect(tokens).toMatchObject({ scope, token_type: "Bearer" });
    expect(tokens["access_token"]).toMatch(/^sk-ant-oat01-/);
    expect(tokens["refresh_token"]).toMatch(/^sk-ant-ort01-/);
    const call = await fetch(`${fake.url}/v1/messages?beta=true`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${String(tokens["access_token"])}`,
        "anthropic-beta": "oauth-2025-04-20",
        "anthropic-version": "2023-06-01",
      },
      body: JSON.stringify({
        model: "claude-sonnet-4-6",
        max_tokens: 10,
        messages: [{ role: "user", content: "renewed" }],
      }),
    });
    expect(call.status).toBe(200);
  });
});
