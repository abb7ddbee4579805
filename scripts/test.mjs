#!/usr/bin/env node
// `npm test`: everything CI checks, in one command, ending with a one-line summary.
// Phases after the Prisma client is generated all run even when one fails, so one run reports
// every kind of failure.
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { repoRoot } from "./lib/paths.mjs";
import { run } from "./lib/run.mjs";

// Two cores here: a type-checker and a vitest pool at a time. Database tests may overlap;
// each file makes its own database.
const concurrency = process.env.TEST_CONCURRENCY ?? "2";
const env = {
  ...process.env,
  TURBO_TELEMETRY_DISABLED: "1",
  TURBO_NO_UPDATE_NOTIFIER: "1",
  CHECKPOINT_DISABLE: "1",
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
};
const npx = (...args) => ["npx", ["--no-install", ...args]];

const phases = [
  { name: "prisma generate", required: true, command: npx("prisma", "generate"), cwd: "prisma" },
  {
    name: "typecheck+lint+test",
    command: npx(
      "turbo",
      "run",
      "typecheck",
      "lint",
      "test",
      `--concurrency=${concurrency}`,
      "--continue",
    ),
  },
  { name: "prettier", command: npx("prettier", "--check", "--log-level=warn", ".") },
  {
    name: "circular imports",
    command: npx("madge", "--circular", ...(await sourceDirs())),
  },
  { name: "schema drift", command: ["node", ["scripts/check-schema-drift.mjs"]] },
  { name: "migration drift", command: ["node", ["scripts/check-migration-drift.mjs"]] },
];

/** Every workspace's src/ (the workspaces that exist in this checkout). */
async function sourceDirs() {
  const candidates = ["core", "prisma", "api", "worker", "client", "agent"];
  const tools = await readdir(path.join(repoRoot, "tools")).catch(() => []);
  candidates.push(...tools.map((tool) => `tools/${tool}`));
  const dirs = [];
  for (const ws of candidates) {
    const src = `${ws}/src`;
    if (
      await stat(path.join(repoRoot, src)).then(
        (s) => s.isDirectory(),
        () => false,
      )
    )
      dirs.push(src);
  }
  return dirs;
}

const seconds = (ms) => {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
};

const results = [];
const started = Date.now();
for (const phase of phases) {
  const [command, args] = phase.command;
  process.stdout.write(`\n=== ${phase.name}: ${[command, ...args].join(" ")}\n`);
  const t0 = Date.now();
  const { code } = await run(command, args, {
    cwd: path.join(repoRoot, phase.cwd ?? ""),
    env,
    capture: false,
    allowFailure: true,
  });
  const result = { name: phase.name, ok: code === 0, ms: Date.now() - t0 };
  results.push(result);
  process.stdout.write(
    `=== ${phase.name}: ${result.ok ? "ok" : "FAILED"} (${seconds(result.ms)})\n`,
  );
  if (!result.ok && phase.required) break;
}

const failed = results.filter((r) => !r.ok);
const skipped = phases.length - results.length;
const detail = results
  .map((r) => `${r.name} ${r.ok ? "ok" : "FAILED"} ${seconds(r.ms)}`)
  .join(", ");
const verdict = failed.length
  ? `FAILED (${failed.map((r) => r.name).join(", ")}${skipped ? `; ${skipped} phase(s) not run` : ""})`
  : "PASSED";
process.stdout.write(`\nnpm test: ${verdict} in ${seconds(Date.now() - started)} — ${detail}\n`);
process.exitCode = failed.length ? 1 : 0;
