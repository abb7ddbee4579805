import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSystem, type System } from "./support/system.js";

// verifyCredential end to end: the api asks, the worker opens the credential and calls the
// provider (the fake provider; for odd answers, a server that answers 403, 503 or nothing; for a
// refused connection, a closed port), the answer comes back. Nothing about the credential changes
// on any answer; the job in Redis carries ids only; no secret reaches a log.

const VERIFY = `mutation ($id: ID!) { verifyCredential(id: $id) { result checkedAt status message } }`;
const SET = `mutation ($p: Provider!, $k: CredentialKind!, $s: String!) { setAccountCredential(provider: $p, kind: $k, secret: $s) { id } }`;

interface Verification {
  readonly result: "VALID" | "REFUSED" | "UNREACHABLE";
  readonly checkedAt: string;
  readonly status: number | null;
  readonly message: string | null;
}

const tail = (length = 40) => randomBytes(length).toString("base64url").slice(0, length);
const planted: string[] = [];
const plant = (secret: string): string => {
  planted.push(secret);
  return secret;
};

let system: System;
let odd: Server;
let oddAnswer: number | "hang" = "hang";

beforeAll(async () => {
  odd = createServer((req, res) => {
    req.resume();
    if (oddAnswer === "hang") return;
    res.writeHead(oddAnswer, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { code: oddAnswer, message: "odd", status: "ODD" } }));
  });
  await new Promise<void>((resolve) => odd.listen(0, "127.0.0.1", resolve));
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const closedPort = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  system = await startSystem({
    runtime: "process",
    env: {
      VERIFY_TIMEOUT_MS: "1000",
      // Gemini: a server whose answers the tests choose; OpenAI: nothing listens.
      GEMINI_BASE_URL: `http://127.0.0.1:${(odd.address() as AddressInfo).port}`,
      OPENAI_BASE_URL: `http://127.0.0.1:${closedPort}/v1`,
    },
  });
});
afterAll(async () => {
  await system.close();
  odd.closeAllConnections();
  await new Promise((resolve) => odd.close(resolve));
});

/** The row's every column that a verification must leave as it was. */
const rowOf = async (id: string) => {
  const row = await system.api.prisma.credential.findUniqueOrThrow({ where: { id } });
  return JSON.stringify({
    updatedAt: row.updatedAt,
    refusedAt: row.refusedAt,
    lastUsedAt: row.lastUsedAt,
    version: row.version,
    ciphertext: Buffer.from(row.ciphertext).toString("hex"),
    nonce: Buffer.from(row.nonce).toString("hex"),
    hint: row.hint,
    expiresAt: row.expiresAt,
  });
};

async function verifyAs(token: string, id: string): Promise<Verification> {
  const before = await rowOf(id);
  const { verifyCredential } = await system.api.ok<{ verifyCredential: Verification }>(
    VERIFY,
    { id },
    token,
  );
  expect(await rowOf(id)).toBe(before);
  return verifyCredential;
}

async function accountCredential(
  token: string,
  provider: string,
  kind: string,
  secret: string,
): Promise<string> {
  const { setAccountCredential } = await system.api.ok<{ setAccountCredential: { id: string } }>(
    SET,
    { p: provider, k: kind, s: plant(secret) },
    token,
  );
  return setAccountCredential.id;
}

describe("verifyCredential", () => {
  it("is VALID for credentials the provider takes, and changes nothing", async () => {
    const a = await system.api.signUp();
    const cases = [
      ["ANTHROPIC", "API_KEY", `sk-ant-api03-${tail()}`],
      ["ANTHROPIC", "SUBSCRIPTION", `sk-ant-oat01-${tail()}`],
      ["GITHUB_COPILOT", "SUBSCRIPTION", `github_pat_${tail()}`],
    ] as const;
    for (const [provider, kind, secret] of cases) {
      system.fake.addKey(secret);
      const id = await accountCredential(a.token, provider, kind, secret);
      const started = Date.now();
      const answer = await verifyAs(a.token, id);
      expect(answer, `${provider} ${kind}`).toMatchObject({ result: "VALID", status: 200 });
      const checkedAt = Date.parse(answer.checkedAt);
      expect(checkedAt).toBeGreaterThanOrEqual(started - 1000);
      expect(checkedAt).toBeLessThanOrEqual(Date.now() + 1000);
    }
  });

  it("is REFUSED on 401 and 403, with the status, and nothing is marked or stored", async () => {
    const a = await system.api.signUp();
    // Unknown to the fake provider: 401.
    const anthropic = await accountCredential(
      a.token,
      "ANTHROPIC",
      "API_KEY",
      `sk-ant-api03-${tail()}`,
    );
    expect(await verifyAs(a.token, anthropic)).toMatchObject({ result: "REFUSED", status: 401 });
    const copilot = await accountCredential(
      a.token,
      "GITHUB_COPILOT",
      "SUBSCRIPTION",
      `github_pat_${tail()}`,
    );
    expect(await verifyAs(a.token, copilot)).toMatchObject({ result: "REFUSED", status: 401 });
    oddAnswer = 403;
    const gemini = await accountCredential(a.token, "GEMINI", "API_KEY", `AIza${tail(35)}`);
    expect(await verifyAs(a.token, gemini)).toMatchObject({ result: "REFUSED", status: 403 });
    const rows = await system.api.prisma.credential.findMany({
      where: { id: { in: [anthropic, copilot, gemini] } },
    });
    expect(rows.map((row) => [row.refusedAt, row.version])).toEqual([
      [null, 1],
      [null, 1],
      [null, 1],
    ]);
  });

  it("does not refresh an expired sign-in: REFUSED, saying a run would refresh it first", async () => {
    const a = await system.api.signUp();
    const refreshToken = `sk-ant-ort01-${tail()}`;
    system.fake.addRefreshToken(refreshToken, { accessTokenPrefix: "sk-ant-oat01-" });
    const secret = JSON.stringify({
      claudeAiOauth: {
        accessToken: `sk-ant-oat01-${tail()}`,
        refreshToken,
        expiresAt: Date.now() - 60_000,
        scopes: ["user:inference"],
      },
    });
    const id = await accountCredential(a.token, "ANTHROPIC", "SUBSCRIPTION", secret);
    const answer = await verifyAs(a.token, id);
    expect(answer).toMatchObject({ result: "REFUSED", status: 401 });
    expect(answer.message).toMatch(/a run refreshes it first/);
    expect(system.fake.tokenRefreshes().filter((r) => r.refreshToken === refreshToken)).toEqual([]);
  });

  it("is UNREACHABLE on a refused connection, a provider that does not answer in time, and a 503", async () => {
    const a = await system.api.signUp();
    const openai = await accountCredential(a.token, "OPENAI", "API_KEY", `sk-proj-${tail()}`);
    const refused = await verifyAs(a.token, openai);
    expect(refused).toMatchObject({ result: "UNREACHABLE", status: null });
    expect(refused.message).toMatch(/ECONNREFUSED/);

    const gemini = await accountCredential(a.token, "GEMINI", "API_KEY", `AIza${tail(35)}`);
    oddAnswer = "hang";
    const started = Date.now();
    const silent = await verifyAs(a.token, gemini);
    expect(silent).toMatchObject({ result: "UNREACHABLE", status: null });
    expect(silent.message).toMatch(/did not answer within 1000 ms/);
    expect(Date.now() - started).toBeLessThan(5_000);

    oddAnswer = 503;
    expect(await verifyAs(a.token, gemini)).toMatchObject({ result: "UNREACHABLE", status: 503 });
  });

  it("refuses another user's credential as NOT_FOUND, and a malformed id as BAD_USER_INPUT", async () => {
    const [a, b] = await Promise.all([system.api.signUp(), system.api.signUp()]);
    const secret = `sk-ant-api03-${tail()}`;
    system.fake.addKey(secret);
    const id = await accountCredential(a.token, "ANTHROPIC", "API_KEY", secret);
    const before = await rowOf(id);
    const calls = system.fake.calls().length;
    expect((await system.api.fail(VERIFY, { id }, b.token)).extensions?.code).toBe("NOT_FOUND");
    expect((await system.api.fail(VERIFY, { id: randomUUID() }, b.token)).extensions?.code).toBe(
      "NOT_FOUND",
    );
    const malformed = await system.api.fail(VERIFY, { id: "not-an-id" }, a.token);
    expect(malformed.extensions?.code).toBe("BAD_USER_INPUT");
    expect((await system.api.fail(VERIFY, { id })).extensions?.code).toBe("UNAUTHENTICATED");
    expect(system.fake.calls().length).toBe(calls);
    expect(await rowOf(id)).toBe(before);
  });

  it("verifies a session key for the session's owner and editors; a viewer is FORBIDDEN, a stranger NOT_FOUND", async () => {
    const [owner, editor, viewer, stranger] = await Promise.all([
      system.api.signUp(),
      system.api.signUp(),
      system.api.signUp(),
      system.api.signUp(),
    ]);
    const secret = plant(`sk-ant-api03-${tail()}`);
    system.fake.addKey(secret);
    const { createSession } = await system.api.ok<{
      createSession: { id: string; keys: { id: string }[] };
    }>(
      `mutation ($i: CreateSessionInput!) { createSession(input: $i) { id keys { id } } }`,
      { i: { name: "verify", providerKey: { provider: "ANTHROPIC", secret } } },
      owner.token,
    );
    for (const [member, role] of [
      [editor, "EDITOR"],
      [viewer, "VIEWER"],
    ] as const) {
      await system.api.ok(
        `mutation ($id: ID!, $e: String!, $r: MemberRole!) { addSessionMember(sessionId: $id, email: $e, role: $r) { id } }`,
        { id: createSession.id, e: member.email, r: role },
        owner.token,
      );
    }
    const keyId = createSession.keys[0]?.id ?? "";
    expect(await verifyAs(owner.token, keyId)).toMatchObject({ result: "VALID" });
    expect(await verifyAs(editor.token, keyId)).toMatchObject({ result: "VALID" });
    expect((await system.api.fail(VERIFY, { id: keyId }, viewer.token)).extensions?.code).toBe(
      "FORBIDDEN",
    );
    expect((await system.api.fail(VERIFY, { id: keyId }, stranger.token)).extensions?.code).toBe(
      "NOT_FOUND",
    );
  });

  it("puts no secret in the jobs in Redis, in a response or in a log", async () => {
    const prefix = `${system.api.namespace}agentry:credential-checks:`;
    const keys = await system.api.redis.keys(`${prefix}*`);
    const jobs = keys.filter((key) => /:credential-checks:[^:]+$/.test(key));
    const hashes = [];
    for (const key of jobs) {
      if ((await system.api.redis.type(key)) === "hash") hashes.push(key);
    }
    expect(hashes.length).toBeGreaterThan(5);
    const stored: string[] = [];
    for (const key of hashes) {
      stored.push(JSON.stringify(await system.api.redis.hgetall(key)));
    }
    const dump = stored.join("\n");
    expect(dump).toContain("credentialId");
    const logs = [...system.api.logs(), ...system.workerLogs()].join("\n");
    expect(planted.length).toBeGreaterThan(5);
    for (const secret of planted) {
      expect(dump).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
  });

  it("answers UNAVAILABLE when no worker runs, after the wait, and withdraws the check", async () => {
    const a = await system.api.signUp();
    const secret = `sk-ant-api03-${tail()}`;
    system.fake.addKey(secret);
    const id = await accountCredential(a.token, "ANTHROPIC", "API_KEY", secret);
    await system.stopWorker();
    try {
      const started = Date.now();
      const error = await system.api.fail(VERIFY, { id }, a.token);
      expect(error.extensions?.code).toBe("UNAVAILABLE");
      // VERIFY_TIMEOUT_MS (1 s) plus the queue's margin (5 s).
      expect(Date.now() - started).toBeGreaterThanOrEqual(5_500);
      // The check was withdrawn: a worker that comes back does not run it for nobody.
      const waiting = `${system.api.namespace}agentry:credential-checks:wait`;
      expect(await system.api.redis.llen(waiting)).toBe(0);
    } finally {
      await system.startWorker();
    }
    // And a worker that is back answers again.
    expect(await verifyAs(a.token, id)).toMatchObject({ result: "VALID" });
  });
});
