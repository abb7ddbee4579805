import { PrismaPg } from "@prisma/adapter-pg";
import type { PrismaConfig } from "prisma";

// The JS engine and the pg adapter: Prisma's native engines cannot be downloaded here
// (see ../shared/notes/platform.md). The schema's env("DATABASE_URL") must resolve too, or the
// CLI falls back to downloading engines, so the local default is filled in here.
process.env["DATABASE_URL"] ??= "postgresql://postgres@127.0.0.1:5432/agentry";
const connectionString = process.env["DATABASE_URL"];

export default {
  experimental: { adapter: true },
  engine: "js",
  schema: "schema.prisma",
  // allowExitOnIdle: the CLI exits when done instead of waiting for idle pool connections.
  adapter: async () => new PrismaPg({ connectionString, allowExitOnIdle: true }),
} satisfies PrismaConfig;
