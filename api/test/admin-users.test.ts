import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { secrets, unknownId } from "./fixtures.js";
import { startTestApi, type TestApi, type TestUser } from "./harness.js";

// What an admin does to accounts: disable (sign-in refused, every token dead at once on every
// api process), delete (with what the account owns), make or unmake an admin — never leaving no
// admin. Both apis re-check sockets only hourly: only the revocation announcement closes them.

const HOURLY = { realtime: { recheckMs: 3_600_000 } };
const DISABLE = `mutation ($id: ID!, $d: Boolean!) { setUserDisabled(id: $id, disabled: $d) { id email disabledAt } }`;
const DELETE = `mutation ($id: ID!) { deleteUser(id: $id) }`;
const SET_ROLE = `mutation ($id: ID!, $r: Role!) { setUserRole(id: $id, role: $r) { id role } }`;
const SIGN_IN = `mutation ($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }`;
const CREATE_SESSION = `mutation ($n: String!) { createSession(input: { name: $n }) { id } }`;

let a: TestApi;
let b: TestApi;
let admin: TestUser;
beforeAll(async () => {
  a = await startTestApi(HOURLY);
  b = await startTestApi({ ...HOURLY, shareWith: a });
  admin = await a.signUpAdmin();
});
afterAll(async () => {
  await b.close();
  await a.close();
});

async function watchedSocket(api: TestApi, owner: TestUser) {
  const { createSession } = await api.ok<{ createSession: { id: string } }>(
    CREATE_SESSION,
    { n: "watched" },
    owner.token,
  );
  const socket = api.ws(owner.token);
  const subscription = socket.subscribe<{ sessionUsage: { apiCalls: number } }>(
    `subscription ($id: ID!) { sessionUsage(sessionId: $id) { apiCalls } }`,
    { id: createSession.id },
  );
  expect((await subscription.next()).data?.sessionUsage.apiCalls).toBe(0);
  return socket;
}

const code = async (
  api: TestApi,
  query: string,
  variables: Record<string, unknown>,
  token?: string,
): Promise<unknown> => (await api.fail(query, variables, token)).extensions?.code;

describe("disabling a user", () => {
  it("closes their sockets on every api process, refuses their tokens and their sign-in, and is audited", async () => {
    const user = await a.signUp();
    const { createApiToken } = await a.ok<{ createApiToken: { token: string } }>(
      `mutation { createApiToken(name: "script") { token } }`,
      undefined,
      user.token,
    );
    // Both tokens used just now: cached on both processes.
    for (const api of [a, b]) {
      for (const token of [user.token, createApiToken.token]) {
        expect((await api.ok<{ me: { id: string } }>(`{ me { id } }`, {}, token)).me.id).toBe(
          user.user.id,
        );
      }
    }
    const socket = await watchedSocket(b, user);

    const { setUserDisabled } = await a.ok<{ setUserDisabled: { disabledAt: string | null } }>(
      DISABLE,
      { id: user.user.id, d: true },
      admin.token,
    );
    expect(setUserDisabled.disabledAt).not.toBeNull();
    expect(await socket.closed).toEqual({ code: 4403, reason: "Token revoked" });
    for (const api of [a, b]) {
      for (const token of [user.token, createApiToken.token]) {
        expect(await code(api, `{ me { id } }`, {}, token)).toBe("UNAUTHENTICATED");
      }
    }

    // The same answer with the right password and a wrong one.
    const right = await a.fail(SIGN_IN, { e: user.email, p: user.password });
    const wrong = await a.fail(SIGN_IN, { e: user.email, p: `${user.password}x` });
    expect(right.extensions?.code).toBe("FORBIDDEN");
    expect(right.message).toBe("This account is disabled; ask an administrator");
    expect(wrong.message).toBe(right.message);

    const rows = await a.prisma.auditEvent.findMany({
      where: { targetId: user.user.id, action: "user.disable" },
    });
    expect(rows).toEqual([
      expect.objectContaining({
        actorId: admin.user.id,
        details: { email: user.email, tokens: 2 },
      }),
    ]);

    // Enabled again: they sign in; the revoked tokens stay revoked.
    await a.ok(DISABLE, { id: user.user.id, d: false }, admin.token);
    const { signIn } = await a.ok<{ signIn: { token: string } }>(SIGN_IN, {
      e: user.email,
      p: user.password,
    });
    expect((await a.ok<{ me: { id: string } }>(`{ me { id } }`, {}, signIn.token)).me.id).toBe(
      user.user.id,
    );
    expect(await code(a, `{ me { id } }`, {}, user.token)).toBe("UNAUTHENTICATED");
    expect(
      await a.prisma.auditEvent.count({ where: { targetId: user.user.id, action: "user.enable" } }),
    ).toBe(1);
  });

  it("refuses an admin disabling or deleting themselves, and unknown users", async () => {
    expect(await code(a, DISABLE, { id: admin.user.id, d: true }, admin.token)).toBe("FORBIDDEN");
    expect(await code(a, DELETE, { id: admin.user.id }, admin.token)).toBe("FORBIDDEN");
    expect(await code(a, DISABLE, { id: unknownId(), d: true }, admin.token)).toBe("NOT_FOUND");
    expect(await code(a, DELETE, { id: unknownId() }, admin.token)).toBe("NOT_FOUND");
    expect(await code(a, SET_ROLE, { id: unknownId(), r: "ADMIN" }, admin.token)).toBe("NOT_FOUND");
  });
});

describe("deleting a user", () => {
  it("deletes their sessions, keys, credentials and tokens; leaves sessions they were a member of; audits with the email", async () => {
    const user = await a.signUp();
    const other = await a.signUp();
    const { createSession: own } = await a.ok<{ createSession: { id: string } }>(
      CREATE_SESSION,
      { n: "theirs" },
      user.token,
    );
    await a.ok(
      `mutation ($id: ID!, $s: String!) { setSessionKey(sessionId: $id, provider: OPENAI, secret: $s) { id } }`,
      { id: own.id, s: secrets.openaiKey() },
      user.token,
    );
    await a.ok(
      `mutation ($s: String!) { setAccountCredential(provider: OPENAI, kind: API_KEY, secret: $s) { id } }`,
      { s: secrets.openaiKey() },
      user.token,
    );
    const { createSession: shared } = await a.ok<{ createSession: { id: string } }>(
      CREATE_SESSION,
      { n: "shared" },
      other.token,
    );
    await a.ok(
      `mutation ($id: ID!, $e: String!) { addSessionMember(sessionId: $id, email: $e, role: EDITOR) { id } }`,
      { id: shared.id, e: user.email },
      other.token,
    );
    const socket = await watchedSocket(b, user);

    expect(
      (await a.ok<{ deleteUser: boolean }>(DELETE, { id: user.user.id }, admin.token)).deleteUser,
    ).toBe(true);
    expect(await socket.closed).toEqual({ code: 4403, reason: "Token revoked" });
    expect(await code(b, `{ me { id } }`, {}, user.token)).toBe("UNAUTHENTICATED");
    expect(await a.prisma.user.count({ where: { id: user.user.id } })).toBe(0);
    expect(await a.prisma.session.count({ where: { ownerId: user.user.id } })).toBe(0);
    expect(await a.prisma.session.count({ where: { id: own.id } })).toBe(0);
    expect(
      await a.prisma.credential.count({
        where: { OR: [{ userId: user.user.id }, { sessionId: own.id }] },
      }),
    ).toBe(0);
    expect(await a.prisma.apiToken.count({ where: { userId: user.user.id } })).toBe(0);
    // The session they were a member of stays, without them.
    const { session } = await a.ok<{ session: { members: { email: string }[] } | null }>(
      `query ($id: ID!) { session(id: $id) { members { email } } }`,
      { id: shared.id },
      other.token,
    );
    expect(session?.members.map((m) => m.email)).not.toContain(user.email);

    const { auditEvents } = await a.ok<{
      auditEvents: { edges: { node: { actorId: string; details: Record<string, unknown> } }[] };
    }>(
      `query ($f: AuditFilterInput) { auditEvents(first: 5, filter: $f) { edges { node { actorId details } } } }`,
      { f: { action: "user.delete", targetId: user.user.id } },
      admin.token,
    );
    expect(auditEvents.edges.map((edge) => edge.node)).toEqual([
      {
        actorId: admin.user.id,
        details: { email: user.email, role: "USER", sessions: 2, credentials: 1, tokens: 1 },
      },
    ]);
  });
});

describe("admins", () => {
  it("makes a user an admin and back; the demoted one loses admin rights on their next request; never the last admin", async () => {
    const user = await a.signUp();
    await a.ok<{ me: { role: string } }>(`{ me { role } }`, {}, user.token);
    expect(
      (
        await a.ok<{ setUserRole: { role: string } }>(
          SET_ROLE,
          { id: user.user.id, r: "ADMIN" },
          admin.token,
        )
      ).setUserRole.role,
    ).toBe("ADMIN");
    // A new sign-in token sees the role; the new admin may list users.
    const { signIn } = await a.ok<{ signIn: { token: string } }>(SIGN_IN, {
      e: user.email,
      p: user.password,
    });
    await a.ok(`{ users(first: 1) { totalCount } }`, {}, signIn.token);

    await a.ok(SET_ROLE, { id: user.user.id, r: "USER" }, admin.token);
    // Its token is still cached as an admin's on b; the admin check reads the role.
    expect(await code(b, `{ users(first: 1) { totalCount } }`, {}, signIn.token)).toBe("FORBIDDEN");

    // The only admin cannot step down, nor be disabled by another.
    expect(await code(a, SET_ROLE, { id: admin.user.id, r: "USER" }, admin.token)).toBe(
      "FORBIDDEN",
    );
    const audited = await a.prisma.auditEvent.findMany({
      where: { targetId: user.user.id, action: "user.set_role" },
      orderBy: { createdAt: "asc" },
      select: { details: true },
    });
    expect(audited.map((row) => row.details)).toEqual([
      { email: user.email, role: "ADMIN" },
      { email: user.email, role: "USER" },
    ]);
  });

  it("two admins removing each other at once leave one", async () => {
    const second = await a.signUp();
    await a.ok(SET_ROLE, { id: second.user.id, r: "ADMIN" }, admin.token);
    const { signIn } = await a.ok<{ signIn: { token: string } }>(SIGN_IN, {
      e: second.email,
      p: second.password,
    });
    const outcomes = await Promise.all([
      a.gql(SET_ROLE, { id: second.user.id, r: "USER" }, admin.token),
      b.gql(SET_ROLE, { id: admin.user.id, r: "USER" }, signIn.token),
    ]);
    const refused = outcomes.filter((outcome) => outcome.errors !== undefined);
    expect(refused).toHaveLength(1);
    expect(refused[0]?.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(await a.prisma.user.count({ where: { role: "ADMIN", disabledAt: null } })).toBe(1);
    // Put back: the first admin stays the only one for the other tests.
    await a.prisma.user.updateMany({
      where: { id: { in: [admin.user.id, second.user.id] } },
      data: { role: "USER" },
    });
    await a.prisma.user.update({ where: { id: admin.user.id }, data: { role: "ADMIN" } });
  });
});

describe("every credential", () => {
  it("lists account credentials and session keys with whose they are, narrows by user and session, and deletes a session key", async () => {
    const user = await a.signUp();
    const { createSession } = await a.ok<{ createSession: { id: string } }>(
      CREATE_SESSION,
      { n: "keys here" },
      user.token,
    );
    const key = secrets.anthropicKey();
    const { setSessionKey } = await a.ok<{ setSessionKey: { keys: { id: string }[] } }>(
      `mutation ($id: ID!, $s: String!) { setSessionKey(sessionId: $id, provider: ANTHROPIC, secret: $s) { keys { id } } }`,
      { id: createSession.id, s: key },
      user.token,
    );
    const account = secrets.openaiKey();
    const { setAccountCredential } = await a.ok<{ setAccountCredential: { id: string } }>(
      `mutation ($s: String!) { setAccountCredential(provider: OPENAI, kind: API_KEY, secret: $s) { id } }`,
      { s: account },
      user.token,
    );
    const LIST = `query ($u: ID, $s: ID) { adminCredentials(first: 10, userId: $u, sessionId: $s) {
      totalCount edges { node { ownerId ownerEmail sessionId sessionName credential { id provider hint } } } } }`;
    const mine = await a.gql<{
      adminCredentials: { totalCount: number; edges: { node: Record<string, unknown> }[] };
    }>(LIST, { u: user.user.id }, admin.token);
    expect(mine.data?.adminCredentials.edges.map((edge) => edge.node)).toEqual([
      {
        ownerId: user.user.id,
        ownerEmail: user.email,
        sessionId: null,
        sessionName: null,
        credential: { id: setAccountCredential.id, provider: "OPENAI", hint: account.slice(-4) },
      },
      {
        ownerId: user.user.id,
        ownerEmail: user.email,
        sessionId: createSession.id,
        sessionName: "keys here",
        credential: {
          id: setSessionKey.keys[0]?.id,
          provider: "ANTHROPIC",
          hint: key.slice(-4),
        },
      },
    ]);
    expect(mine.text).not.toContain(key.slice(0, -4));
    expect(mine.text).not.toContain(account.slice(0, -4));

    const sessionOnly = await a.ok<{ adminCredentials: { totalCount: number } }>(
      LIST,
      { s: createSession.id },
      admin.token,
    );
    expect(sessionOnly.adminCredentials.totalCount).toBe(1);
    await a.ok(
      `mutation ($id: ID!) { adminDeleteCredential(id: $id) }`,
      { id: setSessionKey.keys[0]?.id },
      admin.token,
    );
    expect(
      (
        await a.ok<{ adminCredentials: { totalCount: number } }>(
          LIST,
          { s: createSession.id },
          admin.token,
        )
      ).adminCredentials.totalCount,
    ).toBe(0);
    expect(await code(a, LIST, {}, user.token)).toBe("FORBIDDEN");
  });
});

describe("a monthly budget", () => {
  const SET_BUDGET = `mutation ($id: ID!, $b: Float) { setUserMonthlyBudget(userId: $id, budgetUsd: $b) { id monthlyBudgetUsd spentThisMonthUsd } }`;
  const ME = `{ me { monthlyBudgetUsd spentThisMonthUsd } }`;

  it("is set by an admin and shown, with this UTC month's spending, to the user and to admins; null clears it; audited", async () => {
    const user = await a.signUp();
    expect((await a.ok<{ me: unknown }>(ME, {}, user.token)).me).toEqual({
      monthlyBudgetUsd: null,
      spentThisMonthUsd: 0,
    });
    // What the worker adds as it records the user's calls: this month's row counts, last month's not.
    const now = new Date();
    const thisMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
    await a.prisma.userUsageMonth.createMany({
      data: [
        { userId: user.user.id, month: thisMonth, apiCalls: 3, costUsd: "4.25" },
        { userId: user.user.id, month: lastMonth, apiCalls: 9, costUsd: "90" },
      ],
    });

    const { setUserMonthlyBudget } = await a.ok<{ setUserMonthlyBudget: unknown }>(
      SET_BUDGET,
      { id: user.user.id, b: 20 },
      admin.token,
    );
    expect(setUserMonthlyBudget).toEqual({
      id: user.user.id,
      monthlyBudgetUsd: 20,
      spentThisMonthUsd: 4.25,
    });
    expect((await a.ok<{ me: unknown }>(ME, {}, user.token)).me).toEqual({
      monthlyBudgetUsd: 20,
      spentThisMonthUsd: 4.25,
    });
    const { users } = await a.ok<{
      users: { edges: { node: { id: string; monthlyBudgetUsd: number | null } }[] };
    }>(
      `{ users(first: 100) { edges { node { id monthlyBudgetUsd spentThisMonthUsd } } } }`,
      {},
      admin.token,
    );
    expect(users.edges.find((edge) => edge.node.id === user.user.id)?.node).toEqual({
      id: user.user.id,
      monthlyBudgetUsd: 20,
      spentThisMonthUsd: 4.25,
    });

    expect(await code(a, SET_BUDGET, { id: user.user.id, b: -1 }, admin.token)).toBe(
      "BAD_USER_INPUT",
    );
    expect(await code(a, SET_BUDGET, { id: user.user.id, b: 1 }, user.token)).toBe("FORBIDDEN");
    expect(await code(a, SET_BUDGET, { id: unknownId(), b: 1 }, admin.token)).toBe("NOT_FOUND");

    await a.ok(SET_BUDGET, { id: user.user.id, b: null }, admin.token);
    expect(
      (await a.ok<{ me: { monthlyBudgetUsd: number | null } }>(ME, {}, user.token)).me
        .monthlyBudgetUsd,
    ).toBeNull();
    const audited = await a.prisma.auditEvent.findMany({
      where: { targetId: user.user.id, action: "user.set_monthly_budget" },
      orderBy: { createdAt: "asc" },
      select: { details: true },
    });
    expect(audited.map((row) => row.details)).toEqual([
      { email: user.email, budgetUsd: 20 },
      { email: user.email, budgetUsd: null },
    ]);
  });
});
