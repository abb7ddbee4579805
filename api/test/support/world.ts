import { randomBytes, randomUUID } from "node:crypto";
import { blankSignInFlow, SignInStore } from "@agentry/core";
import { expect } from "vitest";
import { secrets } from "../fixtures.js";
import type { GqlError, TestApi, TestUser } from "../harness.js";

// A's world: one user's session (with a key, an agent, a message, an event and two members), an
// account credential and a personal access token, plus a stranger B. Each isolation test builds
// its own, so a refusal that wrongly succeeded cannot spoil another test.

export interface World {
  readonly a: TestUser;
  /** A signed-in stranger: no relation to A at all. */
  readonly b: TestUser;
  readonly editor: TestUser;
  readonly viewer: TestUser;
  readonly sessionId: string;
  readonly sessionName: string;
  readonly sessionKeyId: string;
  readonly agentId: string;
  readonly messageId: string;
  readonly accountCredentialId: string;
  readonly apiTokenId: string;
  readonly apiToken: string;
  /** A's pending sign-ins: a code sign-in, and a device sign-in (its record made directly). */
  readonly codeSignInId: string;
  readonly deviceSignInId: string;
  /** A's secrets as planted (session key, account credential). */
  readonly secrets: readonly string[];
  /** Text that is A's alone: none of it may reach someone outside A's session. */
  readonly markers: readonly string[];
}

/** One GraphQL request. */
export interface GqlRequest {
  readonly query: string;
  readonly variables?: Record<string, unknown>;
}

/** What came back, over either transport. */
export interface Outcome {
  readonly data: Record<string, unknown> | null;
  readonly errors: readonly GqlError[];
  /** The raw body (HTTP) or the serialized result (graphql-ws), searched for leaks. */
  readonly text: string;
}

/** Who makes a request: a user and the token they use this time. */
export interface Actor {
  readonly user: TestUser;
  readonly token: string;
}

export const tag = (): string => randomBytes(5).toString("hex");

const ADD_MEMBER = `mutation ($id: ID!, $e: String!, $r: MemberRole!) { addSessionMember(sessionId: $id, email: $e, role: $r) { id } }`;

export async function makeWorld(api: TestApi): Promise<World> {
  const t = tag();
  const [a, b, editor, viewer] = await Promise.all([
    api.signUp(),
    api.signUp(),
    api.signUp(),
    api.signUp(),
  ]);
  const sessionName = `A-session-${t}`;
  const sessionSecret = secrets.anthropicKey();
  const { createSession } = await api.ok<{ createSession: { id: string; keys: { id: string }[] } }>(
    `mutation ($i: CreateSessionInput!) { createSession(input: $i) { id keys { id } } }`,
    {
      i: {
        name: sessionName,
        repoUrl: `https://git.example/a-${t}.git`,
        providerKey: { provider: "ANTHROPIC", secret: sessionSecret },
      },
    },
    a.token,
  );
  const sessionId = createSession.id;
  const accountSecret = secrets.openaiKey();
  const tokenName = `A-token-${t}`;
  const [, , , { spawnAgent }, { setAccountCredential }, { createApiToken }] = await Promise.all([
    api.ok(ADD_MEMBER, { id: sessionId, e: editor.email, r: "EDITOR" }, a.token),
    api.ok(ADD_MEMBER, { id: sessionId, e: viewer.email, r: "VIEWER" }, a.token),
    api.ok(
      `mutation ($id: ID!) { setSessionBudget(sessionId: $id, budgetUsd: 50) { id } }`,
      { id: sessionId },
      a.token,
    ),
    api.ok<{ spawnAgent: { id: string } }>(
      `mutation ($id: ID!) { spawnAgent(sessionId: $id, kind: CHAT, model: "claude-sonnet-4-5") { id } }`,
      { id: sessionId },
      a.token,
    ),
    api.ok<{ setAccountCredential: { id: string } }>(
      `mutation ($s: String!) { setAccountCredential(provider: OPENAI, kind: API_KEY, secret: $s) { id } }`,
      { s: accountSecret },
      a.token,
    ),
    api.ok<{ createApiToken: { token: string; apiToken: { id: string } } }>(
      `mutation ($n: String!) { createApiToken(name: $n) { token apiToken { id } } }`,
      { n: tokenName },
      a.token,
    ),
  ]);
  const messageText = `A-message-${t}`;
  const { sendMessage } = await api.ok<{ sendMessage: { id: string } }>(
    `mutation ($id: ID!, $t: String!) { sendMessage(agentId: $id, text: $t) { id } }`,
    { id: spawnAgent.id, t: messageText },
    a.token,
  );
  const eventText = `A-event-${t}`;
  await api.appendAgentEvent({
    type: "TEXT",
    agentId: spawnAgent.id,
    messageId: sendMessage.id,
    at: new Date().toISOString(),
    text: eventText,
  });
  const { startCodeSignIn } = await api.ok<{ startCodeSignIn: { id: string } }>(
    `mutation { startCodeSignIn(input: { provider: ANTHROPIC, agentKind: CLAUDE_CODE }) { id } }`,
    {},
    a.token,
  );
  // A device sign-in needs a worker to start; its record is what one would have written.
  const deviceSignInId = randomUUID();
  const userCode = `A${t}`.toUpperCase();
  await new SignInStore(api.redis, api.namespace).create({
    ...blankSignInFlow,
    id: deviceSignInId,
    type: "device",
    userId: a.user.id,
    sessionId: null,
    provider: "OPENAI",
    agentKind: "CODEX",
    phase: "PENDING",
    createdAt: Date.now(),
    expiresAt: Date.now() + 15 * 60_000,
    userCode,
    verificationUri: "https://auth.example/device",
    intervalSeconds: 5,
  });
  const sessionKeyId = createSession.keys[0]?.id ?? "";
  const planted = [sessionSecret, accountSecret];
  return {
    a,
    b,
    editor,
    viewer,
    sessionId,
    sessionName,
    sessionKeyId,
    agentId: spawnAgent.id,
    messageId: sendMessage.id,
    accountCredentialId: setAccountCredential.id,
    apiTokenId: createApiToken.apiToken.id,
    apiToken: createApiToken.token,
    codeSignInId: startCodeSignIn.id,
    deviceSignInId,
    secrets: planted,
    markers: [
      a.user.id,
      a.email,
      a.token,
      editor.user.id,
      editor.email,
      viewer.user.id,
      viewer.email,
      sessionId,
      sessionName,
      `a-${t}.git`,
      sessionKeyId,
      spawnAgent.id,
      sendMessage.id,
      messageText,
      eventText,
      setAccountCredential.id,
      createApiToken.apiToken.id,
      tokenName,
      createApiToken.token,
      startCodeSignIn.id,
      deviceSignInId,
      userCode,
      // The secrets without their last four characters (the hint is metadata, and four random
      // characters could turn up anywhere by chance).
      ...planted.map((secret) => secret.slice(0, -4)),
    ],
  };
}

/** Fails when any of A's markers is in `text`. */
export function expectNoneOfA(text: string, world: World, allowed: readonly string[] = []): void {
  const found = world.markers.filter(
    (marker) => !allowed.includes(marker) && text.includes(marker),
  );
  expect(found, `A's data in: ${text.slice(0, 500)}`).toEqual([]);
}

/** Fails when any of A's secrets shows more than its hint (the last four characters). */
export function expectNoSecretOfA(text: string, world: World): void {
  for (const secret of world.secrets) {
    expect(text).not.toContain(secret.slice(0, -4));
    expect(text).not.toContain(secret.slice(-16));
  }
}

const json = (value: unknown): string =>
  JSON.stringify(value, (_key, item: unknown) =>
    typeof item === "bigint" ? item.toString() : item,
  );

/**
 * Everything A owns and shares, as stored: a refusal must leave it byte for byte as it was
 * (rows, versions, hints, ciphertexts, memberships, revocations).
 */
export async function snapshotOfA(api: TestApi, world: World): Promise<string> {
  const ownerId = world.a.user.id;
  const p = api.prisma;
  const rows = await Promise.all([
    p.user.findMany({
      where: { id: { in: [ownerId, world.editor.user.id, world.viewer.user.id] } },
      orderBy: { id: "asc" },
    }),
    p.session.findMany({
      where: { ownerId },
      include: { members: { orderBy: { userId: "asc" } }, usage: true },
      orderBy: { id: "asc" },
    }),
    p.credential.findMany({
      where: { OR: [{ userId: ownerId }, { session: { ownerId } }] },
      orderBy: { id: "asc" },
    }),
    p.agent.findMany({ where: { session: { ownerId } }, orderBy: { id: "asc" } }),
    p.message.findMany({ where: { agent: { session: { ownerId } } }, orderBy: { id: "asc" } }),
    p.apiToken.findMany({
      where: { userId: ownerId },
      // lastUsedAt moves when A uses a token; nothing else may.
      select: { id: true, name: true, tokenHash: true, revokedAt: true, expiresAt: true },
      orderBy: { id: "asc" },
    }),
  ]);
  return json(rows);
}
