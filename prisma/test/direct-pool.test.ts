import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrismaClient } from "../generated/client.js";
import { createPrismaClient, directPoolOf } from "../src/index.js";
import { createTestDatabase, type TestDatabase } from "../src/testing.js";

// directPoolOf hands a hot read the pg pool the client's adapter already holds: never a second
// pool, only while the client is connected, and the new pool after a reconnect.

let db: TestDatabase;

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

beforeAll(async () => {
  db = await createTestDatabase("prisma_direct_pool");
});
afterAll(async () => {
  await db.drop();
});

describe("directPoolOf", () => {
  it("is the client's own pool: none before it connects, none once it disconnects, the new one after", async () => {
    const prisma = createPrismaClient(db.url, { poolSize: 1 });
    try {
      expect(directPoolOf(prisma)).toBeUndefined();
      await prisma.$queryRaw`SELECT 1`;
      const first = directPoolOf(prisma);
      expect(first).toBeDefined();

      // One connection in all: while a transaction holds it, a direct query waits for it.
      const held = deferred();
      const begun = deferred();
      const order: string[] = [];
      const transaction = prisma.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT 1`;
        begun.resolve();
        await held.promise;
        order.push("transaction ends");
      });
      await begun.promise;
      const direct = first?.query({ text: "SELECT 2 AS two" }).then(({ rows }) => {
        order.push("direct query answers");
        return rows;
      });
      expect((first as pg.Pool).waitingCount).toBe(1);
      held.resolve();
      await transaction;
      expect(await direct).toEqual([{ two: 2 }]);
      expect(order).toEqual(["transaction ends", "direct query answers"]);

      await prisma.$disconnect();
      expect(directPoolOf(prisma)).toBeUndefined();
      await prisma.$queryRaw`SELECT 1`;
      const second = directPoolOf(prisma);
      expect(second).toBeDefined();
      expect(second).not.toBe(first);
      expect((await second?.query({ text: "SELECT 3 AS three" }))?.rows).toEqual([{ three: 3 }]);
    } finally {
      await prisma.$disconnect();
    }
  });

  it("is undefined for a client createPrismaClient did not make", async () => {
    const prisma = new PrismaClient({
      adapter: new PrismaPg({ connectionString: db.url, max: 1 }),
    });
    try {
      await prisma.$queryRaw`SELECT 1`;
      expect(directPoolOf(prisma)).toBeUndefined();
    } finally {
      await prisma.$disconnect();
    }
  });
});
