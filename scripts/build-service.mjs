#!/usr/bin/env node
// `npm run build -w @agentry/api` (and the worker's): bundles the workspace for production
// (scripts/lib/service-build.mjs). With --check it builds nothing: it exits 1, saying which
// sources changed, when the build is missing or older than its sources (the workspace's
// `npm start` runs it first, so a stale build never starts silently).
import { parseArgs } from "node:util";
import { buildService, staleInputs } from "./lib/service-build.mjs";

const { values, positionals } = parseArgs({
  options: { check: { type: "boolean", default: false } },
  allowPositionals: true,
});
if (positionals.length === 0) {
  process.stderr.write("usage: build-service.mjs [--check] <workspace>...\n");
  process.exit(2);
}

for (const workspace of positionals) {
  if (values.check) {
    const reasons = await staleInputs(workspace);
    if (reasons.length === 0) continue;
    const shown = reasons.slice(0, 5).join(", ") + (reasons.length > 5 ? ", …" : "");
    process.stderr.write(
      `${workspace}: the build is out of date with its sources (${shown}). ` +
        `Run \`npm run build -w @agentry/${workspace}\` (\`npm start\` at the root builds it).\n`,
    );
    process.exitCode = 1;
  } else {
    const started = performance.now();
    const { outfile, inputs } = await buildService(workspace);
    const ms = Math.round(performance.now() - started);
    process.stdout.write(`${workspace}: built ${outfile} from ${inputs} files in ${ms} ms\n`);
  }
}
