import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi, type TestUser } from "./harness.js";

// The repository token is a credential of provider GIT (kind API_KEY): stored, sealed and
// write-only like every other, per account and per session, any host's token accepted.

let api: TestApi;
let owner: TestUser;
let sessionId: string;
beforeAll(async () => {
  api = await startTestApi();
  owner = await api.signUp();
  const { createSession } = await api.ok<{ createSession: { id: string } }>(
    `mutation { createSession(input: { name: "repo", repoUrl: "https://github.com/acme/app.git" }) { id } }`,
    undefined,
    owner.token,
  );
  sessionId = createSession.id;
});
afterAll(async () => {
  await api.close();
});

const SET_SESSION_KEY = `mutation ($id: ID!, $s: String!) { setSessionKey(sessionId: $id, provider: GIT, secret: $s) { keys { provider kind hint } } }`;
const SET_ACCOUNT = `mutation ($k: CredentialKind!, $s: String!) { setAccountCredential(provider: GIT, kind: $k, secret: $s) { provider kind hint } }`;

const random = (n: number): string =>
  Array.from(
    { length: n },
    () => "abcdefghijklmnopqrstuvwxyz0123456789"[Math.floor(Math.random() * 36)],
  ).join("");

describe("the repository token (provider GIT)", () => {
  it("takes GitHub fine-grained and classic, GitLab, any token and username:token", async () => {
    for (const secret of [
      `github_pat_${random(82)}`,
      `ghp_${random(36)}`,
      `glpat-${random(20)}`,
      random(40),
      `deploy-bot:${random(30)}`,
    ]) {
      const { setAccountCredential } = await api.ok<{
        setAccountCredential: { provider: string; kind: string; hint: string };
      }>(SET_ACCOUNT, { k: "API_KEY", s: secret }, owner.token);
      expect(setAccountCredential).toEqual({
        provider: "GIT",
        kind: "API_KEY",
        hint: secret.slice(-4),
      });
    }
    const { setSessionKey } = await api.ok<{
      setSessionKey: { keys: { provider: string; kind: string; hint: string }[] };
    }>(SET_SESSION_KEY, { id: sessionId, s: `ghp_${random(36)}` }, owner.token);
    expect(setSessionKey.keys.map((key) => [key.provider, key.kind])).toEqual([["GIT", "API_KEY"]]);
  });

  it("refuses a subscription kind, blanks, spaces and a half username:token, never quoting it", async () => {
    const cases: [string, string][] = [
      ["SUBSCRIPTION", `ghp_${random(36)}`],
      ["API_KEY", "   "],
      ["API_KEY", `two words${random(10)}`],
      ["API_KEY", `:${random(20)}`],
      ["API_KEY", `bot${random(20)}:`],
    ];
    for (const [k, s] of cases) {
      const error = await api.fail(SET_ACCOUNT, { k, s }, owner.token);
      expect(error.extensions?.code).toBe("BAD_USER_INPUT");
      if (s.trim().length > 8) expect(error.message).not.toContain(s.trim());
    }
  });

  it("runs no agent: spawnAgent with provider GIT is refused", async () => {
    const error = await api.fail(
      `mutation ($s: ID!) { spawnAgent(sessionId: $s, kind: CHAT, provider: GIT) { id } }`,
      { s: sessionId },
      owner.token,
    );
    expect(error.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("an agent's changes and push, before any clone (no worker involved)", () => {
  const SPAWN = `mutation ($s: ID!) { spawnAgent(sessionId: $s, kind: CHAT) { id } }`;
  const CHANGES = `query ($s: ID!) { session(id: $s) { agents { id changes { baseCommit } fileDiff(path: "README.md") { diff } } } }`;
  const PUSH = `mutation ($a: ID!, $b: String!) { pushAgentBranch(agentId: $a, branch: $b) { branch } }`;

  it("answers null changes for an agent with no clone, and refuses pushes by viewers, bad branches and before a clone", async () => {
    const { spawnAgent } = await api.ok<{ spawnAgent: { id: string } }>(
      SPAWN,
      { s: sessionId },
      owner.token,
    );
    const read = await api.ok<{
      session: { agents: { changes: unknown; fileDiff: unknown }[] };
    }>(CHANGES, { s: sessionId }, owner.token);
    expect(read.session.agents).toEqual([{ id: spawnAgent.id, changes: null, fileDiff: null }]);

    const viewer = await api.signUp();
    await api.ok(
      `mutation ($s: ID!, $e: String!) { addSessionMember(sessionId: $s, email: $e, role: VIEWER) { id } }`,
      { s: sessionId, e: viewer.email },
      owner.token,
    );
    const byViewer = await api.fail(PUSH, { a: spawnAgent.id, b: "agent/x" }, viewer.token);
    expect(byViewer.extensions?.code).toBe("FORBIDDEN");
    const stranger = await api.signUp();
    expect(
      (await api.fail(PUSH, { a: spawnAgent.id, b: "x" }, stranger.token)).extensions?.code,
    ).toBe("NOT_FOUND");
    for (const branch of ["--force", "a..b", "deadbeef", "refs/heads/x", "HEAD", "x y", ""]) {
      const error = await api.fail(PUSH, { a: spawnAgent.id, b: branch }, owner.token);
      expect(error.extensions, branch).toMatchObject({ code: "BAD_USER_INPUT" });
    }
    const noClone = await api.fail(PUSH, { a: spawnAgent.id, b: "agent/x" }, owner.token);
    expect(noClone.extensions?.code).toBe("BAD_USER_INPUT");
    expect(noClone.message).toMatch(/no clone/);
  });
});
