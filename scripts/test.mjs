#!/usr/bin/env node
// `npm test`: everything CI checks, in one command, ending with a one-line summary.
// Phases after the Prisma client is generated all run even when one fails, so one run reports
// every kind of failure.
import { spawn } from "node:child_process";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import readline from "node:readline";
import { repoRoot } from "./lib/paths.mjs";

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
  // The worker's runtime tests and the system tests run the real agent bundle.
  {
    name: "agent bundle",
    required: true,
    command: ["npm", ["run", "build", "-w", "@agentry/agent"]],
  },
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
  // A step of its own (not in the client's test script): a stale src/gql must not keep the
  // browser tests from running and reporting what else is wrong.
  { name: "client codegen", command: ["node", ["client/scripts/codegen-check.mjs"]] },
  { name: "migration drift", command: ["node", ["scripts/check-migration-drift.mjs"]] },
];

/** Every workspace's src/ (the workspaces that exist in this checkout). */
async function sourceDirs() {
  const candidates = ["core", "prisma", "api", "worker", "client", "agent", "bench"];
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

// Vitest's per-workspace totals ("Test Files  1 failed | 9 passed (10)", then "Tests  3 failed |
// 120 passed | 2 skipped (125)"), summed. A file that fails to load counts as a failure too.
const counts = { passed: 0, failed: 0, skipped: 0 };
// Keyed by turbo's task prefix: two tasks' output may interleave.
const failedFiles = new Map();
const ansi = /\x1b\[[0-9;]*m/g;
function tally(text) {
  const found = { passed: 0, failed: 0, skipped: 0 };
  for (const part of text.split("|")) {
    const [, n, what] = /(\d+)\s+(\w+)/.exec(part) ?? [];
    if (what === "passed" || what === "failed") found[what] += Number(n);
    else if (what === "skipped" || what === "todo") found.skipped += Number(n);
  }
  return found;
}
function countTests(line) {
  const match = /^(\S+: )?\s*(Test Files|Tests)\s+(.+)\(\d+\)\s*$/.exec(line.replace(ansi, ""));
  if (!match) return;
  const [, task = "", kind, totals] = match;
  const found = tally(totals);
  if (kind === "Test Files") {
    failedFiles.set(task, found.failed);
    return;
  }
  counts.passed += found.passed;
  counts.skipped += found.skipped;
  counts.failed += Math.max(found.failed, failedFiles.get(task) ?? 0);
  failedFiles.delete(task);
}

/** Runs a phase with its output shown as it comes and scanned for test totals. */
function stream(command, args, cwd) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    for (const [from, to] of [
      [child.stdout, process.stdout],
      [child.stderr, process.stderr],
    ]) {
      readline.createInterface({ input: from, crlfDelay: Infinity }).on("line", (line) => {
        to.write(`${line}\n`);
        countTests(line);
      });
    }
    child.on("error", (error) => {
      process.stderr.write(`could not run ${command}: ${error.message}\n`);
      resolve(1);
    });
    child.on("close", (code) => resolve(code ?? 1));
  });
}

const results = [];
const started = Date.now();
for (const phase of phases) {
  const [command, args] = phase.command;
  process.stdout.write(`\n=== ${phase.name}: ${[command, ...args].join(" ")}\n`);
  const t0 = Date.now();
  const code = await stream(command, args, path.join(repoRoot, phase.cwd ?? ""));
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
// Files that failed where vitest printed no test totals ("Tests  no tests").
for (const n of failedFiles.values()) counts.failed += n;
// The totals on a line of their own (the form CI reads), then the verdict as the last line.
process.stdout.write(
  `\ntests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`,
);
process.stdout.write(`npm test: ${verdict} in ${seconds(Date.now() - started)} — ${detail}\n`);
process.exitCode = failed.length ? 1 : 0;
