import { describe, expect, it } from "vitest";
import { createTestDatabase } from "../src/testing.js";

describe("createTestDatabase", () => {
  it("gives a migrated database that Prisma can write to, and drops it", async () => {
    const db = await createTestDatabase();
    const user = await db.prisma.user.create({
      data: { email: "a@example.test", passwordHash: "x" },
    });
    expect(await db.prisma.user.findUnique({ where: { id: user.id } })).toMatchObject({
      role: "USER",
    });
    await db.drop();
  });
});
