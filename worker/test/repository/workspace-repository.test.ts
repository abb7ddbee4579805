import { execFileSync } from "node:child_process";
import {
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
  mkdirSync,
} from "node:fs";
import { lookup } from "node:dns/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { isAppError } from "@agentry/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { execLocal } from "../../src/runtime/workspace-exec.js";
import { WorkspaceRepository, BASE_REF } from "../../src/repository/workspace-repository.js";
import { startGitServer, type GitServer } from "../support/git-server.js";

// The repository in a workspace, against a real git server (http-backend behind basic auth on
// 127.0.0.1), through the same exec the process runtime uses.

let server: GitServer;
let base: string;
const TOKEN = `ghp_${"k".repeat(20)}SECRETREPO${"x".repeat(6)}`;
const OTHER = `glpat-${"o".repeat(14)}OTHERSECRET`;
let workspace: string;
let repo: WorkspaceRepository;
let seq = 0;

const env = { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: "/nonexistent" };
const runtime = {
  exec: (_agentId: string, command: Parameters<typeof execLocal>[2]) =>
    execLocal(workspace, env, command),
  workspacePath: () => workspace,
};

/** Every file under `dir`, as text. */
function allText(dir: string): string {
  let out = "";
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const info = statSync(path);
    out += info.isDirectory() ? allText(path) : readFileSync(path).toString("latin1");
  }
  return out;
}

async function failure(run: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await run();
  } catch (error) {
    if (isAppError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected a failure");
}

beforeAll(async () => {
  server = await startGitServer();
  server.accept.add(TOKEN);
  server.createRepo("private", { "README.md": "hello\nworld\n", "src.txt": "a\nb\nc\n" }, [
    "feature/x",
  ]);
  base = mkdtempSync(join(tmpdir(), "agentry-repo-test-"));
});
afterAll(async () => {
  await server.close();
  rmSync(base, { recursive: true, force: true });
});
beforeEach(() => {
  seq += 1;
  workspace = join(base, `ws-${seq}`);
  mkdirSync(join(workspace, ".agentry", "runs"), { recursive: true });
  writeFileSync(join(workspace, ".agentry", "runs", "m.1.ndjson"), "{}\n");
  repo = new WorkspaceRepository(runtime, { allowLoopback: true });
});

describe("clone", () => {
  it("clones a private repository with the token into a workspace that has files already", async () => {
    const progress: string[] = [];
    const commit = await repo.clone("a", { url: server.url("private"), ref: null }, TOKEN, (p) =>
      progress.push(p),
    );
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    expect(progress.length).toBeGreaterThan(0);
    for (const p of progress)
      expect(p).toMatch(/^(counting|compressing|receiving|resolving) \w+ \d{1,3}%$/);
    expect(readFileSync(join(workspace, "README.md"), "utf8")).toBe("hello\nworld\n");
    expect(server.seen).toContain(TOKEN);
    // Nowhere in the workspace: files, .git/config, the objects, the scratch files.
    expect(allText(workspace)).not.toContain("SECRETREPO");
    expect(readFileSync(join(workspace, ".git", "config"), "utf8")).not.toContain("127.0.0.1");
    // The agent's own folder is not a change.
    expect(await repo.changes("a")).toEqual([]);
  });

  it("keeps the token out of every process's argument list and environment while git runs", async () => {
    server.delay.ms = 1500;
    const listings: string[] = [];
    const clone = repo.clone("a", { url: server.url("private"), ref: null }, TOKEN);
    try {
      const until = Date.now() + 1200;
      while (Date.now() < until) {
        for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
          for (const file of ["cmdline", "environ"]) {
            try {
              listings.push(readFileSync(`/proc/${pid}/${file}`).toString("latin1"));
            } catch {
              // gone meanwhile, or not ours
            }
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      server.delay.ms = 0;
    }
    await clone;
    const all = listings.join("\n");
    expect(all).toContain("credential.helper="); // git was caught in flight
    expect(all).not.toContain("SECRETREPO");
  });

  it("refuses a host name that resolves to a local or metadata address, before git runs", async () => {
    // This machine's own name resolves to loopback (/etc/hosts); a real deployment refuses it.
    const name = hostname();
    const resolved = await lookup(name).catch(() => undefined);
    if (resolved === undefined || !resolved.address.startsWith("127.")) return;
    const strict = new WorkspaceRepository(runtime, { allowLoopback: false });
    const seen = server.seen.length;
    const refused = await failure(() =>
      strict.clone("a", { url: `https://${name}/acme/app.git`, ref: null }, TOKEN),
    );
    expect(refused.code).toBe("REPOSITORY_UNAVAILABLE");
    expect(refused.message).toMatch(/resolves to a link-local, metadata or local address/);
    expect(server.seen.length).toBe(seen);
  });

  it("checks out the branch asked for", async () => {
    await repo.clone("a", { url: server.url("private"), ref: "feature/x" }, TOKEN);
    const branch = execFileSync("git", ["-C", workspace, "branch", "--show-current"], {
      encoding: "utf8",
    }).trim();
    expect(branch).toBe("feature/x");
  });

  it("fails REPOSITORY_UNAVAILABLE without the token, with a refused one, for a missing repository or host", async () => {
    const none = await failure(() =>
      repo.clone("a", { url: server.url("private"), ref: null }, null),
    );
    expect(none.code).toBe("REPOSITORY_UNAVAILABLE");
    expect(none.message).toMatch(/needs a token/);
    const refused = await failure(() =>
      repo.clone("a", { url: server.url("private"), ref: null }, OTHER),
    );
    expect(refused.code).toBe("REPOSITORY_UNAVAILABLE");
    expect(refused.message).toMatch(/token was refused/);
    expect(refused.message).not.toContain("OTHERSECRET");
    const branch = await failure(() =>
      repo.clone("a", { url: server.url("private"), ref: "no-such-branch" }, TOKEN),
    );
    expect(branch.message).toMatch(/not found/);
    const host = await failure(() =>
      repo.clone("a", { url: "http://127.0.0.1:9/x.git", ref: null }, TOKEN),
    );
    expect(host.message).toMatch(/could not be reached/);
    // A stored URL that breaks the rules is not cloned at all.
    const metadata = await failure(() =>
      repo.clone("a", { url: "https://169.254.169.254/x/y", ref: null }, TOKEN),
    );
    expect(metadata.code).toBe("REPOSITORY_UNAVAILABLE");
  });
});

describe("changes and push", () => {
  it("lists edits, additions and deletions since the clone, and one file's diff", async () => {
    await repo.clone("a", { url: server.url("private"), ref: null }, TOKEN);
    writeFileSync(join(workspace, "README.md"), "hello\nthere\nworld\n");
    writeFileSync(join(workspace, "new file.txt"), "1\n2\n");
    rmSync(join(workspace, "src.txt"));
    const changes = await repo.changes("a");
    expect(changes.sort((x, y) => (x.path < y.path ? -1 : 1))).toEqual([
      { path: "README.md", status: "MODIFIED", added: 1, removed: 0 },
      { path: "new file.txt", status: "ADDED", added: 2, removed: 0 },
      { path: "src.txt", status: "DELETED", added: 0, removed: 3 },
    ]);
    const { diff, truncated } = await repo.fileDiff("a", "README.md");
    expect(truncated).toBe(false);
    expect(diff).toContain("+there");
    expect(diff).toContain("--- a/README.md");
    // The agent's own index is untouched: the new file is still untracked there.
    const status = execFileSync("git", ["-C", workspace, "status", "--porcelain"], {
      encoding: "utf8",
    });
    expect(status).toContain(`?? "new file.txt"`);
    const big = "x".repeat(400 * 1024);
    writeFileSync(join(workspace, "big.txt"), `${big}\n`);
    expect((await repo.fileDiff("a", "big.txt")).truncated).toBe(true);
    expect((await repo.fileDiff("a", "*")).diff).toBe("");
  });

  it("pushes the agent's work as a branch, authored by the user, and the remote has it", async () => {
    await repo.clone("a", { url: server.url("private"), ref: null }, TOKEN);
    writeFileSync(join(workspace, "README.md"), "pushed\n");
    // What an agent could plant to steal the token: a helper of its own, a rewrite elsewhere.
    writeFileSync(
      join(workspace, ".git", "config"),
      `[core]\n\trepositoryformatversion = 0\n[credential]\n\thelper = store --file=${join(workspace, "stolen")}\n[url "http://127.0.0.1:9/"]\n\tinsteadOf = ${server.url("private")}\n`,
    );
    const result = await repo.push(
      "a",
      { url: server.url("private"), ref: null },
      {
        branch: "agent/readme",
        message: "Edit the README",
        author: { name: "Ada", email: "ada@example.com" },
      },
      TOKEN,
    );
    expect(server.refs("private")["refs/heads/agent/readme"]).toBe(result.commit);
    expect(result.remoteMessage).toContain("refs/heads/agent/readme");
    expect(allText(workspace)).not.toContain("SECRETREPO");
    const author = execFileSync("git", ["-C", workspace, "log", "-1", "--format=%an <%ae> %s"], {
      encoding: "utf8",
    }).trim();
    expect(author).toBe("Ada <ada@example.com> Edit the README");
    expect(readFileSync(join(workspace, ".git", "config"), "utf8")).not.toContain("insteadOf");
    // Nothing to push: a fresh clone with no edits is refused.
    await repo.clone("b", { url: server.url("private"), ref: null }, TOKEN);
  });

  it("refuses a push with no changes", async () => {
    await repo.clone("a", { url: server.url("private"), ref: null }, TOKEN);
    const nothing = await failure(() =>
      repo.push(
        "a",
        { url: server.url("private"), ref: null },
        { branch: "agent/none", message: "m", author: { name: "A", email: "a@e" } },
        TOKEN,
      ),
    );
    expect(nothing.code).toBe("BAD_USER_INPUT");
  });

  it("maps a refused push to REPOSITORY_UNAVAILABLE and a rejected one to FORBIDDEN", async () => {
    await repo.clone("a", { url: server.url("private"), ref: null }, TOKEN);
    writeFileSync(join(workspace, "README.md"), "one\n");
    const refused = await failure(() =>
      repo.push(
        "a",
        { url: server.url("private"), ref: null },
        { branch: "b1", message: "m", author: { name: "A", email: "a@e" } },
        OTHER,
      ),
    );
    expect(refused.code).toBe("REPOSITORY_UNAVAILABLE");
    expect(refused.message).not.toContain("OTHERSECRET");
    // main moved on the server meanwhile? Pushing an unrelated history onto main is not a fast-forward.
    server.createRepo("other", { "a.txt": "a\n" });
    const rejected = await failure(() =>
      repo.push(
        "a",
        { url: server.url("other"), ref: null },
        { branch: "main", message: "m", author: { name: "A", email: "a@e" } },
        TOKEN,
      ),
    );
    expect(rejected.code).toBe("FORBIDDEN");
    expect(rejected.message).toMatch(/rejected/);
  });
});

it("records the base it compares against", async () => {
  const commit = await repo.clone("a", { url: server.url("private"), ref: null }, TOKEN);
  const recorded = execFileSync("git", ["-C", workspace, "rev-parse", BASE_REF], {
    encoding: "utf8",
  }).trim();
  expect(recorded).toBe(commit);
});
