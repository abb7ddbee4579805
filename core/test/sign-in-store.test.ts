import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import {
  blankSignInFlow,
  MAX_PENDING_SIGN_INS,
  SIGN_IN_STATUS_GRACE_MS,
  signInStatus,
  type SignInFlow,
} from "../src/sign-in/sign-in-flow.js";
import { SignInStore } from "../src/sign-in/sign-in-store.js";

const namespace = `test-${randomUUID()}:`;
const redis = new Redis(process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379");
const store = new SignInStore(redis, namespace);

afterAll(async () => {
  const keys = await redis.keys(`${namespace}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

const flow = (userId: string, overrides: Partial<SignInFlow> = {}): SignInFlow => ({
  ...blankSignInFlow,
  id: randomUUID(),
  type: "code",
  userId,
  sessionId: null,
  provider: "ANTHROPIC",
  agentKind: "CLAUDE_CODE",
  phase: "PENDING",
  createdAt: Date.now(),
  expiresAt: Date.now() + 60_000,
  oauthState: "state",
  ...overrides,
});

describe("SignInStore", () => {
  it("keeps a flow until its expiry plus the grace, and reads it back as stored", async () => {
    const stored = flow(randomUUID());
    await store.create(stored);
    expect(await store.get(stored.id)).toEqual(stored);
    const ttl = await redis.pttl(store.recordKey(stored.id));
    expect(ttl).toBeGreaterThan(60_000 + SIGN_IN_STATUS_GRACE_MS - 5_000);
    expect(ttl).toBeLessThanOrEqual(60_000 + SIGN_IN_STATUS_GRACE_MS);
    expect(await store.get(randomUUID())).toBeNull();
  });

  it("moves a flow only from a phase it is in: of two racing changes, one wins", async () => {
    const stored = flow(randomUUID());
    await store.create(stored);
    const results = await Promise.all([
      store.transition(stored, { from: ["PENDING"], to: "CANCELLED" }),
      store.transition(stored, { from: ["PENDING"], to: "EXCHANGING" }),
    ]);
    expect(results.filter((result) => result !== null)).toHaveLength(1);
    const after = await store.get(stored.id);
    expect(["CANCELLED", "EXCHANGING"]).toContain(after?.phase);
    expect(await store.transition(stored, { from: ["PENDING"], to: "FAILED" })).toBeNull();
  });

  it("applies a patch, nulls included, and keeps the TTL unless the expiry changes", async () => {
    const stored = flow(randomUUID(), {
      verifier: { ciphertext: "YQ==", nonce: "Yg==", keyVersion: 1 },
    });
    await store.create(stored);
    const ttl = await redis.pttl(store.recordKey(stored.id));
    const moved = await store.transition(stored, {
      from: ["PENDING"],
      to: "SUCCEEDED",
      patch: { verifier: null, credentialId: randomUUID(), wrongCodes: 2 },
    });
    expect(moved).toMatchObject({ phase: "SUCCEEDED", verifier: null, wrongCodes: 2 });
    expect(await redis.pttl(store.recordKey(stored.id))).toBeLessThanOrEqual(ttl);
    const later = Date.now() + 600_000;
    const device = flow(randomUUID(), { type: "device", phase: "STARTING" });
    await store.create(device);
    await store.transition(device, {
      from: ["STARTING"],
      to: "PENDING",
      patch: { expiresAt: later },
    });
    expect(await redis.pttl(store.recordKey(device.id))).toBeGreaterThan(600_000);
  });

  it(`allows ${MAX_PENDING_SIGN_INS} pending flows per user; an ended or expired one frees its place`, async () => {
    const userId = randomUUID();
    const flows = Array.from({ length: MAX_PENDING_SIGN_INS }, () => flow(userId));
    for (const pending of flows) await store.create(pending);
    await expect(store.create(flow(userId))).rejects.toMatchObject({
      code: "BAD_USER_INPUT",
      details: { reason: "too_many_sign_ins" },
    });
    await store.create(flow(randomUUID()));
    const first = flows[0] as SignInFlow;
    await store.transition(first, { from: ["PENDING"], to: "CANCELLED" });
    await store.create(flow(userId));
    await expect(store.create(flow(userId))).rejects.toMatchObject({ code: "BAD_USER_INPUT" });
    // One whose expiry has passed no longer counts.
    const second = flows[1] as SignInFlow;
    await store.transition(second, {
      from: ["PENDING"],
      to: "PENDING",
      patch: { expiresAt: Date.now() - 1 },
    });
    await store.create(flow(userId));
  });

  it("shows STARTING and EXCHANGING as PENDING, and PENDING past its expiry as EXPIRED", () => {
    const now = Date.now();
    expect(signInStatus({ phase: "STARTING", expiresAt: now - 1 }, now)).toBe("PENDING");
    expect(signInStatus({ phase: "EXCHANGING", expiresAt: now + 1 }, now)).toBe("PENDING");
    expect(signInStatus({ phase: "PENDING", expiresAt: now }, now)).toBe("EXPIRED");
    expect(signInStatus({ phase: "DENIED", expiresAt: now + 1 }, now)).toBe("DENIED");
  });
});
