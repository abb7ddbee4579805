// Bundles the agent into one ESM file that runs with plain `node` and no node_modules: it is
// copied into agent container images (as /opt/agentry/agent.mjs) and run once per message.
import { build, context } from "esbuild";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
/** Builds `src/main.ts` into `outfile` (default `dist/agent.mjs`); returns the esbuild result. */
export async function buildAgentBundle({ outfile = `${here}dist/agent.mjs` } = {}) {
  return build(options(outfile));
}

function options(outfile) {
  return {
    entryPoints: [`${here}src/main.ts`],
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
    const ctx = await context(options(`${here}dist/agent.mjs`));
    await ctx.watch();
  } else {
    await buildAgentBundle();
  }
}
