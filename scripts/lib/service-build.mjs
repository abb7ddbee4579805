// The production build of the api and the worker: a workspace's `src/main.ts`, with the
// workspace sources it imports (core, prisma and its generated client: TypeScript), bundled by
// esbuild into `<workspace>/dist/main.mjs`. Packages from node_modules stay external and load
// from node_modules as they do under tsx (BullMQ reads its Lua scripts from its own folder,
// Prisma its WASM compiler, the agent CLIs module its lock file, graphql stays one copy).
//
// esbuild is what tsx runs in development and Vitest in the tests, so production code is
// compiled as the tested code is: type-graphql's decorators the way esbuild compiles them (no
// decorator metadata: every field names its type, as it must under tsx), with the workspace's
// tsconfig applied to every file, as tsx applies its working directory's.
//
// Beside the bundle, `dist/main.inputs.json` records every file it was built from with a hash
// of its content: `staleInputs` compares them with the files now, so a build older than its
// sources is found whatever the files' times say (a checkout, a regenerated Prisma client).
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { repoRoot } from "./paths.mjs";

const MANIFEST_VERSION = 1;
/** Files that shape the output without being imported (relative to the root). */
const SETTINGS_FILES = ["tsconfig.base.json", "scripts/lib/service-build.mjs"];

const esbuildVersion = () => createRequire(import.meta.url)("esbuild/package.json").version;
const slash = (file) => file.split(path.sep).join("/");

/**
 * @typedef {{ root?: string, entry?: string, outfile?: string }} BuildOptions
 * `root`: the monorepo (default this one); `entry`: relative to the workspace (default
 * `src/main.ts`); `outfile`: absolute (default `<workspace>/dist/main.mjs`).
 */

function locate(workspace, { root = repoRoot, entry = "src/main.ts", outfile } = {}) {
  const dir = path.join(root, workspace);
  const out = outfile ?? path.join(dir, "dist", "main.mjs");
  return { root, dir, entry: path.join(dir, entry), outfile: out, manifest: `${out}.inputs.json` };
}

/**
 * Files of Docker's client that load ~10 MB (RSS) the worker never uses: docker-modem's SSH
 * transport (ssh2, which instantiates a WASM module as it loads) and dockerode's BuildKit session
 * and progress decoding (gRPC, protobuf). Both packages require them as they load, so the two are
 * bundled and these files replaced by stand-ins that load the real file from node_modules on
 * first use (DOCKER_HOST=ssh://…, a BuildKit build): same behaviour, cost paid only then.
 * "call": the module is a function, called later; "load": required only where it is used.
 */
const DEFERRED = {
  "docker-modem/lib/ssh.js": "call",
  "dockerode/lib/session.js": "call",
  "dockerode/lib/buildkit.js": "load",
};
const BUNDLED_PACKAGES = new Set(["dockerode", "docker-modem"]);

function deferredStandIn(file, how) {
  const real = JSON.stringify(file);
  if (how === "load") return `module.exports = require(${real});\n`;
  return `let real;\nmodule.exports = function (...args) {\n  real ??= require(${real});\n  return real.apply(this, args);\n};\n`;
}

/**
 * Keeps every bare import external except the workspaces' TypeScript sources (and the Docker
 * client above), and declares core's modules free of side effects (as the agent's build does):
 * core's index re-exports everything, so what a process does not use (the api: the price
 * catalogue) is left out rather than loaded.
 */
function workspaceSources(root) {
  const coreSource = path.join(root, "core", "src") + path.sep;
  return {
    name: "workspace-sources",
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData?.resolving || args.kind === "entry-point") return undefined;
        const bare = /^[^./]/.test(args.path) && !path.isAbsolute(args.path);
        const bundled = args.path.startsWith("@agentry/") || BUNDLED_PACKAGES.has(args.path);
        if (bare && !bundled) return { path: args.path, external: true };
        const result = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: { resolving: true },
        });
        if (result.errors.length > 0) return { errors: result.errors };
        const deferred = Object.keys(DEFERRED).find((file) =>
          slash(result.path).endsWith(`/node_modules/${file}`),
        );
        if (deferred) return { path: deferred, namespace: "deferred" };
        // Plain JavaScript in a workspace (the agent CLIs module) finds files beside itself.
        if (args.path.startsWith("@agentry/") && !/\.[cm]?tsx?$/.test(result.path)) {
          return { path: args.path, external: true };
        }
        return result.path.startsWith(coreSource) ? { ...result, sideEffects: false } : result;
      });
      build.onLoad({ filter: /.*/, namespace: "deferred" }, (args) => ({
        contents: deferredStandIn(args.path, DEFERRED[args.path]),
        loader: "js",
      }));
    },
  };
}

/**
 * Bundles a workspace's entry into its `dist/` and records what it was built from.
 * @param {string} workspace the workspace's folder under the root, e.g. "api"
 * @param {BuildOptions} [options]
 * @returns {Promise<{ outfile: string, inputs: number }>}
 */
export async function buildService(workspace, options = {}) {
  const { build } = await import("esbuild");
  const where = locate(workspace, options);
  const staging = `${where.outfile}.${process.pid}.tmp`;
  const result = await build({
    entryPoints: [where.entry],
    outfile: staging,
    absWorkingDir: where.root,
    tsconfig: path.join(where.dir, "tsconfig.json"),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // Bundling renames clashing top-level names (two files' `PageInfo`); type-graphql names
    // GraphQL types after their classes, so names are kept as written.
    keepNames: true,
    // A CommonJS module among the bundled sources would call require().
    banner: {
      js: 'import { createRequire as __agentryCreateRequire } from "node:module"; const require = __agentryCreateRequire(import.meta.url);',
    },
    // For `node --enable-source-maps`: stack traces that name the TypeScript file and line.
    sourcemap: "linked",
    sourcesContent: false,
    metafile: true,
    logLevel: "warning",
    plugins: [workspaceSources(where.root)],
  });
  // Files only: the stand-ins above have no file of their own.
  const read = Object.keys(result.metafile.inputs).filter((file) => !file.includes(":"));
  const files = new Set([...read, ...SETTINGS_FILES]);
  for (const file of read) for (const setting of settingsOf(file)) files.add(setting);
  const sorted = [...files].sort();
  const hashes = await Promise.all(sorted.map((file) => hashFile(where.root, file)));
  const inputs = Object.fromEntries(sorted.map((file, i) => [file, hashes[i]]));
  await mkdir(path.dirname(where.outfile), { recursive: true });
  await rename(`${staging}.map`, `${where.outfile}.map`);
  await rename(staging, where.outfile);
  // Last: a build interrupted before this line has no manifest, so it counts as stale.
  const manifest = { version: MANIFEST_VERSION, esbuild: esbuildVersion(), inputs };
  await writeFile(where.manifest, `${JSON.stringify(manifest, null, 1)}\n`);
  return { outfile: where.outfile, inputs: Object.keys(inputs).length };
}

/**
 * What else shapes a source: its workspace's tsconfig.json and package.json ("core/src/a.ts"),
 * or its package's package.json, for a bundled package ("node_modules/dockerode/lib/docker.js").
 */
function settingsOf(file) {
  const parts = slash(file).split("/");
  if (parts.length < 2) return [];
  if (parts[0] === "node_modules") {
    const name = parts[1]?.startsWith("@") ? parts.slice(1, 3) : parts.slice(1, 2);
    return [`node_modules/${name.join("/")}/package.json`];
  }
  const dir = parts[0] === "tools" ? parts.slice(0, 2).join("/") : parts[0];
  return [`${dir}/tsconfig.json`, `${dir}/package.json`];
}

async function hashFile(root, relative) {
  try {
    const content = await readFile(path.join(root, relative));
    return createHash("sha256").update(content).digest("base64url");
  } catch (error) {
    if (error.code === "ENOENT") return null;
    throw error;
  }
}

/**
 * Why a workspace's build does not match its sources now: empty when it does; otherwise one
 * line per reason ("not built yet", "core/src/x.ts changed", …).
 * @param {string} workspace
 * @param {BuildOptions} [options]
 * @returns {Promise<string[]>}
 */
export async function staleInputs(workspace, options = {}) {
  const where = locate(workspace, options);
  const shown = (file) => slash(path.relative(where.root, file));
  let manifest;
  try {
    manifest = JSON.parse(await readFile(where.manifest, "utf8"));
  } catch (error) {
    if (error.code === "ENOENT") return ["not built yet"];
    return [`${shown(where.manifest)} is unreadable (${error.message})`];
  }
  if (manifest.version !== MANIFEST_VERSION) return ["built by an older build script"];
  if (manifest.esbuild !== esbuildVersion()) {
    return [`built by esbuild ${manifest.esbuild}, now ${esbuildVersion()}`];
  }
  const reasons = [];
  if ((await hashFile(where.root, shown(where.outfile))) === null) {
    reasons.push(`${shown(where.outfile)} is missing`);
  }
  const recorded = Object.entries(manifest.inputs);
  const now = await Promise.all(recorded.map(([file]) => hashFile(where.root, file)));
  recorded.forEach(([file, hash], i) => {
    if (now[i] !== hash) reasons.push(now[i] === null ? `${file} was removed` : `${file} changed`);
  });
  return reasons;
}

/**
 * Builds the workspace when its build is missing or stale; returns the reasons it built for
 * (empty when the build was current).
 * @param {string} workspace
 * @param {BuildOptions} [options]
 */
export async function buildIfStale(workspace, options = {}) {
  const reasons = await staleInputs(workspace, options);
  if (reasons.length > 0) await buildService(workspace, options);
  return reasons;
}

/**
 * How production runs a build, for memory at idle (README, Decisions; the Dockerfile sets the
 * same): glibc's allocator keeps two arenas and hands freed memory back to the system instead of
 * keeping it for later, and V8's young generation stops growing at 4 MB per semi-space (the
 * default, 16 MB, fills up during start-up and is never given back). Settings the environment
 * already has are kept.
 * @param {NodeJS.ProcessEnv} env
 * @returns {NodeJS.ProcessEnv}
 */
export function withProductionRuntime(env) {
  const options = env.NODE_OPTIONS ?? "";
  return {
    MALLOC_ARENA_MAX: "2",
    MALLOC_MMAP_THRESHOLD_: "131072",
    MALLOC_TRIM_THRESHOLD_: "131072",
    ...env,
    NODE_OPTIONS: options.includes("--max-semi-space-size")
      ? options
      : `${options} --max-semi-space-size=4`.trim(),
  };
}
