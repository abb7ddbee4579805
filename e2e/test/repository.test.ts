import { randomBytes } from "node:crypto";
import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitServer, type GitServer } from "../../worker/test/support/git-server.js";
import { anthropicKey, REDIS_URL, startSystem, type System } from "./support/system.js";
import { sendMessage, settled, spawnChatAgent } from "./support/flows.js";

// The session's repository end to end (issue 9), through the api and a worker with the process
// runtime, against a private git server in this test (http-backend behind basic auth): each
// agent clones before its first message with the session's token, then with the sender's own
// once the session's is removed; a refused token fails the message REPOSITORY_UNAVAILABLE; the
// agent's edit shows in Agent.changes and fileDiff; pushAgentBranch lands the branch on the
// server. The tokens are planted and looked for in the workspaces, logs, Redis and responses.

let system: System;
let server: GitServer;
const systemKey = anthropicKey();
const SESSION_TOKEN = `github_pat_${randomBytes(24).toString("hex")}`;
const ACCOUNT_TOKEN = `glpat-${randomBytes(16).toString("hex")}`;
const responses: string[] = [];
const agents: string[] = [];

const SET_SESSION_KEY = `mutation ($id: ID!, $s: String!) { setSessionKey(sessionId: $id, provider: GIT, secret: $s) { id } }`;
const REMOVE_SESSION_KEY = `mutation ($id: ID!) { removeSessionKey(sessionId: $id, provider: GIT) { id } }`;
const SET_ACCOUNT = `mutation ($s: String!) { setAccountCredential(provider: GIT, kind: API_KEY, secret: $s) { id } }`;
const CHANGES = `query ($s: ID!, $path: String!) { session(id: $s) { agents { id changes { baseCommit files { path status added removed } } fileDiff(path: $path) { path diff truncated } } } }`;
const PUSH = `mutation ($a: ID!, $b: String!, $m: String) { pushAgentBranch(agentId: $a, branch: $b, message: $m) { branch commit remoteMessage } }`;

function allText(dir: string): string {
  let out = "";
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const info = statSync(path);
    if (info.isDirectory()) out += allText(path);
    else if (info.isFile()) out += readFileSync(path).toString("latin1");
  }
  return out;
}

beforeAll(async () => {
  server = await startGitServer();
  server.createRepo("app", { "README.md": "app\n", "lib.txt": "one\ntwo\n" });
  system = await startSystem({
    runtime: "process",
    env: { ANTHROPIC_API_KEY: systemKey, REPOSITORY_ALLOW_LOOPBACK: "true" },
  });
  system.fake.addKey(systemKey);
});
afterAll(async () => {
  await system.close();
  await server.close();
});

describe("a session's repository", () => {
  let token: string;
  let sessionId: string;
  let firstAgent: string;

  it("is cloned into each agent's workspace before its first message, with the session's token, then the account's", async () => {
    const { api } = system;
    const user = await api.signUp();
    token = user.token;
    const created = await api.ok<{ createSession: { id: string } }>(
      `mutation ($input: CreateSessionInput!) { createSession(input: $input) { id } }`,
      { input: { name: "repo", repoUrl: server.url("app") } },
      token,
    );
    sessionId = created.createSession.id;
    await api.ok(SET_SESSION_KEY, { id: sessionId, s: SESSION_TOKEN }, token);
    await api.ok(SET_ACCOUNT, { s: ACCOUNT_TOKEN }, token);
    server.accept.add(SESSION_TOKEN).add(ACCOUNT_TOKEN);

    firstAgent = await spawnChatAgent(api, token, sessionId);
    agents.push(firstAgent);
    const first = await sendMessage(api, token, firstAgent, "hello");
    expect(await settled(api, token, sessionId, firstAgent, first)).toMatchObject({
      status: "DONE",
    });
    expect(server.seen.at(-1)).toBe(SESSION_TOKEN);
    const workspace = system.worker().runtime.workspacePath(firstAgent);
    expect(readFileSync(join(workspace, "README.md"), "utf8")).toBe("app\n");

    await api.ok(REMOVE_SESSION_KEY, { id: sessionId }, token);
    const second = await spawnChatAgent(api, token, sessionId);
    agents.push(second);
    const message = await sendMessage(api, token, second, "hello");
    expect(await settled(api, token, sessionId, second, message)).toMatchObject({ status: "DONE" });
    expect(server.seen.at(-1)).toBe(ACCOUNT_TOKEN);
    expect(system.worker().runtime.workspacePath(second)).not.toBe(workspace);
  });

  it("fails a message REPOSITORY_UNAVAILABLE when the token is refused, and clones on the next", async () => {
    const { api } = system;
    server.accept.clear();
    const agent = await spawnChatAgent(api, token, sessionId);
    agents.push(agent);
    const refused = await sendMessage(api, token, agent, "hello");
    const failed = await settled(api, token, sessionId, agent, refused);
    expect(failed).toMatchObject({ status: "FAILED", errorCode: "REPOSITORY_UNAVAILABLE" });
    expect(failed.errorMessage).toMatch(/token was refused/);
    server.accept.add(ACCOUNT_TOKEN);
    const again = await sendMessage(api, token, agent, "hello again");
    expect(await settled(api, token, sessionId, agent, again)).toMatchObject({ status: "DONE" });
  });

  it("shows the agent's edit in changes and fileDiff, and pushes it as a branch", async () => {
    const { api } = system;
    const workspace = system.worker().runtime.workspacePath(firstAgent);
    writeFileSync(join(workspace, "lib.txt"), "one\ntwo\nthree\n");
    writeFileSync(join(workspace, "NEW.md"), "new\n");
    const read = await api.ok<{
      session: {
        agents: {
          id: string;
          changes: { baseCommit: string; files: unknown[] } | null;
          fileDiff: { diff: string; truncated: boolean } | null;
        }[];
      };
    }>(CHANGES, { s: sessionId, path: "lib.txt" }, token);
    responses.push(JSON.stringify(read));
    const agent = read.session.agents.find((a) => a.id === firstAgent);
    expect(agent?.changes?.files).toEqual([
      { path: "NEW.md", status: "ADDED", added: 1, removed: 0 },
      { path: "lib.txt", status: "MODIFIED", added: 1, removed: 0 },
    ]);
    expect(agent?.fileDiff?.diff).toContain("+three");
    expect(agent?.fileDiff?.truncated).toBe(false);

    const pushed = await api.ok<{
      pushAgentBranch: { branch: string; commit: string; remoteMessage: string };
    }>(PUSH, { a: firstAgent, b: "agent/three", m: "Add three" }, token);
    responses.push(JSON.stringify(pushed));
    expect(pushed.pushAgentBranch.branch).toBe("agent/three");
    expect(server.refs("app")["refs/heads/agent/three"]).toBe(pushed.pushAgentBranch.commit);

    server.accept.clear();
    writeFileSync(join(workspace, "NEW.md"), "newer\n");
    const refused = await api.fail(PUSH, { a: firstAgent, b: "agent/four" }, token);
    expect(refused.extensions?.code).toBe("REPOSITORY_UNAVAILABLE");
    responses.push(JSON.stringify(refused));
    server.accept.add(ACCOUNT_TOKEN);
    const badBranch = await api.fail(PUSH, { a: firstAgent, b: "--force" }, token);
    expect(badBranch.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("leaves the tokens nowhere: workspaces, worker logs, Redis (jobs and events), responses", async () => {
    const directories = agents.map((id) => join(system.worker().runtime.workspacePath(id), ".."));
    const redis = new Redis(REDIS_URL);
    const dump: string[] = [];
    try {
      for (const key of await redis.keys("*")) {
        const type = await redis.type(key);
        if (type === "string") dump.push((await redis.get(key)) ?? "");
        else if (type === "hash") dump.push(JSON.stringify(await redis.hgetall(key)));
        else if (type === "stream") dump.push(JSON.stringify(await redis.xrange(key, "-", "+")));
        else if (type === "list") dump.push(JSON.stringify(await redis.lrange(key, 0, -1)));
      }
    } finally {
      await redis.quit();
    }
    const haystack = [
      ...directories.map(allText),
      system.workerLogs().join("\n"),
      dump.join("\n"),
      ...responses,
    ].join("\n");
    expect(haystack).toContain("repository cloned");
    for (const secret of [SESSION_TOKEN, ACCOUNT_TOKEN]) {
      expect(haystack).not.toContain(secret);
      expect(haystack).not.toContain(secret.slice(8, 30));
    }
  });
});
