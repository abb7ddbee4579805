import { randomBytes, randomUUID } from "node:crypto";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { Redis } from "ioredis";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AgentEventLog,
  credentialIdentityOf,
  parseKeyRing,
  sealedColumns,
  type AgentEvent,
} from "@agentry/core";
import { createVault } from "@agentry/core/secrets";
import { createTestDatabase, type TestDatabase } from "@agentry/prisma/testing";
import { runClaimedMessage } from "../../src/messages/message.processor.js";
import { WorkspaceRepository } from "../../src/repository/workspace-repository.js";
import { execLocal } from "../../src/runtime/workspace-exec.js";
import { startGitServer, type GitServer } from "../support/git-server.js";

// Clone on first use, through the message path: the session's token, then the sender's own once
// the session's is removed; a refused token fails the message REPOSITORY_UNAVAILABLE and the next
// message clones; each agent its own working copy. The tokens are planted and looked for in the
// workspaces, the events, the logs and the database.

let db: TestDatabase;
let server: GitServer;
let root: string;
const redis = new Redis(process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379");
const namespace = `clone-first-use-${randomUUID()}:`;
const vault = createVault(parseKeyRing(randomBytes(32).toString("hex")));
const SESSION_TOKEN = `github_pat_${randomBytes(20).toString("hex")}SESSIONTOKEN`;
const ACCOUNT_TOKEN = `deploy:${randomBytes(20).toString("hex")}ACCOUNTTOKEN`;
const PLANTED = [
  "SESSIONTOKEN",
  "ACCOUNTTOKEN",
  SESSION_TOKEN.slice(11, 40),
  ACCOUNT_TOKEN.slice(7, 40),
];
const logLines: string[] = [];
const logger = pino(
  { level: "debug" },
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString("utf8"));
      done();
    },
  }),
);

const workspaceOf = (agentId: string) => join(root, agentId);
const runs: string[] = [];
// The process runtime's exec, with a run that edits the workspace like an agent would.
const runtime = {
  name: "process",
  ensure: ({ agentId }: { agentId: string }) => {
    mkdirSync(workspaceOf(agentId), { recursive: true });
    return Promise.resolve({ handle: agentId, created: true });
  },
  async *run(agentId: string): AsyncGenerator<AgentEvent> {
    await Promise.resolve();
    runs.push(agentId);
    writeFileSync(join(workspaceOf(agentId), "AGENT.md"), "written by the agent\n");
    yield { type: "text", delta: "done editing" };
    yield { type: "done" };
  },
  readJournal: () => Promise.resolve(null),
  stop: () => Promise.resolve(),
  inspect: () => Promise.resolve({ state: "running" as const }),
  exec: (agentId: string, command: Parameters<typeof execLocal>[2]) =>
    execLocal(workspaceOf(agentId), { PATH: process.env["PATH"] ?? "/usr/bin:/bin" }, command),
  workspacePath: (agentId: string) => workspaceOf(agentId),
};

function allText(dir: string): string {
  let out = "";
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    out += statSync(path).isDirectory() ? allText(path) : readFileSync(path).toString("latin1");
  }
  return out;
}

async function storeGitToken(owner: { userId?: string; sessionId?: string }, secret: string) {
  const id = randomUUID();
  const identity = credentialIdentityOf({
    id,
    userId: owner.userId ?? null,
    sessionId: owner.sessionId ?? null,
    provider: "GIT",
    kind: "API_KEY",
  });
  await db.prisma.credential.create({
    data: {
      id,
      userId: owner.userId ?? null,
      sessionId: owner.sessionId ?? null,
      provider: "GIT",
      kind: "API_KEY",
      ...sealedColumns(vault.seal(identity, secret)),
      hint: secret.slice(-4),
    },
  });
  return id;
}

let userId: string;
let sessionId: string;

async function send(agentId: string) {
  const message = await db.prisma.message.create({
    data: { agentId, authorId: userId, role: "USER", text: "edit", status: "RUNNING" },
  });
  await runClaimedMessage(
    {
      prisma: db.prisma,
      runtime,
      repository: new WorkspaceRepository(runtime, { allowLoopback: true }),
      events: new AgentEventLog(redis, namespace),
      publisher: redis,
      topicNamespace: namespace,
      resolve: {
        prisma: db.prisma,
        systemKeys: { ANTHROPIC: `sk-ant-api03-${randomBytes(20).toString("hex")}` },
        allowSystemKeys: true,
        vault,
      },
      baseUrls: {},
      runTimeLimitMs: 60_000,
      logger,
    },
    message.id,
    1,
    false,
  );
  return db.prisma.message.findUniqueOrThrow({ where: { id: message.id } });
}

const newAgent = () =>
  db.prisma.agent.create({
    data: { sessionId, kind: "CHAT", provider: "ANTHROPIC", model: "claude-haiku-4-5" },
  });

beforeAll(async () => {
  db = await createTestDatabase("worker_clone_first_use");
  server = await startGitServer();
  server.createRepo("app", { "README.md": "app\n" });
  root = mkdtempSync(join(tmpdir(), "agentry-clone-first-use-"));
  const user = await db.prisma.user.create({
    data: { email: `u-${randomUUID()}@example.test`, passwordHash: "x" },
  });
  userId = user.id;
  const session = await db.prisma.session.create({
    data: { ownerId: user.id, name: "s", repoUrl: server.url("app") },
  });
  sessionId = session.id;
});
afterAll(async () => {
  await db.drop();
  await server.close();
  rmSync(root, { recursive: true, force: true });
  const keys = await redis.keys(`${namespace}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describe("clone on first use", () => {
  it("clones with the session's token, then the sender's own, each agent its own copy; a refusal fails REPOSITORY_UNAVAILABLE and the next message clones", async () => {
    const sessionKey = await storeGitToken({ sessionId }, SESSION_TOKEN);
    await storeGitToken({ userId }, ACCOUNT_TOKEN);
    server.accept
      .add(SESSION_TOKEN.slice(0))
      .add(ACCOUNT_TOKEN.slice(ACCOUNT_TOKEN.indexOf(":") + 1));

    const first = await newAgent();
    const done = await send(first.id);
    expect(done.status).toBe("DONE");
    expect(server.seen.at(-1)).toBe(SESSION_TOKEN);
    const cloned = await db.prisma.agent.findUniqueOrThrow({ where: { id: first.id } });
    expect(cloned.repoCommit).toMatch(/^[0-9a-f]{40}$/);
    expect(readFileSync(join(workspaceOf(first.id), "README.md"), "utf8")).toBe("app\n");
    // Cloned once: the second message does not fetch again.
    const seen = server.seen.length;
    expect((await send(first.id)).status).toBe("DONE");
    expect(server.seen.length).toBe(seen);
    // A new environment whose workspace lost the clone (its volume replaced) clones again.
    rmSync(workspaceOf(first.id), { recursive: true, force: true });
    expect((await send(first.id)).status).toBe("DONE");
    expect(server.seen.length).toBeGreaterThan(seen);
    expect(readFileSync(join(workspaceOf(first.id), "README.md"), "utf8")).toBe("app\n");

    await db.prisma.credential.delete({ where: { id: sessionKey } });
    const second = await newAgent();
    expect((await send(second.id)).status).toBe("DONE");
    expect(server.seen.at(-1)).toBe(ACCOUNT_TOKEN.slice(ACCOUNT_TOKEN.indexOf(":") + 1));
    expect(readFileSync(join(workspaceOf(second.id), "README.md"), "utf8")).toBe("app\n");

    server.accept.clear();
    const third = await newAgent();
    const refused = await send(third.id);
    expect(refused.status).toBe("FAILED");
    expect(refused.errorCode).toBe("REPOSITORY_UNAVAILABLE");
    expect(refused.errorMessage).toMatch(/token was refused/);
    expect(runs.filter((id) => id === third.id)).toEqual([]);
    expect(
      (await db.prisma.agent.findUniqueOrThrow({ where: { id: third.id } })).repoCommit,
    ).toBeNull();
    server.accept.add(ACCOUNT_TOKEN.slice(ACCOUNT_TOKEN.indexOf(":") + 1));
    expect((await send(third.id)).status).toBe("DONE");
    expect(runs.filter((id) => id === third.id)).toHaveLength(1);

    // The client was told: a STATUS event saying what is being cloned.
    const events = (await new AgentEventLog(redis, namespace).replay(third.id, 0)).map(
      (line) => JSON.parse(line) as { type: string; reason?: string },
    );
    expect(
      events.some((e) => e.type === "STATUS" && e.reason === `Cloning ${server.url("app")}…`),
    ).toBe(true);
  });

  it("leaves the tokens nowhere: workspaces, .git/config, events, logs, database", async () => {
    const text = [allText(root)];
    const keys = await redis.keys(`${namespace}*`);
    for (const key of keys) {
      const type = await redis.type(key);
      if (type === "stream") text.push(JSON.stringify(await redis.xrange(key, "-", "+")));
      else if (type === "string") text.push((await redis.get(key)) ?? "");
    }
    text.push(logLines.join(""));
    for (const table of ["Message", "Agent", "Session", "AuditEvent"]) {
      const rows = await db.prisma
        .$queryRawUnsafe<unknown[]>(`SELECT row_to_json(t)::text AS j FROM "${table}" t`)
        .catch(() => []);
      text.push(JSON.stringify(rows));
    }
    const credentialRows = await db.prisma.$queryRawUnsafe<unknown[]>(
      `SELECT row_to_json(t)::text AS j FROM "Credential" t`,
    );
    text.push(JSON.stringify(credentialRows));
    const all = text.join("\n");
    expect(all).toContain("repository cloned"); // the log was captured
    for (const planted of PLANTED) expect(all).not.toContain(planted);
  });
});
