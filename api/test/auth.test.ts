import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "./harness.js";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

const ME = `query { me { id email role createdAt } }`;

describe("sign up and sign in", () => {
  it("signs up, and the token it returns authenticates", async () => {
    const alice = await api.signUp({ email: "  Alice.Smith@Example.COM " });
    expect(alice.token).toMatch(/^agt_[A-Za-z0-9_-]{43}$/);
    const { me } = await api.ok<{ me: { id: string; email: string; role: string } }>(
      ME,
      undefined,
      alice.token,
    );
    expect(me).toMatchObject({ id: alice.user.id, email: "alice.smith@example.com", role: "USER" });
  });

  it("stores only the hash of a token", async () => {
    const bob = await api.signUp();
    const rows = await api.prisma.apiToken.findMany({ where: { userId: bob.user.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]?.tokenHash).not.toContain(bob.token);
    expect(rows[0]?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]?.expiresAt?.getTime()).toBeGreaterThan(Date.now() + 29 * 24 * 3600 * 1000);
  });

  it("stores the password as an scrypt hash, never as given", async () => {
    const carol = await api.signUp();
    const row = await api.prisma.user.findUniqueOrThrow({ where: { id: carol.user.id } });
    expect(row.passwordHash).toMatch(/^scrypt\$16\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(row.passwordHash).not.toContain(carol.password);
  });

  it("signs in with the right password, whatever the email's case", async () => {
    const dave = await api.signUp();
    const data = await api.ok<{ signIn: { token: string; user: { id: string } } }>(
      `mutation ($e: String!, $p: String!) { signIn(email: $e, password: $p) { token user { id } } }`,
      { e: dave.email.toUpperCase(), p: dave.password },
    );
    expect(data.signIn.user.id).toBe(dave.user.id);
    expect(data.signIn.token).not.toBe(dave.token);
  });

  it("answers a wrong password and an unknown email alike", async () => {
    const erin = await api.signUp();
    const signIn = `mutation ($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }`;
    const wrong = await api.fail(signIn, { e: erin.email, p: "not-the-password" });
    const unknown = await api.fail(signIn, {
      e: "nobody-here@test.example",
      p: "whatever-password",
    });
    for (const error of [wrong, unknown]) {
      expect(error.message).toBe("Wrong email or password");
      expect(error.extensions?.code).toBe("UNAUTHENTICATED");
    }
    expect(wrong.response.text.replace(/"path":\[[^\]]*\]/, "")).toBe(
      unknown.response.text.replace(/"path":\[[^\]]*\]/, ""),
    );
  });

  it("refuses a taken email as BAD_USER_INPUT on the email field", async () => {
    const frank = await api.signUp();
    const error = await api.fail(
      `mutation ($e: String!) { signUp(email: $e, password: "long enough pw") { token } }`,
      { e: frank.email.toUpperCase() },
    );
    expect(error.message).toBe("An account with this email already exists");
    expect(error.extensions).toEqual({ code: "BAD_USER_INPUT", details: { field: "email" } });
  });

  it("refuses malformed emails and passwords outside 8..1024 characters", async () => {
    const signUp = `mutation ($e: String!, $p: String!) { signUp(email: $e, password: $p) { token } }`;
    const badEmail = await api.fail(signUp, { e: "not-an-email", p: "long enough pw" });
    expect(badEmail.extensions).toEqual({ code: "BAD_USER_INPUT", details: { field: "email" } });
    const short = await api.fail(signUp, { e: `short-${Date.now()}@test.example`, p: "1234567" });
    expect(short.extensions).toEqual({ code: "BAD_USER_INPUT", details: { field: "password" } });
    const long = await api.fail(signUp, {
      e: `long-${Date.now()}@test.example`,
      p: "x".repeat(1025),
    });
    expect(long.extensions).toEqual({ code: "BAD_USER_INPUT", details: { field: "password" } });
    const longEmail = await api.fail(signUp, {
      e: `${"a".repeat(320)}@test.example`,
      p: "long enough pw",
    });
    expect(longEmail.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("refuses me without a token, and with a made-up one", async () => {
    const none = await api.fail(ME);
    expect(none.extensions?.code).toBe("UNAUTHENTICATED");
    const madeUp = await api.fail(ME, undefined, `agt_${"A".repeat(43)}`);
    expect(madeUp.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("signOut revokes the token it was called with, and only that one", async () => {
    const gina = await api.signUp();
    const second = await api.ok<{ signIn: { token: string } }>(
      `mutation ($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }`,
      { e: gina.email, p: gina.password },
    );
    expect(
      await api.ok<{ signOut: boolean }>(`mutation { signOut }`, undefined, gina.token),
    ).toEqual({ signOut: true });
    expect((await api.fail(ME, undefined, gina.token)).extensions?.code).toBe("UNAUTHENTICATED");
    await api.ok(ME, undefined, second.signIn.token);
  });

  it("refuses an expired sign-in token", async () => {
    const hank = await api.signUp();
    await api.prisma.apiToken.updateMany({
      where: { userId: hank.user.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect((await api.fail(ME, undefined, hank.token)).extensions?.code).toBe("UNAUTHENTICATED");
  });
});

describe("admin rules", () => {
  it("makes the ADMIN_EMAIL account admin and everyone else a user", async () => {
    const user = await api.signUp();
    const admin = await api.signUpAdmin();
    expect(user.user.role).toBe("USER");
    expect(admin.user.role).toBe("ADMIN");
  });

  it("without ADMIN_EMAIL, makes the first account admin and the next ones users", async () => {
    const other = await startTestApi({ adminEmail: null });
    try {
      const [first, second] = [await other.signUp(), await other.signUp()];
      expect(first.user.role).toBe("ADMIN");
      expect(second.user.role).toBe("USER");
    } finally {
      await other.close();
    }
  });
});

describe("personal access tokens", () => {
  const CREATE = `mutation ($n: String!) { createApiToken(name: $n) { token apiToken { id name createdAt lastUsedAt } } }`;

  it("creates a token that works like a sign-in, lists it, and revokes it", async () => {
    const ivy = await api.signUp();
    const { createApiToken } = await api.ok<{
      createApiToken: {
        token: string;
        apiToken: { id: string; name: string; lastUsedAt: string | null };
      };
    }>(CREATE, { n: "ci bot" }, ivy.token);
    expect(createApiToken.token).toMatch(/^agp_[A-Za-z0-9_-]{43}$/);
    expect(createApiToken.apiToken).toMatchObject({ name: "ci bot", lastUsedAt: null });

    const { me } = await api.ok<{ me: { id: string } }>(ME, undefined, createApiToken.token);
    expect(me.id).toBe(ivy.user.id);

    const { apiTokens } = await api.ok<{ apiTokens: { id: string; lastUsedAt: string | null }[] }>(
      `{ apiTokens { id name lastUsedAt } }`,
      undefined,
      ivy.token,
    );
    expect(apiTokens).toHaveLength(1);
    expect(apiTokens[0]?.id).toBe(createApiToken.apiToken.id);
    expect(apiTokens[0]?.lastUsedAt).not.toBeNull();

    await api.ok(
      `mutation ($id: ID!) { revokeApiToken(id: $id) }`,
      { id: createApiToken.apiToken.id },
      ivy.token,
    );
    expect((await api.fail(ME, undefined, createApiToken.token)).extensions?.code).toBe(
      "UNAUTHENTICATED",
    );
    const after = await api.ok<{ apiTokens: unknown[] }>(
      `{ apiTokens { id } }`,
      undefined,
      ivy.token,
    );
    expect(after.apiTokens).toEqual([]);
  });

  it("will not revoke another user's token (NOT_FOUND)", async () => {
    const [jack, kim] = [await api.signUp(), await api.signUp()];
    const { createApiToken } = await api.ok<{
      createApiToken: { token: string; apiToken: { id: string } };
    }>(CREATE, { n: "jack's" }, jack.token);
    const error = await api.fail(
      `mutation ($id: ID!) { revokeApiToken(id: $id) }`,
      { id: createApiToken.apiToken.id },
      kim.token,
    );
    expect(error.extensions?.code).toBe("NOT_FOUND");
    await api.ok(ME, undefined, createApiToken.token);
  });

  it("audits token creation and revocation without the token", async () => {
    const lee = await api.signUp();
    const { createApiToken } = await api.ok<{
      createApiToken: { token: string; apiToken: { id: string } };
    }>(CREATE, { n: "audited" }, lee.token);
    await api.ok(
      `mutation ($id: ID!) { revokeApiToken(id: $id) }`,
      { id: createApiToken.apiToken.id },
      lee.token,
    );
    const events = await api.prisma.auditEvent.findMany({
      where: { actorId: lee.user.id, targetId: createApiToken.apiToken.id },
      orderBy: { createdAt: "asc" },
    });
    expect(events.map((event) => event.action)).toEqual(["api_token.create", "api_token.revoke"]);
    expect(JSON.stringify(events)).not.toContain(createApiToken.token.slice(4));
  });
});

describe("graphql-ws authentication", () => {
  it("closes a connection without a token with 4403", async () => {
    const socket = api.ws();
    expect((await socket.closed).code).toBe(4403);
  });

  it("closes a connection with a bad or revoked token with 4403", async () => {
    const bad = api.ws(`agt_${"B".repeat(43)}`);
    expect((await bad.closed).code).toBe(4403);
    const mia = await api.signUp();
    await api.ok(`mutation { signOut }`, undefined, mia.token);
    const revoked = api.ws(mia.token);
    expect((await revoked.closed).code).toBe(4403);
  });

  it("accepts a valid token and serves operations over the socket", async () => {
    const ned = await api.signUp();
    const socket = api.ws(ned.token);
    const result = await socket.subscribe<{ me: { id: string } }>(`query { me { id } }`).next();
    expect(result.data?.me.id).toBe(ned.user.id);
    await socket.dispose();
  });
});

describe("logging", () => {
  it("logs operations by name with duration and error code, never variables or tokens", async () => {
    const password = `secret-password-${Date.now()}`;
    const olga = await api.signUp({ password });
    await api.gql(`query WhoAmI { me { id } }`, undefined, olga.token);
    await api.gql(
      `mutation SignInWrong($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }`,
      {
        e: olga.email,
        p: `${password}-wrong`,
      },
    );
    const lines = api.logs();
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const whoAmI = entries.find((entry) => entry["operationName"] === "WhoAmI");
    expect(whoAmI).toMatchObject({
      userId: olga.user.id,
      transport: "http",
      operationType: "query",
    });
    expect(typeof whoAmI?.["durationMs"]).toBe("number");
    expect(entries).toContainEqual(
      expect.objectContaining({ operationName: "SignInWrong", errorCodes: ["UNAUTHENTICATED"] }),
    );
    const all = lines.join("\n");
    expect(all).not.toContain(password);
    expect(all).not.toContain(olga.token);
  });
});
