import { copyFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TestUser } from "@agentry/api/testing";
import type { FakeProvider } from "@agentry/fake-provider";
import { describe, expect, it } from "vitest";
import { hasChromium, SKIP_MESSAGE } from "./support/chromium.js";
import { anthropicKey, useBrowserSystem, type TestPage } from "./support/system.js";

// The agent flows: the real worker (process runtime) runs the built-in chat agent against the
// fake provider, and the page shows what happens as it happens.

if (!hasChromium) console.warn(SKIP_MESSAGE);

const SCREENSHOT_FOR_README = fileURLToPath(
  new URL("../../../docs/screenshots/session.png", import.meta.url),
);

const system = useBrowserSystem({ worker: true });
/** The fake provider the worker's agents call. */
const fake = (): FakeProvider => {
  const provider = system().fake;
  if (provider === undefined) throw new Error("no fake provider");
  return provider;
};

async function createSession(user: TestUser, name: string, secret?: string): Promise<string> {
  const data = await system().api.ok<{ createSession: { id: string } }>(
    `mutation ($input: CreateSessionInput!) { createSession(input: $input) { id } }`,
    {
      input: {
        name,
        ...(secret === undefined ? {} : { providerKey: { provider: "ANTHROPIC", secret } }),
      },
    },
    user.token,
  );
  return data.createSession.id;
}

/** Spawns a chat agent through the page's form and waits for it to be listed and chosen. */
async function spawnChatAgent(t: TestPage, model = "claude-haiku-4-5"): Promise<void> {
  const { page } = t;
  await page.getByLabel("Agent", { exact: true }).selectOption("CHAT");
  await page.getByLabel("Provider").selectOption("ANTHROPIC");
  await page.getByLabel("Model (optional)").fill(model);
  await page.getByRole("button", { name: "Spawn agent" }).click();
  // The second chat agent of a session is "Chat 2", and so on.
  await page
    .getByRole("region", { name: new RegExp(`^Chat with Chat( \\d+)? · ${model}$`) })
    .waitFor();
}

async function send(t: TestPage, text: string): Promise<void> {
  const input = t.page.getByLabel(/^Message to /);
  await input.fill(text);
  await input.press("Enter");
}

/** The user message with this text, as a list item of the chat log. */
const userMessage = (t: TestPage, text: string) =>
  t.page.locator(".message-user").filter({ hasText: text });

describe.skipIf(!hasChromium)("spawning an agent and chatting", () => {
  it("streams the reply as it arrives and moves the token and cost counters while the agent works", async () => {
    const user = await system().api.signUp();
    const key = anthropicKey();
    fake().addKey(key);
    const sessionId = await createSession(user, "Live chat", key);
    const t = await system().page();
    const { page } = t;
    await t.openAs(user, `/sessions/${sessionId}`);
    await page.getByRole("heading", { name: "Live chat", level: 1 }).waitFor();
    expect(await page.getByTestId("usage-tokens").textContent()).toBe("0");
    await spawnChatAgent(t);

    // Slow streaming: each chunk waits, so the reply is seen growing.
    fake().setDelay(250);
    const text = "please tell me about streaming replies in small pieces";
    await send(t, text);
    const streaming = page.getByTestId("streaming-reply");
    await expect.poll(() => streaming.textContent(), { timeout: 30_000 }).toMatch(/\S/);
    const partial = (await streaming.textContent()) ?? "";
    expect(partial.length).toBeLessThan(`Echo: ${text}`.length);
    await expect.poll(() => page.getByTestId("agent-status").textContent()).toContain("Working");
    await t.screenshot("agent-streaming");

    // The stored reply replaces the stream; the counters moved without a reload.
    const reply = page
      .locator(".message-assistant:not(.message-streaming)")
      .filter({ hasText: `Echo: ${text}` });
    await reply.waitFor({ timeout: 30_000 });
    fake().setDelay(0);
    await expect.poll(() => page.getByTestId("usage-calls").textContent()).toBe("1");
    expect(await page.getByTestId("usage-tokens").textContent()).not.toBe("0");
    expect(await page.getByTestId("usage-cost").textContent()).not.toBe("$0.00");
    await expect.poll(() => page.getByTestId("agent-status").textContent()).toContain("Idle");
    await expect
      .poll(() => userMessage(t, text).locator(".message-meta").textContent())
      .toMatch(/Done · ran with the session key · .* tokens · 1 call · \$/);
    expect(await page.getByTestId("streaming-reply").count()).toBe(0);

    // What the page shows is what the api recorded.
    const data = await system().api.ok<{
      session: { usage: { apiCalls: number; totalTokens: number } };
    }>(
      `query ($id: ID!) { session(id: $id) { usage { apiCalls totalTokens } } }`,
      { id: sessionId },
      user.token,
    );
    expect(data.session.usage.apiCalls).toBe(1);
    expect(await page.getByTestId("usage-tokens").textContent()).toBe(
      data.session.usage.totalTokens.toLocaleString("en-US"),
    );

    await send(t, "and a second message");
    await page
      .locator(".message-assistant:not(.message-streaming)")
      .filter({ hasText: "Echo: and a second message" })
      .waitFor();
    await expect.poll(() => page.getByTestId("usage-calls").textContent()).toBe("2");
    await expect.poll(() => page.getByTestId("agent-status").textContent()).toContain("Idle");
    const shot = await t.screenshot("session-page");
    // The README's picture of the session page, refreshed on request only (it is committed).
    if (process.env["UPDATE_DOCS_SCREENSHOTS"] === "1") {
      await mkdir(path.dirname(SCREENSHOT_FOR_README), { recursive: true });
      await copyFile(shot, SCREENSHOT_FOR_README);
    }
    expect(t.errors).toEqual([]);
  });

  it("shows the usage over time in Session Settings", async () => {
    const user = await system().api.signUp();
    const key = anthropicKey();
    fake().addKey(key);
    const sessionId = await createSession(user, "Usage chart", key);
    const t = await system().page();
    await t.openAs(user, `/sessions/${sessionId}`);
    await spawnChatAgent(t);
    await send(t, "count my tokens");
    await t.page
      .locator(".message-assistant")
      .filter({ hasText: "Echo: count my tokens" })
      .waitFor();
    await t.page.getByRole("link", { name: "Session settings" }).click();
    await t.page.getByRole("link", { name: "Usage Stats" }).click();
    const stats = t.page.getByTestId("usage-stats");
    await expect.poll(() => stats.textContent()).toContain("API calls1");
    // The current hour's bar is drawn.
    await expect
      .poll(() => t.page.locator("[data-testid=usage-chart] rect").count())
      .toBeGreaterThan(0);
    await t.screenshot("usage-stats");
  });
});

describe.skipIf(!hasChromium)("changing the key between messages", () => {
  it("runs the next message with a key changed in Session Settings, then with the account key once the session key is removed", async () => {
    const user = await system().api.signUp();
    const [first, second, account] = [anthropicKey(), anthropicKey(), anthropicKey()];
    for (const key of [first, second, account]) fake().addKey(key);
    await system().api.ok(
      `mutation ($secret: String!) { setAccountCredential(provider: ANTHROPIC, kind: API_KEY, secret: $secret) { id } }`,
      { secret: account },
      user.token,
    );
    const sessionId = await createSession(user, "Key changes", first);
    const t = await system().page();
    const { page } = t;
    await t.openAs(user, `/sessions/${sessionId}`);
    await spawnChatAgent(t);

    const keyOfLastCall = (): string | null | undefined => fake().calls().at(-1)?.key;
    await send(t, "with the first key");
    await expect
      .poll(() => userMessage(t, "with the first key").textContent())
      .toMatch(/Done · ran with the session key/);
    expect(keyOfLastCall()).toBe(first);

    await page.getByRole("link", { name: "Session settings" }).click();
    await page.getByLabel("Replace with a new key").fill(second);
    await page.getByRole("button", { name: "Save" }).click();
    await expect
      .poll(() => page.getByTestId("credential-hint").textContent())
      .toBe(`••••${second.slice(-4)}`);
    await page.getByRole("link", { name: "Back to session" }).click();
    await send(t, "with the second key");
    await expect
      .poll(() => userMessage(t, "with the second key").textContent())
      .toMatch(/Done · ran with the session key/);
    expect(keyOfLastCall()).toBe(second);

    await page.getByRole("link", { name: "Session settings" }).click();
    await page.getByRole("button", { name: "Remove Session Key" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Remove Session Key" }).click();
    await expect
      .poll(() => page.getByTestId("key-source").textContent())
      .toContain("Using your account key");
    await page.getByRole("link", { name: "Back to session" }).click();
    await send(t, "with the account key");
    await expect
      .poll(() => userMessage(t, "with the account key").textContent())
      .toMatch(/Done · ran with the account key/);
    expect(keyOfLastCall()).toBe(account);
    await t.screenshot("key-changes");
  });
});

describe.skipIf(!hasChromium)("errors from a run", () => {
  it("fails a message whose session key the provider refuses, in the api's words, with a link to update the key", async () => {
    const user = await system().api.signUp();
    // Never added to the fake provider: it answers 401 like Anthropic does.
    const sessionId = await createSession(user, "Refused key", anthropicKey());
    const t = await system().page();
    const { page } = t;
    await t.openAs(user, `/sessions/${sessionId}`);
    await spawnChatAgent(t);
    // Beside the chat: the key the next message uses, and no warning yet.
    const nextKey = page.getByTestId("next-key");
    await expect
      .poll(() => nextKey.textContent())
      .toMatch(/^Next message uses this session's Anthropic API key \(••••.{4}\)/);
    expect(await page.getByTestId("next-key-refused").count()).toBe(0);
    await send(t, "this will be refused");
    const alert = userMessage(t, "this will be refused").getByRole("alert");
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.getAttribute("data-code")).toBe("INVALID_API_KEY");
    // The refusal marks the key: the next message's key line warns before anything is sent.
    await expect
      .poll(() => page.getByTestId("next-key-refused").count(), { timeout: 15_000 })
      .toBe(1);
    expect(await nextKey.getByRole("link", { name: "Change" }).getAttribute("href")).toBe(
      `/sessions/${sessionId}/settings/key`,
    );
    expect(await alert.textContent()).toMatch(
      /Invalid API key — the session key \(…[^)]+\) was refused by Anthropic/,
    );
    await t.screenshot("invalid-session-key");
    await alert.getByRole("link", { name: "Update the session key" }).click();
    await page.getByTestId("key-source").waitFor();
    expect(new URL(page.url()).pathname).toBe(`/sessions/${sessionId}/settings/key`);
  });

  it("lists the refused run in the agent's Logs with its error, the newest first as messages settle, and never the key", async () => {
    const user = await system().api.signUp();
    const key = anthropicKey(); // not known to the fake provider yet: refused
    const sessionId = await createSession(user, "Agent logs", key);
    const t = await system().page();
    const { page } = t;
    await t.openAs(user, `/sessions/${sessionId}`);
    await spawnChatAgent(t);
    await send(t, "this key is refused");
    const alert = userMessage(t, "this key is refused").getByRole("alert");
    await alert.waitFor({ timeout: 30_000 });

    // Folded away until asked for; the refusal's notice opens it.
    const logs = page.getByTestId("agent-logs");
    expect(await logs.getAttribute("open")).toBeNull();
    await alert.getByRole("button", { name: "See the agent's logs" }).click();
    expect(await logs.getAttribute("open")).not.toBeNull();
    const runs = logs.getByTestId("agent-log");
    await expect.poll(() => runs.count(), { timeout: 15_000 }).toBe(1);
    const failed = runs.first();
    expect(await failed.textContent()).toMatch(/Failed · INVALID_API_KEY.*0 calls/);
    expect(await failed.locator(".run-log-error").textContent()).toMatch(/refused/i);
    await failed.getByRole("button").click();
    const output = failed
      .getByTestId("agent-log-output")
      .or(failed.getByText("The agent printed nothing."));
    await output.waitFor();

    // With the panel open, the next run is listed as its message settles, above the first.
    fake().addKey(key);
    await send(t, "and now it works");
    await page
      .locator(".message-assistant:not(.message-streaming)")
      .filter({ hasText: "Echo: and now it works" })
      .waitFor({ timeout: 30_000 });
    await expect.poll(() => runs.count(), { timeout: 15_000 }).toBe(2);
    expect(await runs.first().textContent()).toMatch(/Done.*1 call\b/);
    expect(await runs.nth(1).textContent()).toContain("INVALID_API_KEY");

    expect(await page.content()).not.toContain(key);
    await t.screenshot("agent-logs");

    // At phone width: the panel and its output stay within the screen.
    const phone = await system().page({ width: 390, height: 844 });
    await phone.openAs(user, `/sessions/${sessionId}`);
    const phoneLogs = phone.page.getByTestId("agent-logs");
    await phoneLogs.locator("summary").click();
    const phoneRuns = phoneLogs.getByTestId("agent-log");
    await expect.poll(() => phoneRuns.count(), { timeout: 15_000 }).toBe(2);
    await phoneRuns.nth(1).getByRole("button").click();
    await phoneRuns
      .nth(1)
      .getByTestId("agent-log-output")
      .or(phoneRuns.nth(1).getByText("The agent printed nothing."))
      .waitFor();
    expect(
      await phone.page.evaluate(() => document.documentElement.scrollWidth),
    ).toBeLessThanOrEqual(390);
    expect(await phone.page.content()).not.toContain(key);
    await phone.screenshot("agent-logs-phone");
  });

  it("says no key is configured when there is none, and offers to add one", async () => {
    const user = await system().api.signUp();
    const sessionId = await createSession(user, "No key");
    const t = await system().page();
    await t.openAs(user, `/sessions/${sessionId}`);
    await spawnChatAgent(t);
    await send(t, "is there a key");
    const alert = userMessage(t, "is there a key").getByRole("alert");
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.getAttribute("data-code")).toBe("NO_API_KEY");
    expect(await alert.textContent()).toContain("No API key configured for this session");
    expect(await alert.getByRole("link", { name: "Add a key" }).getAttribute("href")).toBe(
      `/sessions/${sessionId}/settings/key`,
    );
  });
});

describe.skipIf(!hasChromium)("stopping a reply and removing an agent", () => {
  it("stops a streaming reply: it shows Stopped with what it wrote, the counters hold the calls so far, and the next message runs", async () => {
    const user = await system().api.signUp();
    const key = anthropicKey();
    fake().addKey(key);
    const sessionId = await createSession(user, "Stop a reply", key);
    const t = await system().page();
    const { page } = t;
    await t.openAs(user, `/sessions/${sessionId}`);
    await spawnChatAgent(t);
    await send(t, "a first question");
    await page
      .locator(".message-assistant:not(.message-streaming)")
      .filter({ hasText: "Echo: a first question" })
      .waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId("usage-calls").textContent()).toBe("1");

    // The next reply streams its first piece, then waits at the provider.
    const held = fake().hold({ provider: "ANTHROPIC" });
    const text = "a long answer nobody will wait for";
    try {
      await send(t, text);
      const streaming = page.getByTestId("streaming-reply");
      await expect.poll(() => streaming.textContent(), { timeout: 30_000 }).toMatch(/\S/);
      const partial = ((await streaming.textContent()) ?? "").trim();
      await t.screenshot("reply-stop-button");
      await userMessage(t, text).getByRole("button", { name: "Stop reply" }).click();

      await expect
        .poll(() => userMessage(t, text).locator(".message-meta").textContent(), {
          timeout: 20_000,
        })
        .toBe("Stopped · ran with the session key · no calls made");
      expect(await userMessage(t, text).getByRole("button", { name: /^Stop/ }).count()).toBe(0);
      expect(await page.getByTestId("streaming-reply").count()).toBe(0);
      // What it had written stays, as its reply.
      const kept = page.locator('.message-assistant[data-status="CANCELLED"]');
      await kept.waitFor();
      expect((await kept.textContent())?.trim()).toContain(partial);
      await expect.poll(() => page.getByTestId("agent-status").textContent()).toContain("Idle");
      // The call cut off reported nothing: the counters hold the calls made so far.
      expect(await page.getByTestId("usage-calls").textContent()).toBe("1");
      await t.screenshot("reply-stopped");
    } finally {
      held.release();
    }

    await send(t, "and then the next one");
    await page
      .locator(".message-assistant:not(.message-streaming)")
      .filter({ hasText: "Echo: and then the next one" })
      .waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId("usage-calls").textContent()).toBe("2");
    await expect
      .poll(() => userMessage(t, "and then the next one").locator(".message-meta").textContent())
      .toMatch(/^Done/);
    expect(t.errors).toEqual([]);
  });

  it("removes an agent after a confirmation that says what goes and what stays", async () => {
    const user = await system().api.signUp();
    const key = anthropicKey();
    fake().addKey(key);
    const sessionId = await createSession(user, "Remove an agent", key);
    const t = await system().page();
    const { page } = t;
    await t.openAs(user, `/sessions/${sessionId}`);
    await spawnChatAgent(t, "claude-haiku-4-5");
    await spawnChatAgent(t, "claude-sonnet-4-5");
    await send(t, "hello before you go");
    await page
      .locator(".message-assistant:not(.message-streaming)")
      .filter({ hasText: "Echo: hello before you go" })
      .waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId("usage-calls").textContent()).toBe("1");
    const agents = page.getByRole("complementary", { name: "Agents" }).locator(".agent-item");
    expect(await agents.count()).toBe(2);

    const chat = page.getByRole("region", { name: "Chat with Chat 2 · claude-sonnet-4-5" });
    await chat.getByRole("button", { name: "Remove agent" }).click();
    const dialog = page.getByRole("dialog", { name: "Remove Chat 2 · claude-sonnet-4-5?" });
    await dialog.waitFor();
    const said = (await dialog.textContent()) ?? "";
    expect(said).toContain("conversation (2 messages)");
    expect(said).toContain("workspace");
    expect(said).toContain("stays in the session's usage totals");
    await t.screenshot("remove-agent-confirm");
    // Cancel changes nothing.
    await dialog.getByRole("button", { name: "Cancel" }).click();
    expect(await agents.count()).toBe(2);

    await chat.getByRole("button", { name: "Remove agent" }).click();
    await dialog.getByRole("button", { name: "Remove agent" }).click();
    await expect.poll(() => agents.count(), { timeout: 20_000 }).toBe(1);
    expect(await agents.first().textContent()).toContain("claude-haiku-4-5");
    await page.getByRole("region", { name: "Chat with Chat · claude-haiku-4-5" }).waitFor();
    expect(await chat.count()).toBe(0);
    // What it spent stays in the session's totals.
    expect(await page.getByTestId("usage-calls").textContent()).toBe("1");
    const stored = await system().api.prisma.agent.count({ where: { sessionId } });
    expect(stored).toBe(1);
    await t.screenshot("agent-removed");
    expect(t.errors).toEqual([]);
  });
});
