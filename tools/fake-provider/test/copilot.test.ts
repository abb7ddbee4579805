import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copilotNanoAiu, startFakeProvider, type FakeProvider } from "../src/index.js";
import { readSseFrames, uniqueKey } from "./helpers.js";

// GitHub Copilot as its CLI reaches it: GitHub's API says where the model API is, and the model
// API takes OpenAI Responses and Anthropic Messages calls with the GitHub token as bearer.

let fake: FakeProvider;
const token = uniqueKey("github_pat_11");
beforeAll(async () => {
  fake = await startFakeProvider({ keys: [token] });
});
afterAll(async () => {
  await fake.close();
});

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const json = { "content-type": "application/json" };

describe("GitHub's API for Copilot", () => {
  it("names the token's user and points the model API at the fake itself", async () => {
    const response = await fetch(`${fake.baseUrls.githubCopilot}/copilot_internal/user`, {
      headers: bearer(token),
    });
    expect(response.status).toBe(200);
    const user = (await response.json()) as { login: string; endpoints: { api: string } };
    expect(user.endpoints.api).toBe(`${fake.url}/copilot`);
    expect(user.login).not.toBe("");
  });

  it("refuses an unknown or missing token with GitHub's 401", async () => {
    const unknown = await fetch(`${fake.url}/copilot_internal/user`, {
      headers: bearer(uniqueKey("github_pat_11")),
    });
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toMatchObject({ message: "Bad credentials" });
    const missing = await fetch(`${fake.url}/copilot_internal/user`);
    expect(missing.status).toBe(401);
  });

  it("lists models with the endpoint each one takes", async () => {
    const refused = await fetch(`${fake.url}/copilot/models`, {
      headers: bearer(uniqueKey("gho_")),
    });
    expect(refused.status).toBe(401);
    const listed = (await (
      await fetch(`${fake.url}/copilot/models`, { headers: bearer(token) })
    ).json()) as { data: { id: string; supported_endpoints: string[] }[] };
    const byId = new Map(listed.data.map((model) => [model.id, model.supported_endpoints]));
    expect(byId.get("gpt-5-mini")).toContain("/responses");
    expect(byId.get("claude-sonnet-4.5")).toContain("/v1/messages");
  });
});

describe("Copilot's model API", () => {
  it("answers a Responses stream with copilot_usage and records it as GITHUB_COPILOT with the token", async () => {
    const response = await fetch(`${fake.url}/copilot/responses`, {
      method: "POST",
      headers: { ...bearer(token), ...json },
      body: JSON.stringify({
        model: "gpt-5-mini",
        stream: true,
        input: [{ role: "user", content: [{ type: "input_text", text: "copilot hello" }] }],
      }),
    });
    expect(response.status).toBe(200);
    const frames = await readSseFrames(response);
    const completed = frames.find((frame) => frame.event === "response.completed");
    const event = JSON.parse(completed?.data ?? "{}") as {
      copilot_usage?: { total_nano_aiu: number };
      response: { output: { content: { text: string }[] }[] };
    };
    const [call] = fake
      .calls({ provider: "GITHUB_COPILOT" })
      .filter((c) => c.prompt === "copilot hello");
    expect(call).toMatchObject({ api: "responses", key: token, auth: "bearer", status: 200 });
    expect(call?.usage).not.toBeNull();
    if (call?.usage) expect(event.copilot_usage?.total_nano_aiu).toBe(copilotNanoAiu(call.usage));
    expect(event.response.output[0]?.content[0]?.text).toBe("Echo: copilot hello");
    expect(call?.body).toMatchObject({ model: "gpt-5-mini" });
    // The OpenAI route is another provider: nothing recorded there.
    expect(fake.calls({ provider: "OPENAI" }).filter((c) => c.prompt === "copilot hello")).toEqual(
      [],
    );
  });

  it("takes Anthropic Messages with the GitHub token as bearer only", async () => {
    const body = JSON.stringify({
      model: "claude-sonnet-4.5",
      max_tokens: 100,
      messages: [{ role: "user", content: "claude via copilot" }],
    });
    const headers = { ...json, "anthropic-version": "2023-06-01" };
    const viaApiKey = await fetch(`${fake.url}/copilot/v1/messages`, {
      method: "POST",
      headers: { ...headers, "x-api-key": token },
      body,
    });
    expect(viaApiKey.status).toBe(401);
    const ok = await fetch(`${fake.url}/copilot/v1/messages`, {
      method: "POST",
      headers: { ...headers, ...bearer(token) },
      body,
    });
    expect(ok.status).toBe(200);
    expect(
      // The refused call was not parsed, so it has no prompt: these are the last two.
      fake
        .calls({ provider: "GITHUB_COPILOT", api: "messages" })
        .slice(-2)
        .map((c) => [c.status, c.key, c.prompt]),
    ).toEqual([
      [401, null, ""],
      [200, token, "claude via copilot"],
    ]);
  });

  it("applies scripts, failures and a refused key to Copilot calls like any provider's", async () => {
    fake.script({ provider: "GITHUB_COPILOT", text: "scripted for copilot" });
    const call = (key: string) =>
      fetch(`${fake.url}/copilot/responses`, {
        method: "POST",
        headers: { ...bearer(key), ...json },
        body: JSON.stringify({ model: "gpt-4.1", input: "scripted question" }),
      });
    const scripted = (await (await call(token)).json()) as {
      output: { content: { text: string }[] }[];
    };
    expect(scripted.output[0]?.content[0]?.text).toBe("scripted for copilot");
    fake.failNext(1, 429);
    expect((await call(token)).status).toBe(429);
    expect((await call(uniqueKey("ghu_"))).status).toBe(401);
  });
});
