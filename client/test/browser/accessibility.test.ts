import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { hasChromium, SKIP_MESSAGE } from "./support/chromium.js";
import { anthropicKey, useBrowserSystem, type TestPage } from "./support/system.js";

// Every page, at a desktop and a phone width, checked by axe-core against WCAG 2.1 A and AA:
// none may have a serious or critical violation. The pages are shown as people see them — signed
// out, signed in with a session holding an agent and a key, and as an admin.

if (!hasChromium) console.warn(SKIP_MESSAGE);

const system = useBrowserSystem();
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const WIDTHS = [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
] as const;

interface Violation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly { readonly target: readonly string[] }[];
}

async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (...args: unknown[]) => Promise<unknown> } })
      .axe;
    const result = (await axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    })) as { violations: Violation[] };
    return result.violations;
  });
  return violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map(
      (violation) =>
        `${violation.id} (${String(violation.impact)}): ${violation.help} — ${violation.nodes
          .slice(0, 3)
          .map((node) => node.target.join(" "))
          .join(", ")}`,
    );
}

/** Opens `path` and waits for `ready` (a piece of text the page shows once loaded). */
async function visit(t: TestPage, path: string, ready: string): Promise<void> {
  await t.page.goto(path);
  await t.page.getByText(ready, { exact: false }).first().waitFor();
}

describe.skipIf(!hasChromium)("accessibility (axe-core, WCAG 2.1 A/AA)", () => {
  it("finds no serious or critical violation on any page, at desktop and phone widths", async () => {
    const api = system().api;
    const admin = await api.signUpAdmin();
    const sessionId = (
      await api.ok<{ createSession: { id: string } }>(
        `mutation ($input: CreateSessionInput!) { createSession(input: $input) { id } }`,
        {
          input: {
            name: "Checked",
            providerKey: { provider: "ANTHROPIC", secret: anthropicKey() },
          },
        },
        admin.token,
      )
    ).createSession.id;
    await api.ok(
      `mutation ($s: ID!) { spawnAgent(sessionId: $s, kind: CHAT, provider: ANTHROPIC, model: "claude-haiku-4-5") { id } }`,
      { s: sessionId },
      admin.token,
    );

    const signedOut: [string, string][] = [
      ["/sign-in", "Sign in"],
      ["/sign-up", "Create account"],
    ];
    const signedIn: [string, string][] = [
      ["/", "Checked"],
      ["/sessions/new", "New session"],
      [`/sessions/${sessionId}`, "No messages yet"],
      [`/sessions/${sessionId}/settings/key`, "Provider API Key"],
      [`/sessions/${sessionId}/settings/usage`, "No provider calls yet"],
      [`/sessions/${sessionId}/settings/members`, "Add someone"],
      [`/sessions/${sessionId}/settings/general`, "Delete this session"],
      ["/account/api-keys", "Pay-per-token keys"],
      ["/account/agent-credentials", "What each agent runs with"],
      ["/account/access-tokens", "Personal access tokens"],
      ["/admin", "Users"],
      ["/no-such-page", "Page not found"],
    ];
    const found: string[] = [];
    for (const size of WIDTHS) {
      const t = await system().page(size);
      for (const [path, ready] of signedOut) {
        await visit(t, path, ready);
        found.push(...(await seriousViolations(t.page)).map((v) => `${size.name} ${path}: ${v}`));
      }
      await t.openAs(admin, "/");
      for (const [path, ready] of signedIn) {
        await visit(t, path, ready);
        found.push(...(await seriousViolations(t.page)).map((v) => `${size.name} ${path}: ${v}`));
      }
      // The account menu, open.
      await t.page.getByRole("button", { name: /^Account menu for / }).click();
      found.push(...(await seriousViolations(t.page)).map((v) => `${size.name} menu: ${v}`));
      expect(t.errors).toEqual([]);
    }
    expect(found).toEqual([]);
  }, 240_000);
});
