import { PrismaPg } from "@prisma/adapter-pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrismaClient } from "../generated/client.js";
import { createPrismaClient, directPoolOf } from "../src/index.js";
import { createTestDatabase, type TestDatabase } from "../src/testing.js";

// directPoolOf hands a hot read the pg pool the client's adapter already holds: never a second
// pool, only while the client is connected, and the new pool after a reconnect.

let db: TestDatabase;

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
      const order: string[] = [];
      let release = (): void => undefined;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let began = (): void => undefined;
      const begun = new Promise<void>((resolve) => {
        began = resolve;
      });
      const transaction = prisma.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT 1`;
        began();
        await held;
        order.push("transaction ends");
      });
      await begun;
      const direct = first?.query({ text: "SELECT 2 AS two" }).then(({ rows }) => {
        order.push("direct query answers");
        return rows;
      });
      setTimeout(release, 200);
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
