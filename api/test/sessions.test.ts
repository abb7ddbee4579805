import { parseKeyRing } from "@agentry/core";
import { createVault } from "@agentry/core/secrets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { secrets, unknownId } from "./fixtures.js";
import { startTestApi, type TestApi, type TestUser } from "./harness.js";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

interface SessionShape {
  id: string;
  name: string;
  repoUrl: string | null;
  viewerRole: string;
  keys: { id: string; provider: string; kind: string; hint: string; version: number }[];
}

const SESSION_FIELDS = `id name repoUrl viewerRole keys { id provider kind hint version }`;
const CREATE = `mutation ($input: CreateSessionInput!) { createSession(input: $input) { ${SESSION_FIELDS} } }`;
const GET = `query ($id: ID!) { session(id: $id) { ${SESSION_FIELDS} } }`;

async function createSession(
  user: TestUser,
  input: Record<string, unknown> = {},
): Promise<SessionShape> {
  const data = await api.ok<{ createSession: SessionShape }>(
    CREATE,
    { input: { name: `session ${Math.random().toString(36).slice(2)}`, ...input } },
    user.token,
  );
  return data.createSession;
}

async function getSession(user: TestUser, id: string): Promise<SessionShape | null> {
  return (await api.ok<{ session: SessionShape | null }>(GET, { id }, user.token)).session;
}

describe("creating sessions", () => {
  it("creates a session without a key", async () => {
    const owner = await api.signUp();
    const session = await createSession(owner, {
      name: "  My session  ",
      repoUrl: "https://github.com/acme/app.git",
    });
    expect(session).toMatchObject({
      name: "My session",
      repoUrl: "https://github.com/acme/app.git",
      viewerRole: "OWNER",
      keys: [],
    });
    expect(await getSession(owner, session.id)).toEqual(session);
  });

  it("creates a session with its key, stored sealed and shown as metadata only", async () => {
    const owner = await api.signUp();
    const secret = secrets.anthropicKey();
    const response = await api.gql<{ createSession: SessionShape }>(
      CREATE,
      { input: { name: "with key", providerKey: { provider: "ANTHROPIC", secret } } },
      owner.token,
    );
    expect(response.text).not.toContain(secret);
    const session = response.data?.createSession;
    expect(session?.keys).toEqual([
      {
        id: expect.any(String) as string,
        provider: "ANTHROPIC",
        kind: "API_KEY",
        hint: secret.slice(-4),
        version: 1,
      },
    ]);

    const row = await api.prisma.credential.findFirstOrThrow({
      where: { sessionId: session?.id ?? "missing" },
    });
    expect(Buffer.from(row.ciphertext).toString("utf8")).not.toContain(secret);
    // The row opens with the api's key under exactly its own identity.
    const vault = createVault(parseKeyRing(api.encryptionKey));
    const opened = vault.open(
      {
        id: row.id,
        owner: { type: "session", id: row.sessionId ?? "" },
        provider: row.provider,
        kind: row.kind,
      },
      {
        ciphertext: Buffer.from(row.ciphertext),
        nonce: Buffer.from(row.nonce),
        keyVersion: row.keyVersion,
      },
    );
    expect(opened).toBe(secret);
  });

  it("creates nothing when the key is malformed", async () => {
    const owner = await api.signUp();
    const error = await api.fail(
      CREATE,
      {
        input: {
          name: "bad key",
          providerKey: { provider: "ANTHROPIC", secret: "not-a-key-at-all-123" },
        },
      },
      owner.token,
    );
    expect(error.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      details: { field: "secret" },
    });
    expect(error.response.text).not.toContain("not-a-key-at-all-123");
    expect(await api.prisma.session.count({ where: { ownerId: owner.user.id } })).toBe(0);
  });

  it("refuses names and repository URLs outside the rules", async () => {
    const owner = await api.signUp();
    const cases: [Record<string, unknown>, string][] = [
      [{ name: "   " }, "name"],
      [{ name: "n".repeat(201) }, "name"],
      [{ name: "ok", repoUrl: "ftp://example.com/repo" }, "repoUrl"],
      [{ name: "ok", repoUrl: "javascript:alert(1)" }, "repoUrl"],
      [{ name: "ok", repoUrl: `https://example.com/${"r".repeat(2048)}` }, "repoUrl"],
      [{ name: "ok", repoUrl: `https://example.com/${"r".repeat(100_000)}` }, "repoUrl"],
      [{ name: "ok", repoUrl: "git@github.com:acme/app.git" }, "repoUrl"],
      [{ name: "ok", repoUrl: "ssh://git@host/x.git" }, "repoUrl"],
      [{ name: "ok", repoUrl: "git://host/x" }, "repoUrl"],
      [{ name: "ok", repoUrl: "http://host/x" }, "repoUrl"],
      [{ name: "ok", repoUrl: "/srv/git/app.git" }, "repoUrl"],
      [{ name: "ok", repoUrl: "http://127.0.0.1:9/app.git" }, "repoUrl"],
      [{ name: "ok", repoUrl: "https://user:hunter2hunter2@github.com/a/b.git" }, "repoUrl"],
      [{ name: "ok", repoUrl: "https://169.254.169.254/latest/meta-data/" }, "repoUrl"],
      [{ name: "ok", repoUrl: "https://[fd00:ec2::254]/x/y" }, "repoUrl"],
      [{ name: "ok", repoUrl: "https://metadata.google.internal/x/y" }, "repoUrl"],
      [{ name: "ok", repoUrl: "https://github.com/a/b", repoRef: "--upload-pack=evil" }, "repoRef"],
      [{ name: "ok", repoUrl: "https://github.com/a/b", repoRef: "main..x" }, "repoRef"],
      [{ name: "ok", repoUrl: "https://github.com/a/b", repoRef: "x".repeat(300) }, "repoRef"],
      [{ name: "ok", repoRef: "main" }, "repoRef"],
    ];
    for (const [input, field] of cases) {
      const error = await api.fail(CREATE, { input }, owner.token);
      expect(error.extensions).toEqual({ code: "BAD_USER_INPUT", details: { field } });
    }
    for (const repoUrl of [
      "https://github.com/acme/app.git",
      "https://gitlab.example:8443/g/s/app",
    ]) {
      expect((await createSession(owner, { repoUrl })).repoUrl).toBe(repoUrl);
    }
    const pinned = await api.ok<{ createSession: { repoUrl: string; repoRef: string } }>(
      `mutation ($input: CreateSessionInput!) { createSession(input: $input) { repoUrl repoRef } }`,
      {
        input: {
          name: "pinned",
          repoUrl: "https://github.com/acme/app.git",
          repoRef: "release/1.2",
        },
      },
      owner.token,
    );
    expect(pinned.createSession).toEqual({
      repoUrl: "https://github.com/acme/app.git",
      repoRef: "release/1.2",
    });
  });
});

describe("listing sessions", () => {
  it("pages through the viewer's sessions newest first with a total count", async () => {
    const owner = await api.signUp();
    const created: string[] = [];
    for (let i = 0; i < 5; i += 1) created.push((await createSession(owner, { name: `s${i}` })).id);
    // Distinct creation times, so the order is not left to ids when two fall in one millisecond.
    for (const [index, id] of created.entries()) {
      await api.prisma.session.update({
        where: { id },
        data: { createdAt: new Date(Date.parse("2026-01-01T00:00:00Z") + index * 1000) },
      });
    }
    await createSession(await api.signUp()); // someone else's: never listed

    const LIST = `query ($first: Int, $after: String) {
      sessions(first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id name } }
      }
    }`;
    interface ListShape {
      sessions: {
        totalCount: number;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        edges: { cursor: string; node: { id: string } }[];
      };
    }
    const seen: string[] = [];
    let after: string | null = null;
    const pages: boolean[] = [];
    for (;;) {
      const { sessions }: ListShape = await api.ok<ListShape>(
        LIST,
        { first: 2, after },
        owner.token,
      );
      expect(sessions.totalCount).toBe(5);
      seen.push(...sessions.edges.map((edge) => edge.node.id));
      pages.push(sessions.pageInfo.hasNextPage);
      if (!sessions.pageInfo.hasNextPage) break;
      after = sessions.pageInfo.endCursor;
    }
    expect(pages).toEqual([true, true, false]);
    expect(seen).toEqual([...created].reverse());
  });

  it("refuses a made-up cursor and page sizes outside 1..100", async () => {
    const owner = await api.signUp();
    const LIST = `query ($first: Int, $after: String) { sessions(first: $first, after: $after) { totalCount } }`;
    expect((await api.fail(LIST, { after: "garbage" }, owner.token)).extensions).toEqual({
      code: "BAD_USER_INPUT",
      details: { field: "after" },
    });
    for (const first of [0, 101, -1]) {
      expect((await api.fail(LIST, { first }, owner.token)).extensions).toEqual({
        code: "BAD_USER_INPUT",
        details: { field: "first" },
      });
    }
  });
});

describe("renaming and deleting", () => {
  it("lets the owner rename", async () => {
    const owner = await api.signUp();
    const session = await createSession(owner);
    const { renameSession } = await api.ok<{ renameSession: { name: string } }>(
      `mutation ($id: ID!, $name: String!) { renameSession(id: $id, name: $name) { name } }`,
      { id: session.id, name: "Renamed" },
      owner.token,
    );
    expect(renameSession.name).toBe("Renamed");
  });

  it("deletes a session with its keys, and audits each key's removal", async () => {
    const owner = await api.signUp();
    const session = await createSession(owner, {
      providerKey: { provider: "OPENAI", secret: secrets.openaiKey() },
    });
    await api.ok(
      `mutation ($id: ID!, $s: String!) { setSessionKey(sessionId: $id, provider: GEMINI, secret: $s) { id } }`,
      { id: session.id, s: secrets.geminiKey() },
      owner.token,
    );
    expect(await api.prisma.credential.count({ where: { sessionId: session.id } })).toBe(2);
    expect(
      await api.ok(
        `mutation ($id: ID!) { deleteSession(id: $id) }`,
        { id: session.id },
        owner.token,
      ),
    ).toEqual({
      deleteSession: true,
    });
    expect(await api.prisma.credential.count({ where: { sessionId: session.id } })).toBe(0);
    expect(await getSession(owner, session.id)).toBeNull();
    const removals = await api.prisma.auditEvent.findMany({
      where: { actorId: owner.user.id, action: "session_key.remove" },
    });
    expect(
      removals.map((event) => (event.details as { provider: string }).provider).sort(),
    ).toEqual(["GEMINI", "OPENAI"]);
  });

  it("hides other people's sessions entirely: null, NOT_FOUND", async () => {
    const [owner, stranger] = [await api.signUp(), await api.signUp()];
    const session = await createSession(owner);
    expect(await getSession(stranger, session.id)).toBeNull();
    for (const [query, variables] of [
      [`mutation ($id: ID!) { renameSession(id: $id, name: "x") { id } }`, { id: session.id }],
      [`mutation ($id: ID!) { deleteSession(id: $id) }`, { id: session.id }],
      [
        `mutation ($id: ID!) { setSessionKey(sessionId: $id, provider: OPENAI, secret: "sk-abcdefghijklmnop") { id } }`,
        { id: session.id },
      ],
    ] as const) {
      expect((await api.fail(query, variables, stranger.token)).extensions?.code).toBe("NOT_FOUND");
    }
    expect(
      (
        await api.fail(
          `mutation ($id: ID!) { deleteSession(id: $id) }`,
          { id: unknownId() },
          owner.token,
        )
      ).extensions?.code,
    ).toBe("NOT_FOUND");
    expect(await getSession(owner, session.id)).not.toBeNull();
  });

  it("gives admins no access to other people's sessions", async () => {
    const owner = await api.signUp();
    const admin = await api.signUpAdmin();
    const session = await createSession(owner);
    expect(await getSession(admin, session.id)).toBeNull();
  });
});

describe("sharing", () => {
  const ADD = `mutation ($id: ID!, $email: String!, $role: MemberRole!) {
    addSessionMember(sessionId: $id, email: $email, role: $role) { members { userId email role } }
  }`;
  const REMOVE = `mutation ($id: ID!, $userId: ID!) { removeSessionMember(sessionId: $id, userId: $userId) }`;

  it("lets an editor use and a viewer read, and only the owner manage", async () => {
    const [owner, editor, viewer] = [await api.signUp(), await api.signUp(), await api.signUp()];
    const session = await createSession(owner);
    await api.ok(ADD, { id: session.id, email: editor.email, role: "EDITOR" }, owner.token);
    const { addSessionMember } = await api.ok<{
      addSessionMember: { members: { userId: string; role: string }[] };
    }>(ADD, { id: session.id, email: viewer.email.toUpperCase(), role: "VIEWER" }, owner.token);
    expect(addSessionMember.members.map((member) => [member.userId, member.role])).toEqual([
      [owner.user.id, "OWNER"],
      [editor.user.id, "EDITOR"],
      [viewer.user.id, "VIEWER"],
    ]);

    expect((await getSession(editor, session.id))?.viewerRole).toBe("EDITOR");
    expect((await getSession(viewer, session.id))?.viewerRole).toBe("VIEWER");
    const listed = await api.ok<{ sessions: { edges: { node: { id: string } }[] } }>(
      `{ sessions { edges { node { id } } } }`,
      undefined,
      viewer.token,
    );
    expect(listed.sessions.edges.map((edge) => edge.node.id)).toContain(session.id);

    for (const member of [editor, viewer]) {
      const rename = await api.fail(
        `mutation ($id: ID!) { renameSession(id: $id, name: "x") { id } }`,
        { id: session.id },
        member.token,
      );
      expect(rename.extensions?.code).toBe("FORBIDDEN");
      const key = await api.fail(
        `mutation ($id: ID!, $s: String!) { setSessionKey(sessionId: $id, provider: OPENAI, secret: $s) { id } }`,
        { id: session.id, s: secrets.openaiKey() },
        member.token,
      );
      expect(key.extensions?.code).toBe("FORBIDDEN");
      const add = await api.fail(
        ADD,
        { id: session.id, email: owner.email, role: "EDITOR" },
        member.token,
      );
      expect(add.extensions?.code).toBe("FORBIDDEN");
    }
  });

  it("removes a member (they lose access) and lets a member leave", async () => {
    const [owner, a, b] = [await api.signUp(), await api.signUp(), await api.signUp()];
    const session = await createSession(owner);
    await api.ok(ADD, { id: session.id, email: a.email, role: "EDITOR" }, owner.token);
    await api.ok(ADD, { id: session.id, email: b.email, role: "VIEWER" }, owner.token);

    const byOther = await api.fail(REMOVE, { id: session.id, userId: a.user.id }, b.token);
    expect(byOther.extensions?.code).toBe("FORBIDDEN");

    await api.ok(REMOVE, { id: session.id, userId: a.user.id }, owner.token);
    expect(await getSession(a, session.id)).toBeNull();
    await api.ok(REMOVE, { id: session.id, userId: b.user.id }, b.token);
    expect(await getSession(b, session.id)).toBeNull();
    expect(
      (await api.fail(REMOVE, { id: session.id, userId: owner.user.id }, owner.token)).extensions
        ?.code,
    ).toBe("BAD_USER_INPUT");
  });

  it("refuses unknown emails and the owner as a member", async () => {
    const owner = await api.signUp();
    const session = await createSession(owner);
    expect(
      (
        await api.fail(
          ADD,
          { id: session.id, email: "nobody@test.example", role: "EDITOR" },
          owner.token,
        )
      ).extensions?.code,
    ).toBe("NOT_FOUND");
    expect(
      (await api.fail(ADD, { id: session.id, email: owner.email, role: "EDITOR" }, owner.token))
        .extensions?.code,
    ).toBe("BAD_USER_INPUT");
  });

  it("changes a member's role when added again", async () => {
    const [owner, member] = [await api.signUp(), await api.signUp()];
    const session = await createSession(owner);
    await api.ok(ADD, { id: session.id, email: member.email, role: "VIEWER" }, owner.token);
    await api.ok(ADD, { id: session.id, email: member.email, role: "EDITOR" }, owner.token);
    expect((await getSession(member, session.id))?.viewerRole).toBe("EDITOR");
    const actions = await api.prisma.auditEvent.findMany({
      where: { targetId: session.id },
      orderBy: { createdAt: "asc" },
    });
    expect(actions.map((event) => event.action)).toEqual([
      "session_member.add",
      "session_member.update",
    ]);
  });
});
