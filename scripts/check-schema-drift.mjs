#!/usr/bin/env node
// Fails when the committed schema.graphql differs from the schema the api's code emits, so
// API consumers and the client's generated types never see a schema nobody committed.
import { access, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { repoRoot } from "./lib/paths.mjs";
import { run } from "./lib/run.mjs";

const apiDir = path.join(repoRoot, "api");
// Where `npm run schema:emit` writes it (api/src/emit-schema.ts's default).
const committed = path.join(repoRoot, "schema.graphql");

async function main() {
  try {
    await access(committed);
  } catch {
    fail("schema drift: schema.graphql is not committed; run `npm run schema:emit` and commit it.");
    return;
  }

  const tmp = await mkdtemp(path.join(tmpdir(), "agentry-schema-"));
  try {
    const emitted = path.join(tmp, "schema.graphql");
    // From api/, so tsx reads the api's tsconfig (decorators).
    await run("npx", ["--no-install", "tsx", "src/emit-schema.ts", emitted], { cwd: apiDir });
    const [want, have] = await Promise.all([
      readFile(emitted, "utf8"),
      readFile(committed, "utf8"),
    ]);
    if (want === have) {
      console.log("schema drift: none (schema.graphql matches the api's code)");
      return;
    }
    const { stdout } = await run(
      "diff",
      [
        "-u",
        "--label",
        "schema.graphql (committed)",
        committed,
        "--label",
        "emitted from api/src",
        emitted,
      ],
      {
        allowFailure: true,
      },
    );
    console.error(stdout);
    fail("schema drift: schema.graphql is out of date; run `npm run schema:emit` and commit it.");
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

function fail(message) {
  console.error(message);
  process.exitCode = 1;
}

main().catch((error) => {
  console.error(`schema drift check failed to run: ${error.message ?? error}`);
  process.exitCode = 1;
});
