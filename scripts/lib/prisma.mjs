// The Prisma CLI as this repo must run it: from prisma/ (where prisma.config.ts selects the JS
// engine and the pg adapter) and with DATABASE_URL resolvable (see the platform notes).
import { run } from "./run.mjs";
import { prismaDir } from "./paths.mjs";

/**
 * @param {string[]} args  e.g. ["migrate", "deploy"]
 * @param {{ databaseUrl?: string, capture?: boolean }} [options]
 */
export function prisma(args, { databaseUrl, capture = true } = {}) {
  const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  return run("npx", ["--no-install", "prisma", ...args], { cwd: prismaDir, env, capture });
}

/** True when a `migrate diff --script` output holds no statement (only comments and blanks). */
export function isEmptyScript(sql) {
  return sql
    .split("\n")
    .map((line) => line.trim())
    .every((line) => line === "" || line.startsWith("--"));
}
