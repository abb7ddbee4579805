import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createPrismaClient,
  directRows,
  directStatement,
  directThrough,
  directTransaction,
} from "../src/index.js";
import { createTestDatabase, type TestDatabase } from "../src/testing.js";

// directRows runs a named statement on the client's pg pool: connecting the client when it has
// not yet, prepared under a name that changes with its text, and through a wrapper's hook.

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase("prisma_direct_sql");
});
afterAll(async () => {
  await db.drop();
});

describe("directRows", () => {
  it("connects a fresh client, and reads pg's types (a UTC timestamp read AT TIME ZONE 'UTC' as that instant)", async () => {
    const prisma = createPrismaClient(db.url, { poolSize: 1 });
    try {
      const rows = await directRows<{ n: number; big: string; at: Date }>(
        prisma,
        directStatement(
          "probe",
          `SELECT $1::int AS n, $2::bigint::text AS big,
             ('2026-11-30 10:00:00'::timestamp AT TIME ZONE 'UTC') AS at`,
        ),
        [7, "9007199254740993"],
      );
      expect(rows).toEqual([
        { n: 7, big: "9007199254740993", at: new Date("2026-11-30T10:00:00.000Z") },
      ]);
    } finally {
      await prisma.$disconnect();
    }
  });

  it("names a statement after its text, so a connection never runs an older text under a name", async () => {
    const first = directStatement("same", "SELECT 1 AS one");
    const second = directStatement("same", "SELECT 2 AS one");
    expect(first.name).not.toBe(second.name);
    expect(directStatement("same", "SELECT 1 AS one")).toEqual(first);
    const prisma = createPrismaClient(db.url, { poolSize: 1 });
    try {
      expect(await directRows(prisma, first, [])).toEqual([{ one: 1 }]);
      expect(await directRows(prisma, second, [])).toEqual([{ one: 2 }]);
      expect(await directRows(prisma, first, [])).toEqual([{ one: 1 }]);
    } finally {
      await prisma.$disconnect();
    }
  });

  it("runs a wrapper's statements on the wrapped client's pool, through the wrapper's hook", async () => {
    const prisma = createPrismaClient(db.url, { poolSize: 1 });
    const wrapper = new Proxy(prisma, {});
    const calls: string[] = [];
    directThrough(wrapper, prisma, async (call) => {
      calls.push("around");
      return call();
    });
    try {
      const rows = await directRows(wrapper, directStatement("wrapped", "SELECT 3 AS three"), []);
      expect(rows).toEqual([{ three: 3 }]);
      expect(calls).toEqual(["around"]);
    } finally {
      await prisma.$disconnect();
    }
  });

  it("runs a transaction's statements on one connection: committed when the work returns, rolled back when it throws", async () => {
    const prisma = createPrismaClient(db.url, { poolSize: 2 });
    const write = directStatement("tx_write", "INSERT INTO tx_probe (n) VALUES ($1::int)");
    const count = directStatement("tx_count", "SELECT count(*)::int AS n FROM tx_probe");
    try {
      await prisma.$executeRawUnsafe("CREATE TABLE tx_probe (n int)");
      const seen = await directTransaction(prisma, async (run) => {
        await run(write, [1]);
        return run<{ n: number }>(count, []);
      });
      expect(seen).toEqual([{ n: 1 }]);
      await expect(
        directTransaction(prisma, async (run) => {
          await run(write, [2]);
          throw new Error("changed its mind");
        }),
      ).rejects.toThrow("changed its mind");
      expect(await directRows(prisma, count, [])).toEqual([{ n: 1 }]);
    } finally {
      await prisma.$disconnect();
    }
  });

  it("refuses a client that createPrismaClient did not make, saying so", async () => {
    const stranger = { $connect: () => Promise.resolve() };
    await expect(directRows(stranger, directStatement("stranger", "SELECT 1"), [])).rejects.toThrow(
      /createPrismaClient/,
    );
  });
});
