#!/usr/bin/env node
// `npm run demo`: the whole system against the fake provider, so a newcomer sees an agent
// answer and the counters move without owning a provider key. It starts the fake provider with
// a generated demo key (used as the system-wide Anthropic key), then `npm start` pointed at it,
// then signs up a demo user with a session, a chat agent and a first message.
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import path from "node:path";
import { repoRoot } from "./lib/paths.mjs";
import { runTogether } from "./lib/processes.mjs";

const FAKE_PORT = process.env.FAKE_PROVIDER_PORT ?? "4010";
const PORT = process.env.PORT ?? "4000";
const fakeUrl = `http://127.0.0.1:${FAKE_PORT}`;
const apiUrl = `http://127.0.0.1:${PORT}`;
const demo = { email: "demo@agentry.local", password: "agentry-demo-password" };
const say = (line) => process.stdout.write(`[demo] ${line}\n`);

// Generated per run: nothing key-shaped is committed.
const demoKey = `sk-ant-api03-demo-${randomBytes(18).toString("base64url")}`;
const env = {
  ...process.env,
  FAKE_PROVIDER_PORT: FAKE_PORT,
  FAKE_PROVIDER_KEYS: demoKey,
  ANTHROPIC_API_KEY: demoKey,
  ALLOW_SYSTEM_KEYS: "true",
  ANTHROPIC_BASE_URL: fakeUrl,
  OPENAI_BASE_URL: `${fakeUrl}/v1`,
  GEMINI_BASE_URL: fakeUrl,
  // The fake provider listens on the host's loopback: agent containers share its network.
  AGENT_NETWORK: process.env.AGENT_NETWORK ?? "host",
  PORT,
};

// Seeding stops with everything else: a SIGTERM while it waits must not keep this process up.
const seeding = new AbortController();

async function gql(query, variables, token) {
  const response = await fetch(`${apiUrl}/graphql`, {
    signal: seeding.signal,
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join("; "));
  return body.data;
}

async function waitReady() {
  for (let i = 0; i < 240; i += 1) {
    const ready = await fetch(`${apiUrl}/readyz`, { signal: seeding.signal }).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return;
    await sleep(500, undefined, { signal: seeding.signal });
  }
  throw new Error("the api did not become ready in 2 minutes");
}

async function seed() {
  await waitReady();
  // Slow the stream a little so the answer visibly streams in.
  await fetch(`${fakeUrl}/_fake/delay`, {
    signal: seeding.signal,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ms: 60 }),
  }).catch(() => undefined);
  let auth;
  try {
    auth = (
      await gql(
        `mutation ($e: String!, $p: String!) { signUp(email: $e, password: $p) { token } }`,
        { e: demo.email, p: demo.password },
      )
    ).signUp;
  } catch {
    auth = (
      await gql(
        `mutation ($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }`,
        { e: demo.email, p: demo.password },
      )
    ).signIn;
  }
  const { createSession } = await gql(
    `mutation { createSession(input: { name: "Demo session" }) { id } }`,
    {},
    auth.token,
  );
  const { spawnAgent } = await gql(
    `mutation ($s: ID!) { spawnAgent(sessionId: $s, kind: CHAT, model: "claude-haiku-4-5") { id } }`,
    { s: createSession.id },
    auth.token,
  );
  await gql(
    `mutation ($a: ID!) { sendMessage(agentId: $a, text: "Hello! Show me how the counters move.") { id } }`,
    { a: spawnAgent.id },
    auth.token,
  );
  say("seeded: a session with a chat agent, and a first message on its way");
  say(
    `sign in at http://localhost:${env.CLIENT_PORT ?? "5173"} as ${demo.email} / ${demo.password}`,
  );
}

// Each is one node process, signalled directly: `npx tsx …` would put npx and a shell between
// this script and the fake provider, and a SIGTERM to npx did not reach it.
const stopped = runTogether([
  {
    name: "fake-provider",
    command: "node --import tsx src/main.ts",
    cwd: path.join(repoRoot, "tools", "fake-provider"),
    env,
  },
  { name: "system", command: "node scripts/start.mjs", cwd: repoRoot, env },
]);
for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => seeding.abort());
// Started through a shell that does not pass signals on (`npm run` runs scripts with `sh -c`;
// package.json execs this script so npm's SIGTERM reaches it), this script would be orphaned
// when the shell is killed: a new parent means "stop", as a signal would.
const parent = process.ppid;
const orphaned = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(orphaned);
  process.kill(process.pid, "SIGTERM");
}, 500);
orphaned.unref();
seed().catch((error) => {
  if (!seeding.signal.aborted) say(`seeding failed: ${error.message}`);
});
const code = await stopped;
seeding.abort();
// Everything it started has exited: so does this script, whatever is still pending.
process.exit(code);
