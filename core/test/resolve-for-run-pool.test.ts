import {
  createPrismaClient,
  directPoolOf,
  directThrough,
  type PrismaClient,
} from "@agentry/prisma";
import { createTestDatabase, type TestDatabase } from "@agentry/prisma/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveForRun, type RunResolveDeps } from "../src/credentials/resolve-for-run.js";
import type { Vault } from "../src/crypto/vault.js";
import { createSession, createUser, newRing, storeCredential } from "./support/fixtures.js";

// resolveForRun reads its candidates on the client's own pg pool (a prepared statement, off
// Prisma's engine), connecting the client first when it has not yet, and through a wrapper's
// hook when it is handed one (the worker's outage-waiting client). Prisma keeps timestamps as
// UTC; pg would read a bare timestamp in the process's zone, so the zone here is not UTC.

let db: TestDatabase;
let prisma: PrismaClient;
let vault: Vault;
const zone = process.env["TZ"];

beforeAll(async () => {
  db = await createTestDatabase("core_resolve_pool");
  vault = newRing().vault;
  process.env["TZ"] = "America/Los_Angeles";
  // Not connected yet: the first read connects it.
  prisma = createPrismaClient(db.url, { poolSize: 2 });
});
afterAll(async () => {
  if (zone === undefined) delete process.env["TZ"];
  else process.env["TZ"] = zone;
  await prisma.$disconnect();
  await db.drop();
});

describe("resolveForRun on the client's pg pool", () => {
  it("reads timestamps in UTC whatever the process's zone, on a fresh client and through a wrapper", async () => {
    const user = await createUser(db.prisma);
    const session = await createSession(db.prisma, user.id);
    const expiresAt = new Date(Math.floor(Date.now() / 1000) * 1000 + 3_600_123);
    const key = await storeCredential(db.prisma, vault, {
      owner: { sessionId: session.id },
      provider: "ANTHROPIC",
      kind: "SUBSCRIPTION",
      secret: `sk-ant-oat01-${"p".repeat(40)}`,
      expiresAt,
    });
    const before = await db.prisma.credential.findUniqueOrThrow({ where: { id: key.id } });
    const query = {
      sessionId: session.id,
      actingUserId: user.id,
      provider: "ANTHROPIC",
      agentKind: "CLAUDE_CODE",
    } as const;
    const at = (client: PrismaClient, time: number): RunResolveDeps => ({
      prisma: client,
      vault,
      systemKeys: {},
      allowSystemKeys: false,
      now: () => new Date(time),
    });

    expect(directPoolOf(prisma)).toBeUndefined();
    const first = await resolveForRun(at(prisma, expiresAt.getTime() - 1_000), query);
    expect(directPoolOf(prisma)).toBeDefined();
    expect(first.secret).toBe(key.secret);
    expect(first.resolution).toMatchObject({ source: "SESSION", credentialId: key.id });

    // The inline stamp writes back the updatedAt it read: unchanged to the millisecond.
    const after = await db.prisma.credential.findUniqueOrThrow({ where: { id: key.id } });
    expect(after.updatedAt).toEqual(before.updatedAt);
    expect(after.lastUsedAt).toEqual(new Date(expiresAt.getTime() - 1_000));

    // A wrapper registered with directThrough (as the worker's outage wait is) runs the read.
    let wrapped = 0;
    const wrapper = new Proxy(prisma, {});
    directThrough(wrapper, prisma, async (call) => {
      wrapped += 1;
      return call();
    });
    const viaWrapper = await resolveForRun(at(wrapper, expiresAt.getTime() - 1_000), query);
    expect(viaWrapper).toEqual(first);
    expect(wrapped).toBe(1);

    // A second past its expiry it is refused, and the refusal names the stored instant.
    const refused = await resolveForRun(at(prisma, expiresAt.getTime() + 1_000), query).catch(
      (error: unknown) => error,
    );
    expect(refused).toMatchObject({
      code: "AUTHENTICATION_FAILED",
      details: { credentialId: key.id },
    });
    expect((refused as Error).message).toContain(expiresAt.toISOString());
  });
});
