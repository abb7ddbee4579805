import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi, type TestUser } from "./harness.js";

// graphql-ws limits: operations at once per connection, operations started per minute per
// connection, connections per user. Each open subscription holds memory and a Redis listener
// for as long as its socket lives.

const SESSION_USAGE = `subscription ($id: ID!) { sessionUsage(sessionId: $id) { apiCalls } }`;

async function createSession(api: TestApi, owner: TestUser): Promise<string> {
  const { createSession } = await api.ok<{ createSession: { id: string } }>(
    `mutation { createSession(input: { name: "subscribed" }) { id } }`,
    undefined,
    owner.token,
  );
  return createSession.id;
}

type Outcome = { readonly ok: true } | { readonly ok: false; readonly code: string | undefined };

/** The first result of a subscription: its data, or the code it was refused with. */
const firstOutcome = (
  next: Promise<{ readonly errors?: readonly unknown[] | undefined }>,
): Promise<Outcome> =>
  next.then(
    (result) =>
      result.errors === undefined
        ? { ok: true }
        : {
            ok: false,
            code: (result.errors[0] as { extensions?: { code?: string } }).extensions?.code,
          },
    (errors: unknown) => ({
      ok: false,
      code: (errors as { extensions?: { code?: string } }[])[0]?.extensions?.code,
    }),
  );

describe("with the default limits", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it("keeps 20 of 5,000 subscriptions tried on one socket, refusing the rest with RATE_LIMITED, and others are served", async ({
    annotate,
  }) => {
    const [owner, other] = [await api.signUp(), await api.signUp()];
    const sessionId = await createSession(api, owner);
    const socket = api.ws(owner.token);
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const subscriptions = Array.from({ length: 5000 }, () =>
      socket.subscribe<{ sessionUsage: { apiCalls: number } }>(SESSION_USAGE, { id: sessionId }),
    );
    const outcomes = await Promise.all(subscriptions.map((s) => firstOutcome(s.next())));
    const elapsed = performance.now() - started;
    const rssAfter = process.memoryUsage().rss;

    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(20);
    const refusedCodes = new Set(outcomes.flatMap((o) => (o.ok ? [] : [o.code])));
    expect([...refusedCodes]).toEqual(["RATE_LIMITED"]);
    const meStarted = performance.now();
    await api.ok(`{ me { id } }`, undefined, other.token);
    const meMs = performance.now() - meStarted;
    await annotate(
      `5,000 subscriptions on one socket: 20 kept, 4,980 refused in ${elapsed.toFixed(0)} ms; process RSS ${(rssBefore / 2 ** 20).toFixed(0)} → ${(rssAfter / 2 ** 20).toFixed(0)} MB (client and api in one process); another user's query then took ${meMs.toFixed(0)} ms`,
    );
    await socket.dispose();
  });

  it("refuses a socket's operations past 120 a minute, saying when to try again", async () => {
    const owner = await api.signUp();
    const socket = api.ws(owner.token);
    const outcomes: Outcome[] = [];
    for (let i = 0; i < 121; i += 1) {
      outcomes.push(await firstOutcome(socket.subscribe(`{ me { id } }`).next()));
    }
    expect(outcomes.slice(0, 120).every((outcome) => outcome.ok)).toBe(true);
    const refused = await socket
      .subscribe(`{ me { id } }`)
      .next()
      .then(
        () => undefined,
        (errors: unknown) =>
          (errors as { message: string; extensions?: Record<string, unknown> }[])[0],
      );
    expect(refused?.extensions?.["code"]).toBe("RATE_LIMITED");
    expect(refused?.extensions?.["retryAfter"]).toEqual(expect.any(Number));
    expect(refused?.message).toMatch(/at most 120 a minute/);
    // A new connection has its own allowance.
    const fresh = api.ws(owner.token);
    expect(await firstOutcome(fresh.subscribe(`{ me { id } }`).next())).toEqual({ ok: true });
    await Promise.all([socket.dispose(), fresh.dispose()]);
  });
});

describe("with a generous rate", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({
      env: { WS_SUBSCRIBES_PER_MINUTE: "100000", WS_MAX_SOCKETS_PER_USER: "3" },
    });
  });
  afterAll(async () => {
    await api.close();
  });

  it("holds 20 subscriptions on a socket at once, and takes a new one when one ends", async () => {
    const owner = await api.signUp();
    const sessionId = await createSession(api, owner);
    const socket = api.ws(owner.token);
    const open = Array.from({ length: 20 }, () =>
      socket.subscribe(SESSION_USAGE, { id: sessionId }),
    );
    expect(await Promise.all(open.map((s) => firstOutcome(s.next())))).toEqual(
      Array.from({ length: 20 }, () => ({ ok: true })),
    );
    const refused = await socket
      .subscribe(SESSION_USAGE, { id: sessionId })
      .next()
      .then(
        () => undefined,
        (errors: unknown) =>
          (errors as { message: string; extensions?: Record<string, unknown> }[])[0],
      );
    expect(refused?.extensions?.["code"]).toBe("RATE_LIMITED");
    expect(refused?.message).toMatch(/at most 20 at once/);
    open[0]?.unsubscribe();
    await open[0]?.completed;
    expect(await firstOutcome(socket.subscribe(SESSION_USAGE, { id: sessionId }).next())).toEqual({
      ok: true,
    });
    await socket.dispose();
  });

  it("closes a user's fourth connection with 4429, and lets one in again when another closes", async () => {
    const owner = await api.signUp();
    const sockets = [api.ws(owner.token), api.ws(owner.token), api.ws(owner.token)];
    for (const socket of sockets) {
      expect(await firstOutcome(socket.subscribe(`{ me { id } }`).next())).toEqual({ ok: true });
    }
    const fourth = api.ws(owner.token);
    const closed = await fourth.closed;
    expect(closed).toEqual({ code: 4429, reason: "Too many connections: at most 3 per user" });
    // Another user is not affected by this one's connections.
    const other = await api.signUp();
    const theirs = api.ws(other.token);
    expect(await firstOutcome(theirs.subscribe(`{ me { id } }`).next())).toEqual({ ok: true });

    await sockets[0]?.dispose();
    const again = api.ws(owner.token);
    expect(await firstOutcome(again.subscribe(`{ me { id } }`).next())).toEqual({ ok: true });
    await Promise.all([...sockets.slice(1), again, theirs, fourth].map((s) => s.dispose()));
  });
});
