import { randomBytes, randomUUID } from "node:crypto";
import type { FakeProvider } from "@agentry/fake-provider";
import { describe, expect, it } from "vitest";
import { hasChromium, SKIP_MESSAGE } from "./support/chromium.js";
import { claudeToken, useBrowserSystem, type TestPage } from "./support/system.js";

// A person sets up a coding agent's subscription under Agent Credentials, spawns the agent, and
// chats with it: the real worker runs the real CLI (process runtime) against the fake provider.

if (!hasChromium) console.warn(SKIP_MESSAGE);

const system = useBrowserSystem({ worker: true });
const fake = (): FakeProvider => {
  const provider = system().fake;
  if (provider === undefined) throw new Error("no fake provider");
  return provider;
};

const base64url = (value: object): string =>
  Buffer.from(JSON.stringify(value)).toString("base64url");

/** A ChatGPT sign-in as `codex login` writes ~/.codex/auth.json, valid for an hour. */
function codexAuthJson(): { secret: string; accessToken: string } {
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const accountId = randomUUID();
  const claims = { exp, "https://api.openai.com/auth": { chatgpt_account_id: accountId } };
  const jwt = (extra: object) =>
    `${base64url({ alg: "none", typ: "JWT" })}.${base64url({ ...claims, ...extra })}.${randomBytes(16).toString("base64url")}`;
  const accessToken = jwt({ sub: randomUUID() });
  const secret = JSON.stringify({
    auth_mode: "chatgpt",
    OPENAI_API_KEY: null,
    tokens: {
      id_token: jwt({ email: "dev@example.test" }),
      access_token: accessToken,
      refresh_token: `rt_${randomBytes(30).toString("base64url")}`,
      account_id: accountId,
    },
    last_refresh: new Date().toISOString(),
  });
  return { secret, accessToken };
}

async function createSession(token: string, name: string): Promise<string> {
  const data = await system().api.ok<{ createSession: { id: string } }>(
    `mutation ($input: CreateSessionInput!) { createSession(input: $input) { id } }`,
    { input: { name } },
    token,
  );
  return data.createSession.id;
}

async function chat(t: TestPage, kind: string, label: string, model: string): Promise<void> {
  const { page } = t;
  await page.getByLabel("Agent", { exact: true }).selectOption(kind);
  await expect
    .poll(() => page.getByTestId("spawn-credential").textContent())
    .toMatch(/^First message uses your /);
  await page.getByLabel(/^Model/).fill(model);
  await page.getByRole("button", { name: "Spawn agent" }).click();
  await page.getByRole("region", { name: `Chat with ${label} · ${model}` }).waitFor();
  const text = `hello ${label} ${randomUUID()}`;
  const input = page.getByLabel(/^Message to /);
  await input.fill(text);
  await input.press("Enter");
  // The CLI sends its own context with the message, so the fake's echo holds more than the text.
  await expect
    .poll(() => page.locator(".message-user").filter({ hasText: text }).textContent(), {
      timeout: 150_000,
    })
    .toMatch(/Done · ran with the account key · .* tokens · \d+ calls? · \$/);
  const reply = page.locator(".message-assistant:not(.message-streaming)").last();
  expect(await reply.textContent()).toContain("Echo:");
  await expect.poll(() => page.getByTestId("usage-calls").textContent()).not.toBe("0");
  expect(await page.getByTestId("usage-tokens").textContent()).not.toBe("0");
}

describe.skipIf(!hasChromium)("coding agents with a subscription", () => {
  it("runs Claude Code with the Claude subscription token saved under Agent Credentials", async () => {
    const user = await system().api.signUp();
    const token = claudeToken();
    fake().addKey(token);
    const sessionId = await createSession(user.token, "Claude Code with a subscription");
    const t = await system().page();
    const { page } = t;

    await t.openAs(user, "/account/agent-credentials");
    const slot = page.getByTestId("agent-claude-code-anthropic-subscription");
    await slot.getByLabel("Claude Code token").fill(token);
    await slot.getByRole("button", { name: "Save" }).click();
    await expect
      .poll(() => slot.getByTestId("credential-hint").textContent())
      .toBe(`••••${token.slice(-4)}`);

    await page.goto(`/sessions/${sessionId}`);
    await chat(t, "CLAUDE_CODE", "Claude Code", "claude-haiku-4-5");
    const calls = fake()
      .calls()
      .filter((call) => call.key === token);
    expect(calls.length).toBeGreaterThan(0);
    expect(await page.content()).not.toContain(token);
    await t.screenshot("claude-code-subscription");
    expect(t.errors).toEqual([]);
  }, 240_000);

  it("runs Codex with the ChatGPT sign-in (auth.json) saved under Agent Credentials", async () => {
    const user = await system().api.signUp();
    const { secret, accessToken } = codexAuthJson();
    fake().addKey(accessToken);
    const sessionId = await createSession(user.token, "Codex with a ChatGPT sign-in");
    const t = await system().page();
    const { page } = t;

    await t.openAs(user, "/account/agent-credentials");
    const slot = page.getByTestId("agent-codex-openai-subscription");
    await slot.getByLabel("Contents of auth.json").fill(secret);
    await slot.getByRole("button", { name: "Save" }).click();
    await expect
      .poll(() => slot.getByTestId("credential-hint").textContent())
      .toBe(`••••${accessToken.slice(-4)}`);

    await page.goto(`/sessions/${sessionId}`);
    await chat(t, "CODEX", "Codex", "gpt-5.4-mini");
    expect(
      fake()
        .calls()
        .some((call) => call.key === accessToken),
    ).toBe(true);
    expect(await page.content()).not.toContain(accessToken);
    await t.screenshot("codex-subscription");
    expect(t.errors).toEqual([]);
  }, 240_000);
});

describe.skipIf(!hasChromium)("an expired subscription", () => {
  it("is marked expired with what to run under Agent Credentials, and its message fails AUTHENTICATION_FAILED saying so, before any call", async () => {
    const user = await system().api.signUp();
    const token = claudeToken();
    fake().addKey(token);
    const sessionId = await createSession(user.token, "Claude Code, expired");
    const t = await system().page();
    const { page } = t;

    await t.openAs(user, "/account/agent-credentials");
    const slot = page.getByTestId("agent-claude-code-anthropic-subscription");
    await slot.getByLabel("Claude Code token").fill(token);
    await slot.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => slot.getByTestId("credential-status").textContent()).toBe("Valid");
    expect(await slot.getByTestId("credential-fix").count()).toBe(0);

    // A year on: the token's expiry (as `claude setup-token` tokens have) has passed.
    await system().api.prisma.credential.updateMany({
      where: { userId: user.user.id, provider: "ANTHROPIC", kind: "SUBSCRIPTION" },
      data: { expiresAt: new Date(Date.now() - 60_000) },
    });
    await page.reload();
    await expect.poll(() => slot.getByTestId("credential-status").textContent()).toBe("Expired");
    expect(await slot.getByTestId("credential-fix").textContent()).toContain("claude setup-token");

    await page.goto(`/sessions/${sessionId}`);
    await page.getByLabel("Agent", { exact: true }).selectOption("CLAUDE_CODE");
    await page.getByLabel("Model (optional)").fill("claude-haiku-4-5");
    await page.getByRole("button", { name: "Spawn agent" }).click();
    await page.getByRole("region", { name: "Chat with Claude Code · claude-haiku-4-5" }).waitFor();
    const callsBefore = fake().calls().length;
    const text = `expired ${randomUUID()}`;
    const input = page.getByLabel(/^Message to /);
    await input.fill(text);
    await input.press("Enter");
    const alert = page.locator(".message-user").filter({ hasText: text }).getByRole("alert");
    await alert.waitFor({ timeout: 60_000 });
    expect(await alert.getAttribute("data-code")).toBe("AUTHENTICATION_FAILED");
    expect(await alert.textContent()).toContain("claude setup-token");
    await alert.getByRole("link").first().click();
    await expect.poll(() => new URL(page.url()).pathname).toBe("/account/agent-credentials");
    await expect
      .poll(() => slot.getByTestId("credential-status").textContent())
      .toMatch(/Expired|Refused/);
    expect(fake().calls().length).toBe(callsBefore);
    expect(await page.content()).not.toContain(token);
    await t.screenshot("expired-subscription");
    expect(t.errors).toEqual([]);
  }, 180_000);
});
