import { randomBytes, randomUUID } from "node:crypto";
import { join } from "node:path";
import Docker from "dockerode";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureAgentClis } from "@agentry/agent/clis";
import { ensureAgentImage } from "../../src/runtime/agent-image.js";
import { DockerRuntime } from "../../src/runtime/docker-runtime.js";
import { WorkspaceRepository } from "../../src/repository/workspace-repository.js";
import { buildHostForTests } from "../runtime/fixtures/agent-host.js";
import { startGitServer, type GitServer } from "../support/git-server.js";

// The repository in a Docker agent's workspace: git runs inside the agent's container (a
// docker exec with its standard input attached), the token on that input only. The container's
// and every exec's inspect output hold no token.

const repoRoot = join(import.meta.dirname, "..", "..", "..");
const standIn = join(import.meta.dirname, "..", "runtime", "fixtures", "stand-in-agent.mjs");
const docker = new Docker();
const TOKEN = `ghp_${randomBytes(18).toString("hex")}`;
let server: GitServer;
let runtime: DockerRuntime;
const agentId = randomUUID();

beforeAll(async () => {
  const image = await ensureAgentImage({
    docker,
    repoRoot,
    agentClis: await ensureAgentClis(),
    agentBundle: standIn,
    hostBundle: await buildHostForTests(),
  });
  runtime = new DockerRuntime({
    docker,
    image,
    logger: pino({ level: "silent" }),
    networkMode: "host",
    namespace: `repo-${randomUUID().slice(0, 8)}`,
  });
  server = await startGitServer();
  server.accept.add(TOKEN);
  server.createRepo("app", { "README.md": "app\n" });
}, 30 * 60_000);
afterAll(async () => {
  await runtime.remove(agentId).catch(() => undefined);
  await server.close();
});

describe("the repository in a Docker agent's container", () => {
  it("clones, reads changes and pushes from inside the container, the token in no inspect output", async () => {
    await runtime.ensure({ agentId, sessionId: randomUUID(), kind: "CHAT" });
    // What the engine tells anyone watching: every exec's command line (exec_create/exec_start).
    const events = await docker.getEvents({
      filters: { container: [DockerRuntime.containerName(agentId)] },
    });
    const seenEvents: string[] = [];
    events.on("data", (chunk: Buffer) => seenEvents.push(chunk.toString("utf8")));
    const repository = new WorkspaceRepository(runtime, { allowLoopback: true });
    const commit = await repository.clone(agentId, { url: server.url("app"), ref: null }, TOKEN);
    expect(server.seen).toContain(TOKEN);
    const edit = await runtime.exec(agentId, {
      argv: ["sh", "-c", "printf 'more\\n' >> README.md && cat .git/config"],
    });
    expect(edit.exitCode).toBe(0);
    expect(edit.stdout.toString()).not.toContain(TOKEN);
    expect(await repository.changes(agentId)).toEqual([
      { path: "README.md", status: "MODIFIED", added: 1, removed: 0 },
    ]);
    const pushed = await repository.push(
      agentId,
      { url: server.url("app"), ref: null },
      {
        branch: "agent/docker",
        message: "from docker",
        author: { name: "A", email: "a@example.com" },
      },
      TOKEN,
    );
    expect(pushed.commit).not.toBe(commit);
    expect(server.refs("app")["refs/heads/agent/docker"]).toBe(pushed.commit);

    const container = await docker.getContainer(DockerRuntime.containerName(agentId)).inspect();
    await new Promise((resolve) => setTimeout(resolve, 500));
    (events as unknown as { destroy: () => void }).destroy();
    const text = [JSON.stringify(container), ...seenEvents].join("\n");
    expect(text).toContain("exec_start: sh -c"); // the execs are there to look at
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(TOKEN.slice(4, 24));
    const grep = await runtime.exec(agentId, {
      argv: ["sh", "-c", `grep -rl "${TOKEN.slice(4, 24)}" . || true`],
    });
    expect(grep.stdout.toString().trim()).toBe("");
  }, 120_000);
});
