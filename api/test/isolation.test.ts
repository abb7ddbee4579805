import { buildSchema, type GraphQLSchema } from "graphql";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type GqlError, type TestApi, type TestUser } from "./harness.js";
import {
  OPERATIONS,
  type Expectation,
  type OperationCase,
  type SessionNeed,
} from "./support/operations.js";
import {
  expectNoneOfA,
  makeWorld,
  snapshotOfA,
  type Actor,
  type GqlRequest,
  type Outcome,
  type World,
} from "./support/world.js";

// For every query, mutation and subscription of the schema: a signed-in stranger, an admin and
// nobody try it on A's things, over HTTP and graphql-ws, and get an error and none of A's data
// (or, for what is per caller, only their own); A's rows stay as they were; and the rightful
// caller succeeds with the very same request, so each refusal is a real one.

let api: TestApi;
let admin: TestUser;
/** A's world for the refusals, which must leave it as it is (each test checks they did). */
let shared: World;
beforeAll(async () => {
  // No worker answers verifyCredential here: its rightful caller hears UNAVAILABLE soon.
  api = await startTestApi({ env: { VERIFY_TIMEOUT_MS: "100" } });
  admin = await api.signUpAdmin();
  shared = await makeWorld(api);
});
afterAll(async () => {
  await api.close();
});

/** "Query.me", "Mutation.signUp", … for every root field of a schema. */
function rootOperations(schema: GraphQLSchema): string[] {
  const roots = [
    ["Query", schema.getQueryType()],
    ["Mutation", schema.getMutationType()],
    ["Subscription", schema.getSubscriptionType()],
  ] as const;
  return roots.flatMap(([kind, type]) =>
    Object.keys(type?.getFields() ?? {}).map((name) => `${kind}.${name}`),
  );
}

const SCHEMA_OPERATIONS = rootOperations(
  buildSchema(readFileSync(new URL("../../schema.graphql", import.meta.url), "utf8")),
);

const caseFor = (operation: string): OperationCase => {
  const found = OPERATIONS[operation];
  if (found === undefined) {
    throw new Error(
      `${operation} has no isolation case: add one to api/test/support/operations.ts`,
    );
  }
  return found;
};

const fieldOf = (operation: string): string => operation.slice(operation.indexOf(".") + 1);
const isSubscription = (operation: string): boolean => operation.startsWith("Subscription.");

async function overHttp(request: GqlRequest, token?: string): Promise<Outcome> {
  const response = await api.gql(request.query, request.variables, token);
  return { data: response.data ?? null, errors: response.errors ?? [], text: response.text };
}

/** The first result of the operation over an authenticated graphql-ws connection. */
async function overWs(request: GqlRequest, token: string): Promise<Outcome> {
  const socket = api.ws(token);
  try {
    const result = await socket
      .subscribe<Record<string, unknown>>(request.query, request.variables)
      .next()
      .then(
        (value) => ({ data: value.data ?? null, errors: (value.errors ?? []) as GqlError[] }),
        // Request errors (validation) end the operation with an error instead of a result.
        (errors: unknown) => ({ data: null, errors: errors as GqlError[] }),
      );
    return { ...result, text: JSON.stringify(result) };
  } finally {
    await socket.dispose();
  }
}

/** A graphql-ws connection with no valid token: closed with 4403, nothing delivered. */
async function refusedOverWs(request: GqlRequest, token?: string): Promise<string> {
  const socket = api.ws(token);
  const delivered = await socket
    .subscribe(request.query, request.variables)
    .next()
    .then(
      (result) => JSON.stringify(result),
      () => "",
    );
  expect((await socket.closed).code).toBe(4403);
  await socket.dispose();
  return delivered;
}

const signIn = async (user: TestUser): Promise<string> =>
  (
    await api.ok<{ signIn: { token: string } }>(
      `mutation ($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }`,
      { e: user.email, p: user.password },
    )
  ).signIn.token;

const personalToken = async (user: TestUser): Promise<string> =>
  (
    await api.ok<{ createApiToken: { token: string } }>(
      `mutation { createApiToken(name: "isolation") { token } }`,
      undefined,
      user.token,
    )
  ).createApiToken.token;

const revokedToken = async (user: TestUser): Promise<string> => {
  const token = await signIn(user);
  await api.ok(`mutation { signOut }`, undefined, token);
  return token;
};

async function expectOutcome(
  operation: string,
  outcome: Outcome,
  expectation: Expectation,
  actor: Actor | undefined,
  world: World,
): Promise<void> {
  if ("code" in expectation) {
    expect(outcome.errors[0]?.extensions?.code, outcome.text).toBe(expectation.code);
    // No data: the whole result is null, or (for a nullable field) the field is.
    expect(outcome.data?.[fieldOf(operation)] ?? null).toBeNull();
    expectNoneOfA(outcome.text, world);
    return;
  }
  if ("nullResult" in expectation) {
    expect(outcome.errors, outcome.text).toEqual([]);
    expect(outcome.data).toEqual({ [fieldOf(operation)]: null });
    expectNoneOfA(outcome.text, world);
    return;
  }
  if (actor === undefined) throw new Error(`${operation}: a per-caller check needs a caller`);
  await expectation.own(outcome, actor, world, api);
}

/** Runs the attack as `user` over HTTP (a sign-in token) and graphql-ws (a personal token). */
async function attackAs(
  operation: string,
  user: TestUser,
  expectation: Expectation,
  world: World,
): Promise<void> {
  const c = caseFor(operation);
  if (!isSubscription(operation)) {
    const actor = { user, token: await signIn(user) };
    const outcome = await overHttp(c.attack(world, actor), actor.token);
    await expectOutcome(operation, outcome, expectation, actor, world);
  }
  const actor = { user, token: await personalToken(user) };
  const outcome = await overWs(c.attack(world, actor), actor.token);
  await expectOutcome(operation, outcome, expectation, actor, world);
}

describe("the isolation table", () => {
  it("has a case for every operation in schema.graphql, and none for operations that are gone", () => {
    const table = Object.keys(OPERATIONS);
    expect(SCHEMA_OPERATIONS.filter((name) => !table.includes(name))).toEqual([]);
    expect(table.filter((name) => !SCHEMA_OPERATIONS.includes(name))).toEqual([]);
    expect(SCHEMA_OPERATIONS.length).toBeGreaterThanOrEqual(28);
  });

  it("has a case for every operation the running api serves", async () => {
    const { __schema } = await api.ok<{
      __schema: Record<string, { fields: { name: string }[] } | null>;
    }>(
      `{ __schema {
        queryType { fields { name } } mutationType { fields { name } } subscriptionType { fields { name } }
      } }`,
      undefined,
      admin.token,
    );
    const served = (["query", "mutation", "subscription"] as const).flatMap((kind) =>
      (__schema[`${kind}Type`]?.fields ?? []).map(
        (field) => `${kind[0]?.toUpperCase() ?? ""}${kind.slice(1)}.${field.name}`,
      ),
    );
    expect(served.sort()).toEqual(Object.keys(OPERATIONS).sort());
  });
});

// The refusals share A's world (they must not change it); the rightful callers, who do, each get
// their own. Either way the tests run side by side.
describe.concurrent.each(SCHEMA_OPERATIONS)("%s", (operation) => {
  it("gives a stranger and an admin an error or only their own things, and nobody an error; never A's data, and A's rows stay as they were", async () => {
    const c = caseFor(operation);
    const world = shared;
    const before = await snapshotOfA(api, world);

    await attackAs(operation, world.b, c.stranger, world);

    const asAdmin = c.admin ?? c.stranger;
    // Where the admin is the rightful caller, the control below shows they get metadata only.
    if (asAdmin === "control") expect(c.control.as).toBe("admin");
    else await attackAs(operation, admin, asAdmin, world);

    const revoked = await revokedToken(world.b);
    if (!isSubscription(operation)) {
      for (const token of [undefined, revoked]) {
        const outcome = await overHttp(c.attack(world), token);
        await expectOutcome(operation, outcome, c.nobody, undefined, world);
      }
    }
    for (const token of [undefined, revoked]) {
      const delivered = await refusedOverWs(c.attack(world), token);
      expect(delivered).not.toContain('"data":{');
      expectNoneOfA(delivered, world);
    }

    expect(await snapshotOfA(api, world)).toBe(before);
  });

  it("serves the rightful caller the very request the others were refused", async () => {
    const c = caseFor(operation);
    const world = await makeWorld(api);
    const user = c.control.as === "owner" ? world.a : admin;
    const actor = { user, token: user.token };
    const request = (c.control.request ?? c.attack)(world);
    const outcome = isSubscription(operation)
      ? await overWs(request, actor.token)
      : await overHttp(request, actor.token);
    await c.control.check(outcome, actor, world, api);
  });
});

describe("members of A's session", () => {
  const sessionCases = SCHEMA_OPERATIONS.flatMap((operation) => {
    const need = OPERATIONS[operation]?.need;
    return need === undefined ? [] : [[operation, need] as const];
  });

  it("covers every operation on a session", () => {
    expect(sessionCases.map(([operation]) => operation).sort()).toEqual([
      "Mutation.addSessionMember",
      "Mutation.cancelMessage",
      "Mutation.deleteSession",
      "Mutation.removeAgent",
      "Mutation.removeSessionKey",
      "Mutation.removeSessionMember",
      "Mutation.renameAgent",
      "Mutation.renameSession",
      "Mutation.sendMessage",
      "Mutation.setSessionBudget",
      "Mutation.setSessionKey",
      "Mutation.spawnAgent",
      "Query.agent",
      "Query.session",
      "Subscription.agentEvents",
      "Subscription.sessionUsage",
    ]);
  });

  const may = (need: SessionNeed, role: "VIEWER" | "EDITOR"): boolean =>
    need === "read" || (need === "use" && role === "EDITOR");

  it.concurrent.each(sessionCases)(
    "%s (needs %s): FORBIDDEN and nothing changed for a member below it, served for a member at it",
    async (operation, need) => {
      const c = caseFor(operation);
      const world = await makeWorld(api);
      // Refusals first, on an untouched world; then what members may do.
      const roles = (["VIEWER", "EDITOR"] as const)
        .slice()
        .sort((x, y) => Number(may(need, x)) - Number(may(need, y)));
      for (const role of roles) {
        const member = role === "VIEWER" ? world.viewer : world.editor;
        const request = c.asMember?.(world, role) ?? c.attack(world, { user: member, token: "" });
        const before = await snapshotOfA(api, world);
        const outcome = isSubscription(operation)
          ? await overWs(request, member.token)
          : await overHttp(request, member.token);
        if (may(need, role)) {
          expect(outcome.errors, `${role}: ${outcome.text}`).toEqual([]);
          expect(outcome.data?.[fieldOf(operation)]).toBeTruthy();
          continue;
        }
        expect(outcome.errors[0]?.extensions?.code, `${role}: ${outcome.text}`).toBe("FORBIDDEN");
        expect(outcome.data?.[fieldOf(operation)] ?? null).toBeNull();
        expect(await snapshotOfA(api, world)).toBe(before);
      }
    },
  );
});
