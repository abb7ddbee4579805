#!/usr/bin/env node
// Fails when prisma/migrations does not build the schema that prisma/schema.prisma describes.
// No shadow database (the pg adapter cannot make one; see the platform notes): the migrations
// go into one scratch database through the real `prisma migrate deploy`, the schema's
// from-empty script into another, and the two `pg_dump --schema-only` outputs are compared.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { schemaPath, testServerUrl } from "./lib/paths.mjs";
import { createScratchDatabase, execScript } from "./lib/pg.mjs";
import { prisma } from "./lib/prisma.mjs";
import { run } from "./lib/run.mjs";

async function main() {
  const server = testServerUrl();
  const [fromMigrations, fromSchema] = await Promise.all([
    createScratchDatabase(server, "agentry_drift_migrations"),
    createScratchDatabase(server, "agentry_drift_schema"),
  ]);
  const tmp = await mkdtemp(path.join(tmpdir(), "agentry-drift-"));
  try {
    const [, script] = await Promise.all([
      prisma(["migrate", "deploy"], { databaseUrl: fromMigrations.url }),
      prisma(["migrate", "diff", "--from-empty", "--to-schema-datamodel", schemaPath, "--script"], {
        databaseUrl: fromSchema.url,
      }),
    ]);
    await execScript(fromSchema.url, script.stdout);

    const [a, b] = await Promise.all([dumpSchema(fromMigrations.url), dumpSchema(fromSchema.url)]);
    if (a === b) {
      console.log("migration drift: none (prisma/migrations builds prisma/schema.prisma)");
      return;
    }
    const left = path.join(tmp, "from-migrations.sql");
    const right = path.join(tmp, "from-schema.sql");
    await Promise.all([writeFile(left, a), writeFile(right, b)]);
    const { stdout } = await run("diff", ["-u", left, right], { allowFailure: true });
    console.error(stdout);
    console.error(
      "migration drift: prisma/migrations does not build prisma/schema.prisma (diff above: " +
        "- from the migrations, + from the schema).\n" +
        "Add a migration with `npm run migration:new -- <name>`; never edit an applied one.",
    );
    process.exitCode = 1;
  } finally {
    await rm(tmp, { recursive: true, force: true });
    await Promise.allSettled([fromMigrations.drop(), fromSchema.drop()]);
  }
}

async function dumpSchema(url) {
  const { stdout } = await run("pg_dump", [
    "--schema-only",
    "--no-owner",
    "--no-privileges",
    "--no-comments",
    "--exclude-table=public._prisma_migrations",
    `--dbname=${url}`,
  ]);
  return normalize(stdout);
}

/**
 * Drops what says nothing about the schema (comments, blank lines, psql's per-dump
 * \restrict key) and sorts the members of each CREATE TABLE / CREATE TYPE … ENUM block: a column
 * added by a later migration lands last in the table, and an enum value added by ALTER TYPE
 * lands last in the type, where the from-empty script follows schema order; neither matters to
 * Prisma.
 */
export function normalize(dump) {
  const out = [];
  let block;
  for (const raw of dump.split("\n")) {
    const line = raw.trimEnd();
    if (line === "" || line.startsWith("--") || /^\\(un)?restrict\b/.test(line)) continue;
    if (block) {
      if (/^\);?$/.test(line)) {
        out.push(...block.map((member) => member.replace(/,$/, "")).sort(), line);
        block = undefined;
      } else {
        block.push(line);
      }
      continue;
    }
    out.push(line);
    if (/^CREATE (TABLE|TYPE) .*\($/.test(line)) block = [];
  }
  return `${out.join("\n")}\n`;
}

main().catch((error) => {
  console.error(`migration drift check failed to run: ${error.message ?? error}`);
  process.exitCode = 1;
});
