// Locations every script agrees on.
import { fileURLToPath } from "node:url";
import path from "node:path";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const prismaDir = path.join(repoRoot, "prisma");
export const schemaPath = path.join(prismaDir, "schema.prisma");
export const migrationsDir = path.join(prismaDir, "migrations");
export const devKeyPath = path.join(repoRoot, ".local", "encryption.key");

/** The database `npm start` uses when DATABASE_URL is unset (same as prisma/prisma.config.ts). */
export const defaultDatabaseUrl = "postgresql://postgres@127.0.0.1:5432/agentry";
export const defaultRedisUrl = "redis://127.0.0.1:6379";
/** The server that scratch databases are created on (same as @agentry/prisma/testing). */
export const testServerUrl = () =>
  process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
