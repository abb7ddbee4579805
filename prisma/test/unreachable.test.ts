import { createServer } from "node:net";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient, isDatabaseUnreachable } from "../src/index.js";
import { createTestDatabase, type TestDatabase } from "../src/testing.js";

// What counts as "the database is out of reach" (callers wait or answer UNAVAILABLE) and what
// is a query that failed (a bug, or bad data): the errors come from the real driver.

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase("prisma_unreachable");
});
afterAll(async () => {
  await db.drop();
});

async function refusedUrl(): Promise<string> {
  const probe = createServer().listen(0, "127.0.0.1");
  await once(probe, "listening");
  const address = probe.address();
  probe.close();
  await once(probe, "close");
  if (address === null || typeof address === "string") throw new Error("no port");
  return `postgresql://postgres@127.0.0.1:${address.port}/nothing`;
}

const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => error,
  );

describe("isDatabaseUnreachable", () => {
  it("is true for a server that refuses connections", async () => {
    const client = createPrismaClient(await refusedUrl());
    const error = await failure(client.$queryRaw`SELECT 1`);
    await client.$disconnect();
    expect(isDatabaseUnreachable(error)).toBe(true);
  });

  it("is true for a query whose connection the server ends (a shutdown, a failover)", async () => {
    const client = createPrismaClient(db.url, { poolSize: 1 });
    const [{ pid }] = await client.$queryRaw<[{ pid: number }]>`SELECT pg_backend_pid() AS pid`;
    const running = failure(client.$queryRaw`SELECT pg_sleep(10)`);
    // Ended from another connection, as a shutdown ends every backend.
    await db.prisma.$queryRaw`SELECT pg_terminate_backend(${pid}::int)`;
    const error = await running;
    await client.$disconnect();
    expect(isDatabaseUnreachable(error)).toBe(true);
  });

  it("is false for queries that failed on their own: a broken rule, bad SQL", async () => {
    const email = "twice@example.test";
    await db.prisma.user.create({ data: { email, passwordHash: "x" } });
    const duplicate = await failure(db.prisma.user.create({ data: { email, passwordHash: "x" } }));
    const syntax = await failure(db.prisma.$queryRawUnsafe("SELEC 1"));
    expect([isDatabaseUnreachable(duplicate), isDatabaseUnreachable(syntax)]).toEqual([
      false,
      false,
    ]);
  });
});
