import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitServer, type GitServer } from "../../../worker/test/support/git-server.js";
import { hasChromium, SKIP_MESSAGE } from "./support/chromium.js";
import { anthropicKey, useBrowserSystem } from "./support/system.js";

// A session with a repository, as a person uses it: created with the repository's URL, an agent
// spawned, its first message waits while the workspace is cloned (the agent's status says so),
// then the Changes panel beside the chat shows what changed in the working copy, a file's diff,
// and pushes the changes as a branch — to a real git server (git's http-backend with basic
// auth on 127.0.0.1), with the repository token saved under API Keys.

if (!hasChromium) console.warn(SKIP_MESSAGE);

const system = useBrowserSystem({
  worker: true,
  api: { env: { REPOSITORY_ALLOW_LOOPBACK: "true" } },
  workerEnv: { REPOSITORY_ALLOW_LOOPBACK: "true" },
});
let server: GitServer;

beforeAll(async () => {
  server = await startGitServer();
  server.createRepo("app", { "README.md": "app\n", "lib.txt": "one\ntwo\n" });
});
afterAll(async () => {
  await server.close();
});

describe.skipIf(!hasChromium)("a session's repository", () => {
  it("clones it for the agent's first message, shows the agent's changes and a diff beside the chat, and pushes them as a branch", async () => {
    const user = await system().api.signUp();
    const token = `github_pat_${"x".repeat(20)}${Date.now().toString(36)}`;
    server.accept.add(token);
    const key = anthropicKey();
    system().fake?.addKey(key);
    await system().api.ok(
      `mutation ($s: String!) { setAccountCredential(provider: ANTHROPIC, kind: API_KEY, secret: $s) { id } }`,
      { s: key },
      user.token,
    );
    const t = await system().page();
    const { page } = t;

    // The repository token, saved like any key.
    await t.openAs(user, "/account/api-keys");
    const slot = page.getByTestId("api-key-git");
    await slot.getByRole("textbox").fill(token);
    await slot.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => slot.getByTestId("credential-hint").textContent()).toMatch(/^••••/);

    await page.goto("/sessions/new");
    await page.getByLabel("Name").fill("With a repository");
    await page.getByLabel("Repository (optional)").fill("ftp://example.test/app.git");
    await page.getByRole("button", { name: "Create", exact: true }).click();
    await expect.poll(() => page.locator("#session-repo-error").count()).toBe(1);
    await page.getByLabel("Repository (optional)").fill(server.url("app"));
    await page.getByLabel("Branch, tag or commit (optional)").fill("main");
    await page.getByRole("button", { name: "Create", exact: true }).click();
    await page.getByRole("heading", { name: "With a repository" }).waitFor();

    await page.getByLabel("Agent", { exact: true }).selectOption("CHAT");
    await page.getByLabel("Model (optional)").fill("claude-haiku-4-5");
    await page.getByRole("button", { name: "Spawn agent" }).click();
    await page.getByRole("region", { name: "Chat with Chat · claude-haiku-4-5" }).waitFor();
    await page.getByTestId("changes-none").waitFor();

    // A slow server, to see the clone in flight.
    server.delay.ms = 700;
    const input = page.getByLabel(/^Message to /);
    await input.fill("look at the code");
    await input.press("Enter");
    await expect
      .poll(() => page.getByTestId("agent-status").textContent(), { timeout: 30_000 })
      .toMatch(/Cloning/);
    await t.screenshot("repository-cloning");
    server.delay.ms = 0;
    await expect
      .poll(() => page.locator(".message-user").first().textContent(), { timeout: 60_000 })
      .toMatch(/Done/);
    await page.getByTestId("changes-empty").waitFor();

    // The agent's edits (written where it works), then the panel after the next message.
    const agentId = new URL(page.url()).searchParams.get("agent") ?? "";
    const workspace = system().worker().runtime.workspacePath(agentId);
    writeFileSync(join(workspace, "lib.txt"), "one\ntwo\nthree\n");
    writeFileSync(join(workspace, "NEW.md"), "new\n");
    await input.fill("and now?");
    await input.press("Enter");
    const changes = page.getByTestId("changes");
    await expect
      .poll(() => changes.locator(".change-path").allTextContents(), { timeout: 60_000 })
      .toEqual(["NEW.md", "lib.txt"]);
    const lib = changes.getByRole("button", { name: /lib\.txt/ });
    expect(await lib.textContent()).toMatch(/modified\s*\+1\s*−0/);
    await lib.click();
    await expect.poll(() => changes.getByTestId("file-diff").textContent()).toContain("+three");

    await changes.getByLabel("Branch").fill("bad..name");
    await changes.getByRole("button", { name: "Commit and push" }).click();
    expect(await changes.locator(".field-error").count()).toBe(1);
    await changes.getByLabel("Branch").fill("agent/readme-edit");
    await changes.getByLabel("Commit message (optional)").fill("Add NEW.md");
    await changes.getByRole("button", { name: "Commit and push" }).click();
    const pushed = changes.getByTestId("pushed");
    await pushed.waitFor({ timeout: 60_000 });
    expect(await pushed.textContent()).toContain("agent/readme-edit");
    expect(Object.keys(server.refs("app"))).toContain("refs/heads/agent/readme-edit");
    await t.screenshot("repository-changes");
    expect(await page.content()).not.toContain(token);
    expect(t.errors).toEqual([]);
  }, 240_000);
});
