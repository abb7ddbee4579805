import { randomBytes, randomUUID } from "node:crypto";
import type { FakeProvider } from "@agentry/fake-provider";
import { describe, expect, it } from "vitest";
import { hasChromium, SKIP_MESSAGE } from "./support/chromium.js";
import { anthropicKey, claudeToken, useBrowserSystem, type TestPage } from "./support/system.js";

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

describe.skipIf(!hasChromium)("sign-in flows run by the platform", () => {
  it("signs in to ChatGPT with a device code: shows the URL and code, waits by itself, stores the subscription; a declined and a cancelled sign-in store nothing", async () => {
    fake().setDeviceOptions({ intervalSeconds: 1, expiresInSeconds: 120 });
    const user = await system().api.signUp();
    const t = await system().page();
    const { page } = t;
    await t.openAs(user, "/account/agent-credentials");
    const count = () => system().api.prisma.credential.count({ where: { userId: user.user.id } });

    // Declined at the provider: said so, nothing stored, and it can be tried again.
    const codex = page.getByTestId("agent-codex-openai-subscription");
    await codex.getByRole("button", { name: "Sign in with ChatGPT" }).click();
    const declinedCode = await codex.getByTestId("user-code").textContent();
    fake().scriptDevice(declinedCode ?? "", ["pending", "denied"]);
    await expect
      .poll(() => codex.getByTestId("sign-in-ended").textContent(), { timeout: 30_000 })
      .toContain("declined");
    expect(await count()).toBe(0);

    // Approved: the page shows the URL and the code, then the stored subscription by itself.
    await codex.getByRole("button", { name: "Try again" }).click();
    const userCode = await codex.getByTestId("user-code").textContent();
    expect(userCode).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    // Codex's page under the issuer (the fake here).
    expect(await codex.getByTestId("verification-uri").getAttribute("href")).toBe(
      `${fake().url}/codex/device`,
    );
    expect(await codex.getByRole("status").textContent()).toContain("Waiting for you to approve");
    await t.screenshot("device-sign-in-pending");
    fake().scriptDevice(userCode ?? "", ["pending", "success"]);
    await codex.getByTestId("sign-in-done").waitFor({ timeout: 30_000 });
    await expect.poll(() => codex.getByTestId("credential-status").textContent()).toBe("Valid");
    expect(await codex.textContent()).toContain("renewed with its refresh token");
    expect(await count()).toBe(1);

    // Cancelled from the page (OpenCode's ChatGPT slot is the same credential): nothing more.
    const opencode = page.getByTestId("agent-opencode-openai-subscription");
    await opencode.getByRole("button", { name: "Sign in with ChatGPT" }).click();
    await opencode.getByTestId("user-code").waitFor();
    await opencode.getByRole("button", { name: "Cancel" }).click();
    expect(await opencode.getByTestId("sign-in-ended").textContent()).toContain("cancelled");
    expect(await count()).toBe(1);

    const minted = fake()
      .devicePolls()
      .filter((poll) => poll.userCode === userCode);
    expect(minted.length).toBeGreaterThan(0);
    const html = await page.content();
    for (const poll of fake().devicePolls()) {
      if (poll.deviceCode !== null) expect(html).not.toContain(poll.deviceCode);
    }
    await t.screenshot("device-sign-in-done");
    expect(t.errors).toEqual([]);
  }, 120_000);

  it("signs in to Claude with the code flow: opens the sign-in page, takes the pasted code, refuses a wrong one, stores the subscription once", async () => {
    const user = await system().api.signUp();
    const t = await system().page();
    const { page } = t;
    await t.openAs(user, "/account/agent-credentials");
    const slot = page.getByTestId("agent-claude-code-anthropic-subscription");
    await slot.getByRole("button", { name: "Sign in with Claude" }).click();
    const href = await slot.getByTestId("authorize-url").getAttribute("href");
    const authorize = new URL(href ?? "");
    const param = (name: string): string => authorize.searchParams.get(name) ?? "";
    expect(param("code_challenge_method")).toBe("S256");
    expect(param("response_type")).toBe("code");
    // The test plays the person at the provider's page, which shows `code#state`.
    const code = fake().authorizeCode({
      clientId: param("client_id"),
      redirectUri: param("redirect_uri"),
      codeChallenge: param("code_challenge"),
      codeChallengeMethod: param("code_challenge_method"),
      state: param("state"),
      scope: param("scope"),
    });

    const field = slot.getByLabel("Code from the sign-in page");
    await field.fill(`not-the-code#${param("state")}`);
    await slot.getByRole("button", { name: "Finish sign-in" }).click();
    await expect.poll(() => slot.locator(".field-error").count(), { timeout: 30_000 }).toBe(1);
    expect(await system().api.prisma.credential.count({ where: { userId: user.user.id } })).toBe(0);

    await field.fill(`${code}#${param("state")}`);
    await slot.getByRole("button", { name: "Finish sign-in" }).click();
    await slot.getByTestId("sign-in-done").waitFor({ timeout: 30_000 });
    await expect.poll(() => slot.getByTestId("credential-status").textContent()).toBe("Valid");
    expect(await system().api.prisma.credential.count({ where: { userId: user.user.id } })).toBe(1);
    expect(await page.content()).not.toContain(code);
    await t.screenshot("code-sign-in-done");
    expect(t.errors).toEqual([]);
  }, 120_000);
});

describe.skipIf(!hasChromium)("verifying a credential", () => {
  it("asks the provider about a stored key and shows its answer, valid or refused, changing nothing", async () => {
    const user = await system().api.signUp();
    const t = await system().page();
    const { page } = t;
    await t.openAs(user, "/account/api-keys");
    const slot = page.getByTestId("api-key-anthropic");
    const save = async (key: string): Promise<void> => {
      await slot.getByRole("textbox").fill(key);
      await slot
        .getByRole("button", { name: /Save|Replace/ })
        .last()
        .click();
      await expect
        .poll(() => slot.getByTestId("credential-hint").textContent())
        .toBe(`••••${key.slice(-4)}`);
    };

    const accepted = anthropicKey();
    fake().addKey(accepted);
    await save(accepted);
    await slot.getByRole("button", { name: "Verify" }).click();
    const answer = slot.getByTestId("credential-verification");
    await expect.poll(() => answer.getAttribute("data-result"), { timeout: 30_000 }).toBe("VALID");
    expect(await answer.textContent()).toContain("Valid");

    // A key the provider does not know: refused, with its HTTP status; the key stays stored.
    await slot.getByRole("button", { name: "Replace" }).click();
    const refused = anthropicKey();
    await save(refused);
    const before = await system().api.prisma.credential.findFirstOrThrow({
      where: { userId: user.user.id },
    });
    await slot.getByRole("button", { name: "Verify" }).click();
    await expect
      .poll(() => answer.getAttribute("data-result"), { timeout: 30_000 })
      .toBe("REFUSED");
    expect(await answer.textContent()).toContain("HTTP 401");
    const after = await system().api.prisma.credential.findFirstOrThrow({
      where: { userId: user.user.id },
    });
    expect(after).toEqual(before);
    expect(await page.content()).not.toContain(refused);
    await t.screenshot("verify-credential");
    expect(t.errors).toEqual([]);
  }, 120_000);
});
