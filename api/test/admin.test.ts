import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { secrets, unknownId } from "./fixtures.js";
import { startTestApi, type TestApi, type TestUser } from "./harness.js";

let api: TestApi;
let admin: TestUser;
beforeAll(async () => {
  api = await startTestApi();
  admin = await api.signUpAdmin();
});
afterAll(async () => {
  await api.close();
});

const USERS = `query ($first: Int, $after: String) {
  users(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id email role } } }
}`;
const USER_CREDENTIALS = `query ($id: ID!) { userCredentials(userId: $id) { id provider kind hint version createdAt lastUsedAt } }`;
const DELETE = `mutation ($id: ID!) { adminDeleteCredential(id: $id) }`;
const AUDIT = `query ($first: Int, $filter: AuditFilterInput) {
  auditEvents(first: $first, filter: $filter) { totalCount edges { node { action targetType targetId actorId actorEmail details createdAt } } }
}`;

describe("admin queries", () => {
  it("lists users, newest first, paged", async () => {
    const users = [await api.signUp(), await api.signUp()];
    // Distinct creation times, so the order is not left to ids when both fall in one millisecond.
    for (const [index, user] of users.entries()) {
      await api.prisma.user.update({
        where: { id: user.user.id },
        data: { createdAt: new Date(Date.now() + (index + 1) * 60_000) },
      });
    }
    const { users: page } = await api.ok<{
      users: {
        totalCount: number;
        pageInfo: { hasNextPage: boolean };
        edges: { node: { id: string; role: string } }[];
      };
    }>(USERS, { first: 2 }, admin.token);
    expect(page.edges.map((edge) => edge.node.id)).toEqual([users[1]?.user.id, users[0]?.user.id]);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(page.totalCount).toBeGreaterThanOrEqual(3);
  });

  it("shows a user's credentials as metadata only", async () => {
    const user = await api.signUp();
    const secret = secrets.openaiKey();
    await api.ok(
      `mutation ($s: String!) { setAccountCredential(provider: OPENAI, kind: API_KEY, secret: $s) { id } }`,
      { s: secret },
      user.token,
    );
    const response = await api.gql<{ userCredentials: { provider: string; hint: string }[] }>(
      USER_CREDENTIALS,
      { id: user.user.id },
      admin.token,
    );
    expect(response.data?.userCredentials).toEqual([
      expect.objectContaining({
        provider: "OPENAI",
        kind: "API_KEY",
        hint: secret.slice(-4),
        version: 1,
      }),
    ]);
    expect(response.text).not.toContain(secret.slice(0, -4));
    expect(
      (await api.fail(USER_CREDENTIALS, { id: unknownId() }, admin.token)).extensions?.code,
    ).toBe("NOT_FOUND");
  });

  it("refuses every admin operation to non-admins with FORBIDDEN", async () => {
    const user = await api.signUp();
    for (const [query, variables] of [
      [USERS, {}],
      [USER_CREDENTIALS, { id: admin.user.id }],
      [DELETE, { id: unknownId() }],
      [AUDIT, {}],
    ] as const) {
      const error = await api.fail(query, variables, user.token);
      expect(error.extensions?.code).toBe("FORBIDDEN");
      expect(error.response.data ?? null).toBeNull();
    }
    expect((await api.fail(USERS, {})).extensions?.code).toBe("UNAUTHENTICATED");
  });
});

describe("adminDeleteCredential", () => {
  it("deletes a session key and an account credential, and audits it", async () => {
    const owner = await api.signUp();
    const { createSession } = await api.ok<{
      createSession: { id: string; keys: { id: string }[] };
    }>(
      `mutation ($s: String!) { createSession(input: { name: "k", providerKey: { provider: GEMINI, secret: $s } }) { id keys { id } } }`,
      { s: secrets.geminiKey() },
      owner.token,
    );
    const { setAccountCredential } = await api.ok<{
      setAccountCredential: { id: string; hint: string };
    }>(
      `mutation ($s: String!) { setAccountCredential(provider: GITHUB_COPILOT, kind: SUBSCRIPTION, secret: $s) { id hint } }`,
      { s: secrets.copilotToken() },
      owner.token,
    );
    const sessionKeyId = createSession.keys[0]?.id ?? "";
    for (const id of [sessionKeyId, setAccountCredential.id]) {
      expect(await api.ok(DELETE, { id }, admin.token)).toEqual({ adminDeleteCredential: true });
    }
    expect(
      await api.prisma.credential.count({
        where: { id: { in: [sessionKeyId, setAccountCredential.id] } },
      }),
    ).toBe(0);
    expect((await api.fail(DELETE, { id: sessionKeyId }, admin.token)).extensions?.code).toBe(
      "NOT_FOUND",
    );

    const event = await api.prisma.auditEvent.findFirstOrThrow({
      where: { action: "credential.admin_delete", targetId: setAccountCredential.id },
    });
    expect(event.actorId).toBe(admin.user.id);
    expect(event.details).toEqual({
      provider: "GITHUB_COPILOT",
      kind: "SUBSCRIPTION",
      hint: setAccountCredential.hint,
      userId: owner.user.id,
    });
  });
});

describe("auditEvents", () => {
  it("lists credential changes for admins, filtered, with no secret in them", async () => {
    const user = await api.signUp();
    const secret = secrets.anthropicSubscription();
    await api.ok(
      `mutation ($s: String!) { setAccountCredential(provider: ANTHROPIC, kind: SUBSCRIPTION, secret: $s) { id } }`,
      { s: secret },
      user.token,
    );
    const response = await api.gql<{
      auditEvents: {
        totalCount: number;
        edges: { node: { action: string; actorEmail: string; details: Record<string, unknown> } }[];
      };
    }>(AUDIT, { filter: { actorId: user.user.id, action: "account_credential.set" } }, admin.token);
    expect(response.data?.auditEvents.totalCount).toBe(1);
    expect(response.data?.auditEvents.edges[0]?.node).toMatchObject({
      action: "account_credential.set",
      actorEmail: user.email,
      details: {
        provider: "ANTHROPIC",
        kind: "SUBSCRIPTION",
        hint: secret.slice(-4),
        version: 1,
        userId: user.user.id,
      },
    });
    expect(response.text).not.toContain(secret.slice(0, -4));
  });
});
