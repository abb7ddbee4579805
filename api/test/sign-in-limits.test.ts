import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestApi, type GqlError, type TestApi } from "./harness.js";

// Password guessing: limits per client address and per account, kept in Redis (so every api
// process enforces the same ones), refused before any hashing, with retryAfter. A flood of
// guesses must neither get through nor keep the account's owner out. Addresses are given the
// way a reverse proxy would (X-Forwarded-For from a trusted proxy: here, loopback).

const LIMITS = {
  AUTH_ATTEMPTS_PER_ADDRESS: "20",
  AUTH_FAILURES_PER_ACCOUNT: "10",
  // A range, as a container network would be given.
  TRUSTED_PROXIES: "127.0.0.0/8,::1",
  // Real hashing work (production uses 2^15), so the latencies measured here mean something.
  SCRYPT_COST: String(2 ** 12),
};

// Each real hash takes a while on a busy machine.
vi.setConfig({ testTimeout: 90_000 });

let api: TestApi;
let second: TestApi;
beforeAll(async () => {
  api = await startTestApi({ env: LIMITS });
  second = await startTestApi({ env: LIMITS, shareWith: api });
});
afterAll(async () => {
  await second.close();
  await api.close();
});

interface AuthOutcome {
  readonly token: string | undefined;
  readonly error: GqlError | undefined;
  readonly ms: number;
}

async function auth(
  target: TestApi,
  operation: "signIn" | "signUp",
  email: string,
  password: string,
  address: string,
): Promise<AuthOutcome> {
  const started = performance.now();
  const response = await fetch(target.url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": address },
    body: JSON.stringify({
      query: `mutation ($e: String!, $p: String!) { ${operation}(email: $e, password: $p) { token } }`,
      variables: { e: email, p: password },
    }),
  });
  const body = (await response.json()) as {
    data?: Record<string, { token: string } | null> | null;
    errors?: GqlError[];
  };
  return {
    token: body.data?.[operation]?.token,
    error: body.errors?.[0],
    ms: performance.now() - started,
  };
}

const codes = (outcomes: readonly AuthOutcome[]): Record<string, number> => {
  const counted: Record<string, number> = {};
  for (const outcome of outcomes) {
    const code = outcome.error?.extensions?.code ?? "OK";
    counted[code] = (counted[code] ?? 0) + 1;
  }
  return counted;
};

const randomEmail = () => `guessed-${randomBytes(5).toString("hex")}@test.example`;
const password = "the owner's long passphrase";

describe("signIn under a flood of guesses", () => {
  it("tries at most the account's allowance of a 200-guess burst, and the owner still signs in (from a known address)", async ({
    annotate,
  }) => {
    const email = randomEmail();
    const home = "10.0.0.1";
    expect((await auth(api, "signUp", email, password, home)).token).toBeDefined();
    const before = await auth(api, "signIn", email, password, home);
    expect(before.token).toBeDefined();

    const flood = Array.from({ length: 200 }, (_, i) =>
      auth(api, "signIn", email, `wrong guess ${i}`, "203.0.113.7"),
    );
    // A query with no hashing at all, sent with the owner's sign-in: what the flood's requests
    // alone cost everyone, so the sign-in's own wait (the hashing queue) can be told apart.
    const controlStarted = performance.now();
    const [during, controlMs] = await Promise.all([
      auth(api, "signIn", email, password, home),
      fetch(api.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ __typename }" }),
      }).then(async (response) => {
        await response.text();
        return performance.now() - controlStarted;
      }),
    ]);
    const guesses = await Promise.all(flood);

    expect(during.token).toBeDefined();
    // Every guess past the account's 10 failures is refused before hashing.
    expect(codes(guesses)).toEqual({ UNAUTHENTICATED: 10, RATE_LIMITED: 190 });
    const limited = guesses.find((guess) => guess.error?.extensions?.code === "RATE_LIMITED");
    expect(limited?.error?.extensions?.["retryAfter"]).toBeGreaterThan(0);
    expect(limited?.error?.message).toMatch(/Too many failed sign-ins to this account/);
    const refusedMs = guesses
      .filter((guess) => guess.error?.extensions?.code === "RATE_LIMITED")
      .map((guess) => guess.ms);
    await annotate(
      `the owner's sign-in during a 200-guess flood took ${during.ms.toFixed(0)} ms (a { __typename } sent with it ${controlMs.toFixed(0)} ms; a quiet sign-in ${before.ms.toFixed(0)} ms); refused guesses answered in ${Math.min(...refusedMs).toFixed(0)}–${Math.max(...refusedMs).toFixed(0)} ms`,
    );

    // Locked for addresses that never signed in to it, even with the right password...
    const stranger = await auth(api, "signIn", email, password, "198.51.100.9");
    expect(stranger.error?.extensions?.code).toBe("RATE_LIMITED");
    // ...on every api process (the counts are in Redis)...
    const elsewhere = await auth(second, "signIn", email, "another guess", "203.0.113.99");
    expect(elsewhere.error?.extensions?.code).toBe("RATE_LIMITED");
    // ...but never for the owner's known address.
    expect((await auth(second, "signIn", email, password, home)).token).toBeDefined();
  });

  it("limits the attempts from one address across accounts, and sign-ups too", async () => {
    const address = "203.0.113.8";
    const spray = [];
    for (let i = 0; i < 25; i += 1) {
      spray.push(await auth(api, "signIn", randomEmail(), "a wrong password", address));
    }
    expect(codes(spray)).toEqual({ UNAUTHENTICATED: 20, RATE_LIMITED: 5 });
    expect(spray.at(-1)?.error?.message).toMatch(/Too many sign-in attempts from your address/);
    // Another address is not held up by this one.
    expect(
      (await auth(api, "signIn", randomEmail(), "a wrong password", "203.0.113.9")).error
        ?.extensions?.code,
    ).toBe("UNAUTHENTICATED");

    const signUps = [];
    for (let i = 0; i < 22; i += 1) {
      signUps.push(await auth(second, "signUp", randomEmail(), password, "203.0.113.10"));
    }
    expect(codes(signUps)).toEqual({ OK: 20, RATE_LIMITED: 2 });
    expect(signUps.at(-1)?.error?.extensions?.["retryAfter"]).toBeGreaterThan(0);
  });

  it("gives a successful sign-in's attempt back, so an address's own users are not counted down", async () => {
    const address = "203.0.113.11";
    const email = randomEmail();
    expect((await auth(api, "signUp", email, password, address)).token).toBeDefined();
    for (let i = 0; i < 30; i += 1) {
      expect((await auth(api, "signIn", email, password, address)).token).toBeDefined();
    }
  });
});
