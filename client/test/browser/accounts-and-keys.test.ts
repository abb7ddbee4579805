import { mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { hasChromium, SKIP_MESSAGE } from "./support/chromium.js";
import { anthropicKey, claudeToken, useBrowserSystem, type TestPage } from "./support/system.js";

// The flows that need no worker: accounts, sessions and their keys, account credentials,
// admin, and what another user may not see — in Chromium, against the real api.

if (!hasChromium) console.warn(SKIP_MESSAGE);

const system = useBrowserSystem();

/** The sessions list's page size (SESSIONS_PAGE_SIZE in src/sessions/sessions-page.tsx). */
const SESSIONS_PAGE_SIZE = 20;

const randomEmail = (): string => `person-${Math.random().toString(36).slice(2, 10)}@test.example`;

/** The README's pictures (committed): refreshed on request only, of the viewport as seen. */
async function docsScreenshot(t: TestPage, name: string): Promise<void> {
  if (process.env["UPDATE_DOCS_SCREENSHOTS"] !== "1") return;
  const dir = fileURLToPath(new URL("../../../docs/screenshots/", import.meta.url));
  await mkdir(dir, { recursive: true });
  await t.page.screenshot({ path: path.join(dir, name) });
}

/** The page's whole HTML, to check that a secret appears nowhere in it. */
const html = (t: TestPage): Promise<string> => t.page.content();

async function setAccountKey(token: string, secret: string): Promise<void> {
  await system().api.ok(
    `mutation ($secret: String!) { setAccountCredential(provider: ANTHROPIC, kind: API_KEY, secret: $secret) { id } }`,
    { secret },
    token,
  );
}

async function createSession(token: string, name: string, secret?: string): Promise<string> {
  const data = await system().api.ok<{ createSession: { id: string } }>(
    `mutation ($input: CreateSessionInput!) { createSession(input: $input) { id } }`,
    {
      input: {
        name,
        ...(secret === undefined ? {} : { providerKey: { provider: "ANTHROPIC", secret } }),
      },
    },
    token,
  );
  return data.createSession.id;
}

describe.skipIf(!hasChromium)("signing up and in", () => {
  it("signs up, stays signed in across a reload, signs out, and explains a wrong password and a taken email", async () => {
    const t = await system().page();
    const { page } = t;
    const email = randomEmail();

    await page.goto("/");
    await page.waitForURL(/\/sign-in/);
    await page.getByRole("link", { name: "Create one" }).click();
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("correct horse battery");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("heading", { name: "Sessions", level: 1 }).waitFor();
    await page.getByText("No sessions yet").waitFor();

    await page.reload();
    await page.getByRole("heading", { name: "Sessions", level: 1 }).waitFor();
    // The account menu: the avatar's initials, its items by keyboard, then Sign out.
    const avatar = page.getByRole("button", { name: `Account menu for ${email}` });
    // person-<random>@…: the first letters of its two words.
    expect(await avatar.locator("[aria-hidden=true]").textContent()).toBe(
      `P${email.charAt(7).toUpperCase()}`,
    );
    expect(await avatar.getAttribute("aria-expanded")).toBe("false");
    await avatar.focus();
    await page.keyboard.press("ArrowDown");
    const menu = page.getByRole("menu", { name: "Account" });
    expect(await menu.getByRole("menuitem").allTextContents()).toEqual([
      "Settings",
      "Agent Credentials",
      "Access tokens",
      "Sign out",
    ]);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Settings");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Agent Credentials" }).waitFor();
    expect(await avatar.getAttribute("aria-expanded")).toBe("false");
    await avatar.click();
    await t.screenshot("account-menu");
    await docsScreenshot(t, "account-menu.png");
    await page.keyboard.press("Escape");
    expect(await menu.isVisible()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-haspopup"))).toBe(
      "menu",
    );

    await avatar.click();
    await menu.getByRole("menuitem", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    expect(await page.evaluate(() => localStorage.getItem("agentry.token"))).toBeNull();

    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect
      .poll(() => page.getByRole("alert").textContent())
      .toContain("Wrong email or password.");
    await t.screenshot("sign-in-wrong-password");

    await page.getByRole("link", { name: "Create one" }).click();
    await page.getByLabel("Email").fill(email.toUpperCase());
    await page.getByLabel("Password").fill("another password");
    await page.getByRole("button", { name: "Create account" }).click();
    const emailInput = page.getByLabel("Email");
    await expect.poll(() => emailInput.getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("#email-error").textContent()).toBe(
      "An account with this email already exists",
    );
    // The message is tied to the field for screen readers, and the field has focus.
    expect(await emailInput.getAttribute("aria-describedby")).toContain("email-error");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("email");
    await t.screenshot("sign-up-taken-email");

    await page.getByRole("link", { name: "Sign in" }).click();
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("correct horse battery");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Sessions", level: 1 }).waitFor();
    expect(t.errors).toEqual([]);
  });

  it("sends someone whose token was revoked back to sign in, and then back to where they were", async () => {
    const user = await system().api.signUp();
    const sessionId = await createSession(user.token, "Before the revocation");
    const t = await system().page();
    const { page } = t;
    await t.openAs(user, "/");
    await page.getByRole("link", { name: "Before the revocation" }).waitFor();
    // Signed out elsewhere: the token stops working at once.
    await system().api.ok(`mutation { signOut }`, {}, user.token);
    await page.getByRole("link", { name: "Before the revocation" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    expect(await page.getByRole("status").textContent()).toBe(
      "Your sign-in has ended — sign in again.",
    );
    expect(new URL(page.url()).searchParams.get("next")).toBe(`/sessions/${sessionId}`);
    await t.screenshot("sign-in-after-revocation");
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Before the revocation", level: 1 }).waitFor();
    expect(await page.title()).toBe("Before the revocation · Agentry");
  });

  it("returns to the page it was sent away from after signing in", async () => {
    const user = await system().api.signUp();
    const t = await system().page();
    await t.page.goto("/account/api-keys");
    await t.page.waitForURL(/\/sign-in\?next=%2Faccount%2Fapi-keys/);
    await t.page.getByLabel("Email").fill(user.email);
    await t.page.getByLabel("Password").fill(user.password);
    await t.page.getByRole("button", { name: "Sign in" }).click();
    await t.page.getByRole("heading", { name: "API Keys" }).waitFor();
    expect(new URL(t.page.url()).pathname).toBe("/account/api-keys");
  });
});

describe.skipIf(!hasChromium)("sessions and their keys", () => {
  it("creates a session with a key under Advanced Options, shows it in Session Settings by its hint, and after removal shows the account key taking over", async () => {
    const user = await system().api.signUp();
    const accountKey = anthropicKey();
    await setAccountKey(user.token, accountKey);
    const sessionKey = anthropicKey();
    const t = await system().page();
    const { page } = t;

    await t.openAs(user, "/");
    await page.getByRole("link", { name: "New session" }).click();
    await page.getByLabel("Name").fill("Payments refactor");
    await page.getByLabel("Repository (optional)").fill("https://github.com/acme/payments.git");
    // The key field is hidden until Advanced Options is opened.
    expect(await page.getByLabel("API key").isVisible()).toBe(false);
    await page.getByText("Advanced Options").click();
    await page.getByLabel("Provider").selectOption("ANTHROPIC");
    await page.getByLabel("API key").fill(sessionKey);
    await t.screenshot("new-session-advanced-options");
    await page.getByRole("button", { name: "Create" }).click();

    await page.getByRole("heading", { name: "Payments refactor", level: 1 }).waitFor();
    await page.getByText("https://github.com/acme/payments.git").waitFor();
    await page.getByRole("link", { name: "Session settings" }).click();

    const keySource = page.getByTestId("key-source");
    await expect.poll(() => keySource.textContent()).toContain("Using this session's key");
    expect(await page.getByTestId("credential-hint").textContent()).toBe(
      `••••${sessionKey.slice(-4)}`,
    );
    expect(
      await page.getByRole("switch", { name: "Use different key for this session" }).isChecked(),
    ).toBe(true);
    expect(await html(t)).not.toContain(sessionKey);
    await t.screenshot("session-settings-session-key");

    await page.getByRole("button", { name: "Remove Session Key" }).click();
    const dialog = page.getByRole("dialog", { name: "Remove the session key?" });
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Remove Session Key" }).click();
    await expect.poll(() => keySource.textContent()).toContain("Using your account key");
    await page.getByText("Your account key takes over from the next message.").waitFor();
    expect(await page.getByTestId("credential-hint").count()).toBe(0);
    await t.screenshot("session-settings-account-key-takes-over");

    const data = await system().api.ok<{ session: { keys: unknown[] } }>(
      `query ($id: ID!) { session(id: $id) { keys { id } } }`,
      { id: new URL(page.url()).pathname.split("/")[2] },
      user.token,
    );
    expect(data.session.keys).toEqual([]);

    // And a new one, pasted with the toggle, is used again.
    const replacement = anthropicKey();
    await page.getByRole("switch", { name: "Use different key for this session" }).check();
    await page.getByLabel("Anthropic key for this session").fill(replacement);
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => keySource.textContent()).toContain("Using this session's key");
    expect(await page.getByTestId("credential-hint").textContent()).toBe(
      `••••${replacement.slice(-4)}`,
    );
    expect(t.errors).toEqual([]);
  });

  it("says which key each agent would use: a Claude subscription serves Claude Code, not the chat agent", async () => {
    const user = await system().api.signUp();
    await system().api.ok(
      `mutation ($secret: String!) { setAccountCredential(provider: ANTHROPIC, kind: SUBSCRIPTION, secret: $secret) { id } }`,
      { secret: claudeToken() },
      user.token,
    );
    const sessionId = await createSession(user.token, "Subscription only");
    const t = await system().page();
    await t.openAs(user, `/sessions/${sessionId}/settings/key`);
    const keySource = t.page.getByTestId("key-source");
    await expect.poll(() => keySource.textContent()).toContain("No key — add one");
    expect(await keySource.textContent()).toContain("(Chat)");
    await t.page.getByLabel("Agent", { exact: true }).selectOption("CLAUDE_CODE");
    await expect.poll(() => keySource.textContent()).toContain("Using your account key");
    expect(await keySource.textContent()).toContain("(Claude Code)");
    await t.screenshot("session-settings-per-agent");
  });

  it("shows an api refusal of a key at its field, in the api's words", async () => {
    const user = await system().api.signUp();
    const t = await system().page();
    await t.openAs(user, "/sessions/new");
    await t.page.getByLabel("Name").fill("Bad key");
    await t.page.getByText("Advanced Options").click();
    await t.page.getByLabel("API key").fill("not-an-anthropic-key");
    await t.page.getByRole("button", { name: "Create" }).click();
    const error = t.page.locator("#session-secret-error");
    await error.waitFor();
    expect(await error.textContent()).toMatch(/starts with sk-ant-/);
    expect(new URL(t.page.url()).pathname).toBe("/sessions/new");
  });

  it("lists sessions with their usage and sorts them by cost across pages, from the first page", async () => {
    const user = await system().api.signUp();
    const names = ["Alpha", "Bravo", "Charlie"];
    const ids: string[] = [];
    for (const name of names) ids.push(await createSession(user.token, name));
    // Usage as the worker records it: rows in the rollup the api reads.
    const costs = [0.5, 12.25, 0.0042];
    for (const [index, id] of ids.entries()) {
      await system().api.prisma.sessionUsage.create({
        data: {
          sessionId: id,
          costUsd: costs[index] ?? 0,
          apiCalls: index + 1,
          inputTokens: 1000n * BigInt(index + 1),
        },
      });
    }
    // A full page of newer sessions without usage pushes the three above onto page 2.
    for (let i = 0; i < SESSIONS_PAGE_SIZE; i += 1) {
      await createSession(user.token, `Filler ${String(i).padStart(2, "0")}`);
    }
    const t = await system().page();
    await t.openAs(user, "/");
    const rows = t.page.locator(".sessions-table tbody tr");
    const links = rows.locator(".session-link");
    const pageLabel = t.page.getByText(/^Page \d+ of \d+$/);
    await expect.poll(() => rows.count()).toBe(SESSIONS_PAGE_SIZE);
    // Newest first, as the api lists them by default.
    expect(await links.first().textContent()).toBe("Filler 19");
    expect(await links.allTextContents()).not.toContain("Bravo");
    await t.page.getByRole("button", { name: "Next" }).click();
    await expect.poll(() => links.allTextContents()).toEqual(["Charlie", "Bravo", "Alpha"]);
    expect(await pageLabel.textContent()).toBe("Page 2 of 2");

    // By cost, most expensive first: the api orders all pages, and the list starts over.
    await t.page.getByRole("button", { name: "Est. cost" }).click();
    await expect
      .poll(async () => (await links.allTextContents()).slice(0, 3))
      .toEqual(["Bravo", "Alpha", "Charlie"]);
    expect(await rows.count()).toBe(SESSIONS_PAGE_SIZE);
    expect(await pageLabel.textContent()).toBe("Page 1 of 2");
    expect(await t.page.locator("th[aria-sort=descending]").textContent()).toContain("Est. cost");
    expect(await rows.first().textContent()).toContain("$12.25");
    expect(await rows.nth(2).textContent()).toContain("$0.0042");
    expect(await t.page.locator("#sort-note").count()).toBe(0);

    // Cheapest first: a full page of sessions without usage (they count as $0), then the rest.
    await t.page.getByRole("button", { name: "Est. cost" }).click();
    await expect.poll(() => links.first().textContent()).toMatch(/^Filler/);
    expect(await links.allTextContents()).not.toContain("Charlie");
    expect(await t.page.locator("th[aria-sort=ascending]").textContent()).toContain("Est. cost");
    await t.page.getByRole("button", { name: "Next" }).click();
    await expect.poll(() => links.allTextContents()).toEqual(["Charlie", "Alpha", "Bravo"]);
    await t.screenshot("sessions-sorted-by-cost");

    // The agent count is no api ordering: that sort says it orders this page only.
    await t.page.getByRole("button", { name: "Agents" }).click();
    await expect.poll(() => pageLabel.textContent()).toBe("Page 1 of 2");
    expect(await t.page.locator("#sort-note").textContent()).toContain("on this page");
  });
});

describe.skipIf(!hasChromium)("account credentials", () => {
  it("adds, replaces and removes an account API key, showing only its hint and dates", async () => {
    const user = await system().api.signUp();
    const t = await system().page();
    const { page } = t;
    await t.openAs(user, "/account/api-keys");
    const card = page.getByTestId("api-key-anthropic");
    await card.waitFor();

    await card.getByLabel("API key", { exact: true }).fill("hello");
    await card.getByRole("button", { name: "Save" }).click();
    expect(await card.locator(".field-error").textContent()).toBe(
      "An Anthropic API key starts with sk-ant-.",
    );

    const first = anthropicKey();
    await card.getByLabel("API key", { exact: true }).fill(first);
    await card.getByRole("button", { name: "Save" }).click();
    await expect
      .poll(() => card.getByTestId("credential-hint").textContent())
      .toBe(`••••${first.slice(-4)}`);
    expect(await card.textContent()).toContain("Added");
    expect(await card.textContent()).toContain("Last usedNever");

    const second = anthropicKey();
    await card.getByRole("button", { name: "Replace" }).click();
    await card.getByLabel("New API key").fill(second);
    await card.getByRole("button", { name: "Replace" }).click();
    await expect
      .poll(() => card.getByTestId("credential-hint").textContent())
      .toBe(`••••${second.slice(-4)}`);
    expect(await card.textContent()).toContain("Replaced");
    const content = await html(t);
    expect(content).not.toContain(first);
    expect(content).not.toContain(second);
    await t.screenshot("account-api-keys");

    await card.getByRole("button", { name: "Remove" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Remove" }).click();
    await expect.poll(() => card.getByTestId("credential-hint").count()).toBe(0);
    const data = await system().api.ok<{ accountCredentials: unknown[] }>(
      `{ accountCredentials { id } }`,
      {},
      user.token,
    );
    expect(data.accountCredentials).toEqual([]);
  });

  it("has a panel per agent with its setup steps; checks each credential with its own message, then stores it under every agent that uses it", async () => {
    const user = await system().api.signUp();
    const t = await system().page();
    const { page } = t;
    await t.openAs(user, "/account/agent-credentials");

    const claude = page.getByTestId("agent-claude-code");
    await expect
      .poll(() => claude.locator(".steps code").allTextContents())
      .toContain("claude setup-token");
    const subscriptionSlot = page.getByTestId("agent-claude-code-anthropic-subscription");
    expect(await subscriptionSlot.getByRole("button", { name: "Save Credentials" }).count()).toBe(
      1,
    );
    // Checked as strictly as the api checks: a token's prefix alone is refused.
    await subscriptionSlot.getByLabel("Claude Code token").fill("sk-ant-oat01-");
    await subscriptionSlot.getByRole("button", { name: "Save" }).click();
    expect(await subscriptionSlot.locator(".field-error").textContent()).toMatch(
      /only the start of a Claude Code token/,
    );
    // Each agent's panel folds away and opens again.
    const gemini = page.getByTestId("agent-gemini-cli");
    await gemini.locator("summary").click();
    expect(await gemini.locator("input").first().isVisible()).toBe(false);
    await gemini.locator("summary").click();
    expect(await gemini.locator("input").first().isVisible()).toBe(true);
    await subscriptionSlot.getByLabel("Claude Code token").fill(anthropicKey());
    await subscriptionSlot.getByRole("button", { name: "Save" }).click();
    expect(await subscriptionSlot.locator(".field-error").textContent()).toMatch(
      /API key, not a Claude Code token/,
    );
    const token = claudeToken();
    await subscriptionSlot.getByLabel("Claude Code token").fill(token);
    await subscriptionSlot.getByRole("button", { name: "Save" }).click();
    await expect
      .poll(() => subscriptionSlot.getByTestId("credential-hint").textContent())
      .toBe(`••••${token.slice(-4)}`);

    const codex = page.getByTestId("agent-codex-openai-subscription");
    expect(await page.getByTestId("agent-codex").textContent()).toContain(
      "codex login --device-auth",
    );
    await codex.getByLabel("Contents of auth.json").fill('{"auth_mode":"apikey"}');
    await codex.getByRole("button", { name: "Save" }).click();
    expect(await codex.locator(".field-error").textContent()).toMatch(/codex login/);

    const copilot = page.getByTestId("agent-copilot-github_copilot-subscription");
    await copilot.getByLabel("GitHub token", { exact: true }).fill("ghp_classic");
    await copilot.getByRole("button", { name: "Save" }).click();
    expect(await copilot.locator(".field-error").textContent()).toMatch(/Classic ghp_ tokens/);

    // One Anthropic API key, saved under Claude Code, is the one OpenCode and Chat show too;
    // OpenCode offers no Claude subscription, Gemini CLI only a Gemini API key.
    const key = anthropicKey();
    const claudeKey = page.getByTestId("agent-claude-code-anthropic-api_key");
    await claudeKey.getByLabel("API key", { exact: true }).fill(key);
    await claudeKey.getByRole("button", { name: "Save" }).click();
    await expect
      .poll(() =>
        page
          .getByTestId("agent-opencode-anthropic-api_key")
          .getByTestId("credential-hint")
          .textContent(),
      )
      .toBe(`••••${key.slice(-4)}`);
    expect(
      await page
        .getByTestId("agent-chat-anthropic-api_key")
        .getByTestId("credential-hint")
        .textContent(),
    ).toBe(`••••${key.slice(-4)}`);
    expect(await page.getByTestId("agent-opencode-anthropic-subscription").count()).toBe(0);
    expect(await page.getByTestId("agent-gemini-cli").locator("h4").allTextContents()).toEqual([
      "1. Gemini API key",
    ]);
    expect(await html(t)).not.toContain(token);
    expect(await html(t)).not.toContain(key);
    await t.screenshot("account-agent-credentials");
  });
});

describe.skipIf(!hasChromium)("spawning an agent", () => {
  it("names agents so two of a kind can be told apart, and renames one from its chat", async () => {
    const user = await system().api.signUp();
    const sessionId = await createSession(user.token, "Two chats");
    const t = await system().page();
    const { page } = t;
    await t.openAs(user, `/sessions/${sessionId}`);
    for (let index = 0; index < 2; index += 1) {
      await page.getByLabel("Agent", { exact: true }).selectOption("CHAT");
      await page.getByLabel("Model (optional)").fill("claude-haiku-4-5");
      await page.getByRole("button", { name: "Spawn agent" }).click();
      await expect.poll(() => page.locator(".agent-item").count()).toBe(index + 1);
    }
    expect(await page.locator(".agent-name").allTextContents()).toEqual(["Chat", "Chat 2"]);
    await page.getByRole("region", { name: "Chat with Chat 2 · claude-haiku-4-5" }).waitFor();

    await page.getByRole("button", { name: "Rename" }).click();
    const field = page.getByLabel("The agent's name");
    expect(await field.inputValue()).toBe("Chat 2");
    await field.fill("   ");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    expect(await page.locator(".rename-agent .field-error").textContent()).toMatch(/1 to 200/);
    await field.fill("reviewer");
    await field.press("Enter");
    await page.getByRole("region", { name: "Chat with reviewer · claude-haiku-4-5" }).waitFor();
    await expect
      .poll(() => page.locator(".agent-name").allTextContents())
      .toEqual(["Chat", "reviewer"]);
    expect(await page.locator(".agent-item").nth(1).textContent()).toContain("Chat · Anthropic");
    await t.screenshot("agent-names");
    expect(t.errors).toEqual([]);
  });

  it("offers the models the price list knows for the provider, and marks a custom one unpriced", async () => {
    const user = await system().api.signUp();
    const sessionId = await createSession(user.token, "Models");
    const t = await system().page();
    const { page } = t;
    await t.openAs(user, `/sessions/${sessionId}`);
    await page.getByLabel("Provider").selectOption("ANTHROPIC");
    const options = page.getByTestId("agent-models").locator("option");
    await expect.poll(() => options.count()).toBeGreaterThan(3);
    const ids = await options.evaluateAll((nodes) =>
      nodes.map((node) => node.getAttribute("value")),
    );
    expect(ids[0]).toBe("claude-sonnet-4-5");
    expect(ids).toContain("claude-haiku-4-5");
    expect(ids.every((id) => id?.startsWith("claude"))).toBe(true);
    const model = page.getByLabel("Model (optional)");
    await model.fill("my-fine-tune");
    await page.getByTestId("model-unpriced").waitFor();
    await model.fill("claude-haiku-4-5");
    expect(await page.getByTestId("model-unpriced").count()).toBe(0);
    await page.getByLabel("Provider").selectOption("GEMINI");
    await expect
      .poll(() => options.evaluateAll((nodes) => nodes.map((node) => node.getAttribute("value"))))
      .toContain("gemini-2.5-flash");
    expect(t.errors).toEqual([]);
  });

  it("offers Claude Code and shows which credential its first message would use before anything is sent", async () => {
    const user = await system().api.signUp();
    const token = claudeToken();
    await system().api.ok(
      `mutation ($secret: String!) { setAccountCredential(provider: ANTHROPIC, kind: SUBSCRIPTION, secret: $secret) { id } }`,
      { secret: token },
      user.token,
    );
    const sessionId = await createSession(user.token, "Spawn with a subscription");
    const t = await system().page();
    const { page } = t;
    await t.openAs(user, `/sessions/${sessionId}`);
    const credential = page.getByTestId("spawn-credential");

    // The chat agent cannot use a subscription: nothing it could run with, and where to fix it.
    await expect.poll(() => credential.textContent()).toContain("No credential it can use");
    expect(await credential.getByRole("link").getAttribute("href")).toBe(
      "/account/agent-credentials#agent-chat",
    );

    const kinds = await page
      .getByLabel("Agent", { exact: true })
      .locator("option")
      .allTextContents();
    expect(kinds).toEqual([
      "Chat",
      "Claude Code",
      "Codex",
      "Gemini CLI",
      "GitHub Copilot",
      "OpenCode",
    ]);
    await page.getByLabel("Agent", { exact: true }).selectOption("CLAUDE_CODE");
    await expect
      .poll(() => credential.textContent())
      .toBe(`First message uses your Claude subscription token (••••${token.slice(-4)}).`);
    expect(await page.getByLabel("Provider").isDisabled()).toBe(true);
    await t.screenshot("spawn-form-claude-code");

    await page.getByRole("button", { name: "Spawn agent" }).click();
    await page.getByRole("region", { name: "Chat with Claude Code · claude-sonnet-4-5" }).waitFor();
    expect(await page.locator(".agent-list").textContent()).toContain(
      "Anthropic · claude-sonnet-4-5",
    );
    expect(await html(t)).not.toContain(token);

    // The link of a kind without a credential opens that agent's panel.
    await page.getByLabel("Agent", { exact: true }).selectOption("CODEX");
    await expect
      .poll(() => credential.textContent())
      .toContain("No credential it can use with OpenAI");
    await credential.getByRole("link", { name: "Set up Codex" }).click();
    const panel = page.getByTestId("agent-codex");
    await panel.waitFor();
    expect(new URL(page.url()).hash).toBe("#agent-codex");
    await expect
      .poll(() => panel.evaluate((element) => element === document.activeElement))
      .toBe(true);
  });
});

describe.skipIf(!hasChromium)("admin", () => {
  it("shows an admin the users and their credentials' metadata only, and deletes one", async () => {
    const admin = await system().api.signUpAdmin();
    const user = await system().api.signUp();
    const secret = anthropicKey();
    await setAccountKey(user.token, secret);

    const t = await system().page();
    const { page } = t;
    await t.openAs(admin, "/admin");
    await page.getByRole("link", { name: user.email }).click();
    const table = page.getByTestId("user-credentials");
    await table.waitFor();
    expect(await table.textContent()).toContain(`••••${secret.slice(-4)}`);
    expect(await table.textContent()).toContain("Anthropic");
    expect(await html(t)).not.toContain(secret);
    // There is nothing to reveal: no control offers the secret.
    expect(await page.getByRole("button", { name: /show|reveal|view|copy/i }).count()).toBe(0);
    await t.screenshot("admin-user-credentials");

    await page.getByRole("button", { name: `Delete Anthropic API key of ${user.email}` }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
    // The user's own card (the All credentials table below may be empty too).
    await page
      .getByRole("region", { name: `Credentials of ${user.email}` })
      .getByText("No credentials stored.")
      .waitFor();
    const data = await system().api.ok<{ accountCredentials: unknown[] }>(
      `{ accountCredentials { id } }`,
      {},
      user.token,
    );
    expect(data.accountCredentials).toEqual([]);
  });

  it("keeps the admin page from a user who is not an admin", async () => {
    const user = await system().api.signUp();
    const t = await system().page();
    await t.openAs(user, "/admin");
    await t.page.getByText("Only administrators see this page.").waitFor();
    expect(await t.page.getByRole("link", { name: "Admin" }).count()).toBe(0);
  });
});

describe.skipIf(!hasChromium)("another user", () => {
  it("sees none of someone else's sessions, keys or usage", async () => {
    const owner = await system().api.signUp();
    const sessionId = await createSession(owner.token, "Private work", anthropicKey());
    const other = await system().api.signUp();

    const t = await system().page();
    const { page } = t;
    await t.openAs(other, "/");
    await page.getByText("No sessions yet").waitFor();
    expect(await page.content()).not.toContain("Private work");

    await page.goto(`/sessions/${sessionId}`);
    await page.getByRole("heading", { name: "Session not found" }).waitFor();
    await page.goto(`/sessions/${sessionId}/settings/key`);
    await page.getByText("This session does not exist or is not shared with you.").waitFor();
    expect(await page.getByTestId("key-source").count()).toBe(0);
    await page.goto(`/sessions/${sessionId}/settings/usage`);
    await page.getByText("This session does not exist or is not shared with you.").waitFor();
    await t.screenshot("other-user-sees-nothing");
  });
});

describe.skipIf(!hasChromium)("phone width", () => {
  it("fits the sessions list and a session page into 375 pixels without sideways scrolling", async () => {
    const user = await system().api.signUp();
    const sessionId = await createSession(
      user.token,
      "A session with a rather long name for a phone",
    );
    const t = await system().page({ width: 375, height: 740 });
    await t.openAs(user, "/");
    await t.page.locator(".sessions-table").waitFor();
    const overflow = () =>
      t.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await t.screenshot("phone-sessions");
    await t.page.goto(`/sessions/${sessionId}`);
    await t.page.getByTestId("usage-counter").waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await t.screenshot("phone-session");
    await t.page.goto(`/sessions/${sessionId}/settings/usage`);
    // No call yet: a sentence, not an empty chart.
    await t.page.getByTestId("usage-empty").waitFor();
    expect(await t.page.getByTestId("usage-chart").count()).toBe(0);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await t.screenshot("phone-usage-stats");
  });
});

describe.skipIf(!hasChromium)("key hygiene", () => {
  it("shows each key's age, reminds to rotate one older than 90 days, and lists a session's keys with the session", async () => {
    const user = await system().api.signUp();
    await setAccountKey(user.token, anthropicKey());
    const sessionKey = anthropicKey();
    const sessionId = await createSession(user.token, "Aged keys", sessionKey);
    const t = await system().page();
    const { page } = t;
    await t.openAs(user, "/account/api-keys");
    const slot = page.getByTestId("api-key-anthropic");
    await expect.poll(() => slot.getByTestId("credential-age").textContent()).toBe("set today");

    // 120 days on, for both keys.
    await system().api.prisma.credential.updateMany({
      where: { OR: [{ userId: user.user.id }, { sessionId }] },
      data: { secretSetAt: new Date(Date.now() - 120 * 24 * 3600 * 1000) },
    });
    await page.reload();
    await expect
      .poll(() => slot.getByTestId("credential-age").textContent())
      .toBe("set 120 days ago Rotate it");
    await page.goto(`/sessions/${sessionId}`);
    const keys = page.getByTestId("session-keys");
    await expect
      .poll(() => keys.textContent())
      .toMatch(
        new RegExp(
          `Session keys: Anthropic API key \\(••••${sessionKey.slice(-4)}, set 120 days ago\\) Rotate it`,
        ),
      );
    expect(await html(t)).not.toContain(sessionKey);
    await t.screenshot("key-hygiene");
    expect(t.errors).toEqual([]);
  });
});

describe.skipIf(!hasChromium)("phone layout (390 × 844)", () => {
  it("puts the chat first and the spawn form behind a button, with nothing cut off or wider than its card", async () => {
    const user = await system().api.signUp();
    await setAccountKey(user.token, anthropicKey());
    const sessionId = await createSession(user.token, "On the phone");
    const t = await system().page({ width: 390, height: 844 });
    const { page } = t;
    await t.openAs(user, `/sessions/${sessionId}`);
    const toggle = page.getByRole("button", { name: "Spawn an agent" });
    await toggle.waitFor();
    expect(await toggle.getAttribute("aria-expanded")).toBe("false");
    expect(await page.locator(".spawn-form").isVisible()).toBe(false);
    const top = async (selector: string): Promise<number> =>
      (await page.locator(selector).first().boundingBox())?.y ?? Number.NaN;
    expect(await top(".chat")).toBeLessThan(await top(".agents-panel"));

    await toggle.click();
    await page.getByLabel("Model (optional)").fill("claude-haiku-4-5");
    await page.getByRole("button", { name: "Spawn agent" }).click();
    await page.getByRole("region", { name: "Chat with Chat · claude-haiku-4-5" }).waitFor();
    expect(await page.locator(".spawn-form").isVisible()).toBe(false);
    expect(await top(".chat")).toBeLessThan(await top(".agents-panel"));
    const input = page.getByLabel(/^Message to /);
    expect(await input.isVisible()).toBe(true);

    // Nothing wider than the screen, and no text running out of its box.
    const overflowing = () =>
      page.evaluate(() => {
        const wide = document.documentElement.scrollWidth > window.innerWidth;
        const cut = Array.from(document.querySelectorAll(".card, .chat, .stat, .agent-item"))
          .filter((box) => box.scrollWidth > box.clientWidth + 1)
          .map((box) => box.className);
        return { wide, cut };
      });
    expect(await overflowing()).toEqual({ wide: false, cut: [] });
    await t.screenshot("phone-chat");
    await docsScreenshot(t, "phone.png");
    for (const path of [
      "/",
      "/account/agent-credentials",
      `/sessions/${sessionId}/settings/general`,
    ]) {
      await page.goto(path);
      await page.locator("h1").waitFor();
      expect(await overflowing()).toEqual({ wide: false, cut: [] });
    }
    expect(t.errors).toEqual([]);
  });
});

describe.skipIf(!hasChromium)("access tokens", () => {
  it("creates a token shown once with a copy button, lists it by name and dates, and revokes it so it no longer signs in", async () => {
    const user = await system().api.signUp();
    const t = await system().page();
    const { page } = t;
    await t.context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await t.openAs(user, "/account/access-tokens");
    await page.getByTestId("no-access-tokens").waitFor();

    // Names are checked as the api checks them: an empty one is refused at its field.
    await page.getByRole("button", { name: "Create token" }).click();
    expect(await page.locator(".field-error").textContent()).toMatch(/Name the token/);

    await page.getByLabel("Token name").fill("CI pipeline");
    await page.getByRole("button", { name: "Create token" }).click();
    const created = page.getByTestId("created-token");
    await created.waitFor();
    const token = await created.getByLabel("New access token").inputValue();
    expect(token).toMatch(/^agp_/);
    await created.getByRole("button", { name: "Copy" }).click();
    await expect.poll(() => created.getByRole("button", { name: "Copied" }).count()).toBe(1);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);

    const me = `{ me { id } }`;
    expect(await system().api.ok<{ me: { id: string } }>(me, {}, token)).toEqual({
      me: { id: user.user.id },
    });
    const rows = page.getByTestId("access-tokens").locator("tbody tr");
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().locator("th").textContent()).toBe("CI pipeline");

    // Shown once: gone after Done and after a reload, the list keeps only its name and dates.
    await created.getByRole("button", { name: "Done" }).click();
    await page.reload();
    await rows.first().waitFor();
    expect(await page.getByTestId("created-token").count()).toBe(0);
    expect(await html(t)).not.toContain(token);
    expect(await rows.first().locator('[data-label="Last used"]').textContent()).not.toBe("");

    await page.getByRole("button", { name: "Revoke CI pipeline" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Revoke" }).click();
    await page.getByTestId("no-access-tokens").waitFor();
    const refused = await system().api.fail(me, {}, token);
    expect(refused.extensions?.["code"]).toBe("UNAUTHENTICATED");
    await t.screenshot("access-tokens");
    expect(t.errors).toEqual([]);
  });
});

describe.skipIf(!hasChromium)("managing a session", () => {
  it("renames it, sets its budget beside what is spent, shares it by email, lets a member leave, and deletes it after saying what goes with it", async () => {
    const owner = await system().api.signUp();
    const editor = await system().api.signUp();
    const sessionId = await createSession(owner.token, "Before rename", anthropicKey());
    const t = await system().page();
    const { page } = t;
    await t.openAs(owner, `/sessions/${sessionId}/settings/general`);

    const name = page.getByLabel("Session name");
    await expect.poll(() => name.inputValue()).toBe("Before rename");
    await name.fill("");
    await page.getByRole("button", { name: "Rename" }).click();
    expect(await page.locator(".field-error").first().textContent()).toMatch(/1 to 200/);
    await name.fill("After rename");
    await page.getByRole("button", { name: "Rename" }).click();
    await page.getByText("Renamed.").waitFor();

    const budget = page.getByLabel("Budget (USD)");
    await budget.fill("five dollars");
    await page.getByRole("button", { name: "Save budget" }).click();
    expect(await page.locator("#session-budget-error").textContent()).toMatch(
      /amount in US dollars/,
    );
    await budget.fill("5");
    await page.getByRole("button", { name: "Save budget" }).click();
    await expect
      .poll(() => page.getByTestId("budget-spent").textContent())
      .toBe("Spent so far: $0.00 of $5.00");
    const stored = await system().api.ok<{ session: { name: string; budgetUsd: number } }>(
      `query ($id: ID!) { session(id: $id) { name budgetUsd } }`,
      { id: sessionId },
      owner.token,
    );
    expect(stored.session).toEqual({ name: "After rename", budgetUsd: 5 });

    // Members: a mistyped and an unknown email are refused at the field; then the editor.
    await page.getByRole("link", { name: "Members" }).click();
    const email = page.getByLabel("Email", { exact: true });
    await email.fill("not an email");
    await page.getByRole("button", { name: "Add member" }).click();
    expect(await page.locator("#member-email-error").textContent()).toMatch(/email address/);
    await email.fill(randomEmail());
    await page.getByRole("button", { name: "Add member" }).click();
    await expect.poll(() => page.locator("#member-email-error").count()).toBe(1);
    await email.fill(editor.email);
    await page.getByLabel("Role").selectOption("EDITOR");
    await page.getByRole("button", { name: "Add member" }).click();
    const rows = page.getByTestId("members").locator("tbody tr");
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(1).textContent()).toContain("Editor");
    await t.screenshot("session-members");

    // The editor sees the session and leaves it; the owner's list is back to one.
    const other = await system().page();
    await other.openAs(editor, `/sessions/${sessionId}/settings/members`);
    await other.page.getByRole("button", { name: "Leave" }).click();
    await other.page.getByRole("dialog").getByRole("button", { name: "Leave" }).click();
    await expect.poll(() => new URL(other.page.url()).pathname).toBe("/");
    const left = await system().api.gql(
      `query ($id: ID!) { session(id: $id) { id } }`,
      { id: sessionId },
      editor.token,
    );
    expect(left.data).toEqual({ session: null });
    await page.reload();
    await expect.poll(() => rows.count()).toBe(1);

    await page.getByRole("link", { name: "General" }).click();
    await page.getByRole("button", { name: "Delete session" }).click();
    const consequences = page.getByTestId("delete-session-consequences");
    expect(await consequences.textContent()).toMatch(
      /0 agents with their conversations and workspaces, 1 session key, the access of 0 members/,
    );
    await page.getByRole("dialog").getByRole("button", { name: "Delete session" }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe("/");
    expect(await system().api.prisma.session.count({ where: { id: sessionId } })).toBe(0);
    expect(await system().api.prisma.credential.count({ where: { sessionId } })).toBe(0);
    expect(t.errors).toEqual([]);
    expect(other.errors).toEqual([]);
  });
});
