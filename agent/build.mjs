// Bundles the agent into one ESM file that runs with plain `node` and no node_modules, and its
// resident host (agent-host.mjs, beside it) likewise: both are copied into agent container images
// (/opt/agentry/), where the host is the container's main process and keeps the agent loaded.
import { build, context } from "esbuild";
import { rename } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
/**
 * Builds `src/main.ts` into `outfile` (default `dist/agent.mjs`) and the host into `hostOutfile`
 * (default `agent-host.mjs` beside `outfile`; written aside and renamed into place, so a runtime
 * reading it never sees half a file); returns the agent's esbuild result.
 */
export async function buildAgentBundle({ outfile = `${here}dist/agent.mjs`, hostOutfile } = {}) {
  const [result] = await Promise.all([
    build(options(outfile)),
    buildAgentHost({ outfile: hostOutfile ?? join(dirname(outfile), "agent-host.mjs") }),
  ]);
  return result;
}

/** Builds the host alone (`src/host/host-main.ts`, dependency-free and small) into `outfile`. */
export async function buildAgentHost({ outfile = `${here}dist/agent-host.mjs` } = {}) {
  const aside = `${outfile}.${process.pid}.tmp`;
  await build(options(aside, `${here}src/host/host-main.ts`));
  await rename(aside, outfile);
}

function options(outfile, entryPoint = `${here}src/main.ts`) {
  return {
    entryPoints: [entryPoint],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // Some dependencies are CommonJS and call require() for Node built-ins.
    banner: {
      js: 'import { createRequire as __agentryCreateRequire } from "node:module"; const require = __agentryCreateRequire(import.meta.url);',
    },
    // Keep the dependencies' license notices with the code that ships.
    legalComments: "eof",
    sourcemap: false,
    metafile: true,
    logLevel: "warning",
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes("--watch")) {
    const agent = await context(options(`${here}dist/agent.mjs`));
    const host = await context(
      options(`${here}dist/agent-host.mjs`, `${here}src/host/host-main.ts`),
    );
    await Promise.all([agent.watch(), host.watch()]);
  } else {
    await buildAgentBundle();
  }
}
