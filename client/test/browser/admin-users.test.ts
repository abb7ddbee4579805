import { describe, expect, it } from "vitest";
import { hasChromium, SKIP_MESSAGE } from "./support/chromium.js";
import { anthropicKey, useBrowserSystem } from "./support/system.js";

// What an admin does to accounts from the admin page, in Chromium against the real api: make
// and unmake an admin, disable and enable, delete (behind a confirmation that says what goes),
// and every credential — session keys included — as metadata, deleting one.

if (!hasChromium) console.warn(SKIP_MESSAGE);

const system = useBrowserSystem();

describe.skipIf(!hasChromium)("admin: users and all credentials", () => {
  it("makes and unmakes an admin, disables and enables, lists and deletes a session key, deletes a user; never the last admin", async () => {
    const { api } = system();
    const admin = await api.signUpAdmin();
    const user = await api.signUp();
    const key = anthropicKey();
    const { createSession } = await api.ok<{ createSession: { id: string } }>(
      `mutation ($input: CreateSessionInput!) { createSession(input: $input) { id } }`,
      { input: { name: "Nightly build", providerKey: { provider: "ANTHROPIC", secret: key } } },
      user.token,
    );

    const t = await system().page();
    const { page } = t;
    await t.openAs(admin, "/admin");
    await page.getByRole("link", { name: user.email }).click();
    const card = page.getByRole("region", { name: user.email });
    const budget = page.locator("form").filter({ hasText: "Monthly budget" });
    await card.getByText("User · Active").waitFor();

    await page.getByRole("button", { name: `Make admin: ${user.email}` }).click();
    await card.getByText("Admin · Active").waitFor();
    await page.getByRole("button", { name: `Remove admin: ${user.email}` }).click();
    await card.getByText("User · Active").waitFor();

    await page.getByRole("button", { name: `Disable ${user.email}` }).click();
    await card.getByText("User · Disabled: cannot sign in").waitFor();
    expect((await api.gql(`{ me { id } }`, {}, user.token)).errors?.[0]?.extensions?.code).toBe(
      "UNAUTHENTICATED",
    );

    // Every credential, the session key among them, with whose it is; never the secret.
    const all = page.getByTestId("all-credentials");
    const row = all.getByRole("row").filter({ hasText: "Session “Nightly build”" });
    await row.waitFor();
    expect(await row.textContent()).toContain(user.email);
    expect(await row.textContent()).toContain(`••••${key.slice(-4)}`);
    expect(await page.content()).not.toContain(key);
    await t.screenshot("admin-users");

    await page.getByRole("button", { name: `Enable ${user.email}` }).click();
    await card.getByText("User · Active").waitFor();

    // A monthly budget, with what the user's calls cost this month (as the worker counts them).
    const now = new Date();
    await api.prisma.userUsageMonth.create({
      data: {
        userId: user.user.id,
        month: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)),
        apiCalls: 12,
        costUsd: "4.25",
      },
    });
    await budget.getByLabel("Monthly budget (USD)").fill("20");
    await budget.getByRole("button", { name: "Save monthly budget" }).click();
    await budget.getByText("Monthly budget saved.").waitFor();
    await expect
      .poll(() => budget.getByTestId("monthly-spent").textContent())
      .toBe("Spent this month (UTC): $4.25 of $20.00");
    await t.screenshot("admin-user-budget");

    // At phone width: one column, nothing wider than the screen.
    const phone = await system().page({ width: 390, height: 844 });
    await phone.openAs(admin, `/admin?user=${user.user.id}`);
    await phone.page.getByRole("region", { name: user.email, exact: true }).waitFor();
    await phone.page.getByTestId("monthly-spent").waitFor();
    expect(
      await phone.page.evaluate(() => document.documentElement.scrollWidth),
    ).toBeLessThanOrEqual(390);
    await phone.screenshot("admin-user-phone");

    // The user sees it on their API Keys tab (signed in again: disabling revoked their tokens).
    const { signIn } = await api.ok<{ signIn: { token: string } }>(
      `mutation ($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }`,
      { e: user.email, p: user.password },
    );
    const own = await system().page();
    await own.openAs({ ...user, token: signIn.token }, "/account/api-keys");
    const line = own.page.getByTestId("my-monthly-budget");
    await line.waitFor();
    expect(await line.textContent()).toContain("Your monthly budget: $20.00");
    expect(await line.textContent()).toContain("spent $4.25 this month (UTC)");
    await own.screenshot("account-monthly-budget");

    await row
      .getByRole("button", {
        name: `Delete Anthropic API key (Session “Nightly build”) of ${user.email}`,
      })
      .click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
    await expect.poll(() => row.count()).toBe(0);
    expect(await api.prisma.credential.count({ where: { sessionId: createSession.id } })).toBe(0);

    // The only admin cannot step down; the page says why.
    await page.getByRole("link", { name: admin.email }).click();
    const self = page.getByRole("region", { name: admin.email });
    expect(await self.getByRole("button", { name: `Disable ${admin.email}` }).count()).toBe(0);
    await self.getByRole("button", { name: `Remove admin: ${admin.email}` }).click();
    await self.getByText("This is the last admin; make another user an admin first").waitFor();

    await page.getByRole("link", { name: user.email }).click();
    await page.getByRole("button", { name: `Delete ${user.email}` }).click();
    const dialog = page.getByRole("dialog", { name: `Delete ${user.email}?` });
    expect(await dialog.textContent()).toContain("the sessions it owns");
    await t.screenshot("admin-delete-user");
    await dialog.getByRole("button", { name: "Delete user" }).click();
    await expect.poll(() => page.getByRole("link", { name: user.email }).count()).toBe(0);
    expect(await api.prisma.user.count({ where: { id: user.user.id } })).toBe(0);
    expect(t.errors).toEqual([]);
  });
});
