// Bundles the agent into one ESM file that runs with plain `node` and no node_modules: it is
// copied into agent container images (as /opt/agentry/agent.mjs) and run once per message.
import { build, context } from "esbuild";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const coreSource = fileURLToPath(new URL("../core/src/", import.meta.url));

// @agentry/core's index re-exports everything (logger, pricing catalogue, …) while the agent
// uses only the wire protocol: declaring core's modules free of side effects lets esbuild drop
// the unused ones (and pino, genai-prices with them) instead of bundling them.
const coreWithoutSideEffects = {
  name: "core-without-side-effects",
  setup(build) {
    build.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData?.fromCorePlugin) return undefined;
      const inCore = args.importer.startsWith(coreSource) || args.path === "@agentry/core";
      if (!inCore) return undefined;
      const result = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: { fromCorePlugin: true },
      });
      if (result.errors.length > 0) return { errors: result.errors };
      return result.path.startsWith(coreSource)
        ? { path: result.path, sideEffects: false }
        : result;
    });
  },
};

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
    plugins: [coreWithoutSideEffects],
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
