#!/usr/bin/env node
// `npm run migration:new -- <name>`: writes the SQL that takes the schema committed at HEAD to
// the working prisma/schema.prisma. Prisma's `migrate dev` cannot run here (it needs a shadow
// database the pg adapter cannot provide; see the platform notes), so the migration is made
// from two schema files and checked in CI against a real database by check-migration-drift.
import { mkdtemp, mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { migrationsDir, repoRoot, schemaPath, testServerUrl } from "./lib/paths.mjs";
import { isEmptyScript, prisma } from "./lib/prisma.mjs";
import { run } from "./lib/run.mjs";

const NAME = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
const USAGE =
  "usage: npm run migration:new -- <name> [--from <git revision>]\n" +
  "  <name>: snake_case, starting with a letter, at most 60 characters (e.g. add_session_budget)\n" +
  "  --from: the commit whose schema.prisma the migrations already build (default HEAD)";

async function main() {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { from: { type: "string" } } });
  } catch (error) {
    fail(`${error.message}\n${USAGE}`);
  }
  const { positionals, values } = parsed;
  const [name] = positionals;
  const base = values.from ?? "HEAD";
  if (!name || positionals.length > 1 || !NAME.test(name) || name.length > 60) fail(USAGE);

  const pending = await uncommittedMigrations();
  if (pending.length) {
    fail(
      `uncommitted migration(s): ${pending.join(", ")}.\n` +
        "The new migration is the difference from the schema at HEAD, so it would repeat them. " +
        "Commit them (with the schema change they belong to) first, or delete them and run again.",
    );
  }

  const tmp = await mkdtemp(path.join(tmpdir(), "agentry-migration-"));
  try {
    const baseSchema = await schemaAt(base);
    const from = ["--from-empty"];
    if (baseSchema !== undefined) {
      const file = path.join(tmp, "schema-at-base.prisma");
      await writeFile(file, baseSchema);
      from.splice(0, 1, "--from-schema-datamodel", file);
    }
    // The CLI reads only the two files, but the schema's env("DATABASE_URL") must resolve.
    const { stdout: sql } = await prisma(
      ["migrate", "diff", ...from, "--to-schema-datamodel", schemaPath, "--script"],
      { databaseUrl: process.env.DATABASE_URL ?? testServerUrl() },
    );
    if (isEmptyScript(sql)) {
      fail(
        `prisma/schema.prisma does not differ from ${base}: there is nothing to migrate.\n` +
          "If the schema change is already committed without its migration, name the commit " +
          "before it: --from <revision> (the last migration's commit is " +
          "`git log -1 --format=%h -- prisma/migrations`).",
      );
    }

    const dir = path.join(migrationsDir, `${await nextTimestamp()}_${name}`);
    await mkdir(dir);
    const file = path.join(dir, "migration.sql");
    await writeFile(file, sql);
    console.log(`wrote ${path.relative(repoRoot, file)}`);
    console.log(
      "Review it (renames show up as drop + add), then apply it with `npm run db:migrate`.",
    );
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** The schema at a revision; undefined when the revision has none (then from empty). */
async function schemaAt(revision) {
  const relative = path.relative(repoRoot, schemaPath);
  const resolved = await run("git", ["rev-parse", "--verify", "--quiet", `${revision}^{commit}`], {
    cwd: repoRoot,
    allowFailure: true,
  });
  if (resolved.code !== 0) {
    // A repository without commits yet starts from empty; a mistyped --from must not.
    if (revision === "HEAD") return undefined;
    fail(`--from ${revision}: no such commit`);
  }
  const { code, stdout } = await run("git", ["show", `${revision}:${relative}`], {
    cwd: repoRoot,
    allowFailure: true,
  });
  return code === 0 ? stdout : undefined;
}

async function uncommittedMigrations() {
  const relative = path.relative(repoRoot, migrationsDir);
  const { stdout } = await run(
    "git",
    ["status", "--porcelain", "--untracked-files=all", "--", relative],
    {
      cwd: repoRoot,
    },
  );
  const dirs = stdout
    .split("\n")
    .filter(Boolean)
    .map(
      (line) =>
        line
          .slice(3)
          .slice(relative.length + 1)
          .split("/")[0],
    );
  return [...new Set(dirs)];
}

/** UTC yyyymmddhhmmss, later than every existing migration so the order is kept. */
async function nextTimestamp() {
  const stamp = (date) => date.toISOString().replace(/\D/g, "").slice(0, 14);
  const existing = (await readdir(migrationsDir).catch(() => []))
    .map((entry) => entry.slice(0, 14))
    .filter((prefix) => /^\d{14}$/.test(prefix))
    .sort();
  const latest = existing.at(-1);
  let now = new Date();
  while (latest !== undefined && stamp(now) <= latest) now = new Date(now.getTime() + 1000);
  return stamp(now);
}

function fail(message) {
  console.error(message);
  process.exit(1);
}

main().catch((error) => {
  console.error(error.message ?? error);
  process.exit(1);
});
