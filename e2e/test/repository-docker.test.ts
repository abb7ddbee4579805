import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitServer, type GitServer } from "../../worker/test/support/git-server.js";
import { sendMessage, settled, spawnChatAgent } from "./support/flows.js";
import { agentContainerDump } from "./support/leaks.js";
import { anthropicKey, startSystem, type System } from "./support/system.js";

// The session's repository with the Docker runtime (issue 9): the clone runs inside the agent's
// container (docker exec, the token on its standard input), the agent's edit shows in
// Agent.changes, pushAgentBranch lands the branch, and neither the container's inspect output
// (Env, Cmd, Args), its execs' nor the workspace holds the token.

let system: System;
let server: GitServer;
const systemKey = anthropicKey();
const TOKEN = `ghp_${randomBytes(18).toString("hex")}`;

const CHANGES = `query ($s: ID!) { session(id: $s) { agents { id changes { files { path status added removed } } } } }`;
const PUSH = `mutation ($a: ID!, $b: String!) { pushAgentBranch(agentId: $a, branch: $b) { branch commit } }`;

beforeAll(async () => {
  server = await startGitServer();
  server.createRepo("app", { "README.md": "app\n" });
  server.accept.add(TOKEN);
  system = await startSystem({
    runtime: "docker",
    env: { ANTHROPIC_API_KEY: systemKey, REPOSITORY_ALLOW_LOOPBACK: "true" },
  });
  system.fake.addKey(systemKey);
}, 20 * 60_000);
afterAll(async () => {
  await system.close();
  await server.close();
});

describe("a session's repository with the Docker runtime", () => {
  it("is cloned, changed and pushed inside the agent's container, the token in no inspect output", async () => {
    const { api } = system;
    const user = await api.signUp();
    const { createSession } = await api.ok<{ createSession: { id: string } }>(
      `mutation ($input: CreateSessionInput!) { createSession(input: $input) { id } }`,
      { input: { name: "repo", repoUrl: server.url("app") } },
      user.token,
    );
    const sessionId = createSession.id;
    await api.ok(
      `mutation ($id: ID!, $s: String!) { setSessionKey(sessionId: $id, provider: GIT, secret: $s) { id } }`,
      { id: sessionId, s: TOKEN },
      user.token,
    );
    const agentId = await spawnChatAgent(api, user.token, sessionId);
    const message = await sendMessage(api, user.token, agentId, "hello");
    expect(await settled(api, user.token, sessionId, agentId, message, 120_000)).toMatchObject({
      status: "DONE",
    });
    expect(server.seen).toContain(TOKEN);

    const runtime = system.worker().runtime;
    const edit = await runtime.exec(agentId, {
      argv: ["sh", "-c", "printf 'from the container\\n' >> README.md"],
    });
    expect(edit.exitCode).toBe(0);
    const read = await api.ok<{ session: { agents: { changes: { files: unknown[] } }[] } }>(
      CHANGES,
      { s: sessionId },
      user.token,
    );
    expect(read.session.agents[0]?.changes.files).toEqual([
      { path: "README.md", status: "MODIFIED", added: 1, removed: 0 },
    ]);
    const pushed = await api.ok<{ pushAgentBranch: { commit: string } }>(
      PUSH,
      { a: agentId, b: "agent/docker" },
      user.token,
    );
    expect(server.refs("app")["refs/heads/agent/docker"]).toBe(pushed.pushAgentBranch.commit);

    // The container's inspect (Env, Cmd, Args), its execs', its volume and workspace archive.
    const dump = await agentContainerDump(agentId);
    expect(dump).toContain("README.md");
    expect(dump).not.toContain(TOKEN);
    expect(dump).not.toContain(TOKEN.slice(4, 24));
    const grep = await runtime.exec(agentId, {
      argv: ["sh", "-c", `grep -rl "${TOKEN.slice(4, 24)}" . /tmp 2>/dev/null || true`],
    });
    expect(grep.stdout.toString().trim()).toBe("");
    expect(system.workerLogs().join("\n")).not.toContain(TOKEN.slice(4, 24));
  }, 180_000);
});
