#!/usr/bin/env node
// Fails when src/gql is not what graphql-codegen makes from today's schema.graphql and
// operations: generates into a temporary folder (formatted by the same prettier hook) and
// compares file by file.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const clientDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const committed = path.join(clientDir, "src", "gql");
const fresh = mkdtempSync(path.join(tmpdir(), "agentry-gql-"));
try {
  const run = spawnSync(
    "npx",
    ["--no-install", "graphql-codegen", "--config", "codegen.ts", "--silent"],
    {
      cwd: clientDir,
      env: { ...process.env, CODEGEN_OUT: `${fresh}/` },
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  if (run.status !== 0) {
    process.stderr.write("codegen-check: graphql-codegen failed (see above)\n");
    process.exit(1);
  }
  const names = new Set([...readdirSync(committed), ...readdirSync(fresh)]);
  const stale = [...names].filter((name) => {
    const read = (dir) => {
      try {
        return readFileSync(path.join(dir, name), "utf8");
      } catch {
        return undefined;
      }
    };
    return read(committed) !== read(fresh);
  });
  if (stale.length > 0) {
    process.stderr.write(
      `codegen-check: client/src/gql is out of date (${stale.join(", ")}); run \`npm run codegen -w @agentry/client\` and commit the result\n`,
    );
    process.exit(1);
  }
  process.stdout.write("codegen-check: client/src/gql matches schema.graphql and the operations\n");
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
