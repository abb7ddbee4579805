import { randomBytes } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { createPrismaClient, type PrismaClient } from "./index.js";

const migrationsDir = fileURLToPath(new URL("../migrations/", import.meta.url));

/** The server that test databases are created on (the machine's local Postgres by default). */
export const testServerUrl = (): string =>
  process.env["TEST_DATABASE_URL"] ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export interface TestDatabase {
  readonly url: string;
  readonly prisma: PrismaClient;
  /** Disconnects and drops the database. */
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /**
   * Stop before this migration (its folder name, e.g. `20261130154314_session_usage_hours`):
   * to write rows as an older schema held them, then see what the migration makes of them
   * (`applyMigrations(db.url, { from: before })`).
   */
  readonly before?: string;
}

/** Applies the migrations in [from, before) by folder name (all by default), in order. */
export async function applyMigrations(
  url: string,
  range: { readonly from?: string | undefined; readonly before?: string | undefined } = {},
): Promise<void> {
  const accept = (dir: string) =>
    (range.from === undefined || dir >= range.from) &&
    (range.before === undefined || dir < range.before);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const dirs = (await readdir(migrationsDir, { withFileTypes: true }))
      .filter((d) => d.isDirectory() && accept(d.name))
      .map((d) => d.name)
      .sort();
    for (const dir of dirs) {
      await client.query(await readFile(`${migrationsDir}${dir}/migration.sql`, "utf8"));
    }
  } finally {
    await client.end();
  }
}

/**
 * A fresh database with every migration applied, unique per call so test files run in
 * parallel. The SQL is applied directly (the same files `prisma migrate deploy` runs; the CI
 * drift check runs the real command).
 */
export async function createTestDatabase(
  prefix = "agentry_test",
  options: TestDatabaseOptions = {},
): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const server = new URL(testServerUrl());
  const admin = new pg.Client({ connectionString: server.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const dbUrl = new URL(server.toString());
  dbUrl.pathname = `/${name}`;
  const url = dbUrl.toString();

  await applyMigrations(url, { before: options.before });

  const prisma = createPrismaClient(url, { poolSize: 5 });
  return {
    url,
    prisma,
    async drop() {
      await prisma.$disconnect();
      const drop = new pg.Client({ connectionString: server.toString() });
      await drop.connect();
      try {
        await drop.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await drop.end();
      }
    },
  };
}
