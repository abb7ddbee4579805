// Installs the pinned agent CLIs (package.json + package-lock.json beside this file) once per
// machine into a cache keyed by the lock's content, and says where they are. The agent image
// build copies that tree into the image; the process runtime and the runners' tests run the
// CLIs from it. A fresh clone reuses an existing install of the same lock; a changed lock gets
// a new one. Concurrent callers (parallel test files) wait for one install; a lock left by a
// process that died mid-install is taken over.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { access, copyFile, mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const here = fileURLToPath(new URL(".", import.meta.url));
const run = promisify(execFile);

/** The CLIs' executables, by the name each runner calls. */
export const AGENT_CLI_COMMANDS = ["claude", "codex", "gemini", "copilot", "opencode"];

/** The cache root: `AGENTRY_CACHE_DIR`, else `~/.cache/agentry`. */
export function cacheRoot(env = process.env) {
  return env.AGENTRY_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "agentry");
}

/** Bump when what ensureAgentClis puts in an install changes, so old installs are not reused. */
const INSTALL_RECIPE = "2: npm install, then Copilot's package unpacked into copilot-cache/";

/** Where Copilot's unpacked package goes inside an install (`COPILOT_CACHE_HOME` for runs). */
export const COPILOT_CACHE_DIR = "copilot-cache";

/** The lock's content hash: it names the install and the image layer made from it. */
export async function agentClisHash() {
  const hash = createHash("sha256");
  hash.update(`${INSTALL_RECIPE}\n`);
  hash.update(await readFile(join(here, "package.json")));
  hash.update(await readFile(join(here, "package-lock.json")));
  return hash.digest("hex").slice(0, 16);
}

const exists = (path) =>
  access(path).then(
    () => true,
    () => false,
  );

// A lock whose owner is gone: its pid no longer runs, or it never wrote one within a minute.
async function staleLock(lockDir) {
  const pid = Number.parseInt(await readFile(join(lockDir, "pid"), "utf8").catch(() => ""), 10);
  if (Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, 0);
      return false;
    } catch (error) {
      return error?.code === "ESRCH";
    }
  }
  const info = await stat(lockDir).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > 60_000;
}

/**
 * Copilot unpacks about 235 MB into `$COPILOT_CACHE_HOME/pkg` on its first run. Doing it here,
 * once, lets every run (and the read-only agent image) use the unpacked copy; `--version`
 * unpacks without reaching the network.
 */
async function unpackCopilot(installDir) {
  const home = join(installDir, ".copilot-home");
  const cache = join(installDir, COPILOT_CACHE_DIR);
  await mkdir(home, { recursive: true });
  try {
    await run(join(installDir, "node_modules", ".bin", "copilot"), ["--version"], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, COPILOT_CACHE_HOME: cache },
      timeout: 300_000,
    });
  } finally {
    await rm(home, { recursive: true, force: true });
  }
  if (!(await exists(join(cache, "pkg"))))
    throw new Error(`agent CLIs: Copilot did not unpack into ${cache}`);
}

/**
 * Makes sure the pinned CLIs are installed; returns `{ root, binDir, hash }` where `root` holds
 * `node_modules/` and `copilot-cache/` (Copilot's unpacked package). Runs `npm install` (install
 * scripts allowed for the packages package.json approves: Claude Code's and OpenCode's native
 * binaries) at most once per lock and machine.
 */
export async function ensureAgentClis({ log = () => {} } = {}) {
  const hash = await agentClisHash();
  const root = join(cacheRoot(), "agent-clis", hash);
  const binDir = join(root, "node_modules", ".bin");
  const complete = join(root, ".complete");
  if (await exists(complete)) return { root, binDir, hash };

  const lockDir = `${root}.lock`;
  await mkdir(join(cacheRoot(), "agent-clis"), { recursive: true });
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch (error) {
      if (error?.code !== "EEXIST") throw error;
      if (await exists(complete)) return { root, binDir, hash };
      if (await staleLock(lockDir)) {
        log(`agent CLIs: taking over the install lock left by a stopped process (${lockDir})`);
        await rm(lockDir, { recursive: true, force: true });
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  try {
    await writeFile(join(lockDir, "pid"), `${process.pid}\n`);
    if (await exists(complete)) return { root, binDir, hash };
    const staging = `${root}.staging`;
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    await copyFile(join(here, "package.json"), join(staging, "package.json"));
    await copyFile(join(here, "package-lock.json"), join(staging, "package-lock.json"));
    const started = Date.now();
    log(`installing the agent CLIs (${hash}) into ${root}`);
    // Not `npm ci`: the registry serves none of OpenCode's other-platform binaries, so the lock
    // cannot list them and `npm ci` refuses it. `npm install` of exact versions from this lock
    // (in the cache's copy) installs the same tree.
    await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], {
      cwd: staging,
      maxBuffer: 64 * 1024 * 1024,
    });
    for (const command of AGENT_CLI_COMMANDS) {
      if (!(await exists(join(staging, "node_modules", ".bin", command))))
        throw new Error(`agent CLIs: ${command} is missing after npm install`);
    }
    await unpackCopilot(staging);
    await rm(root, { recursive: true, force: true });
    await rename(staging, root);
    await writeFile(complete, `${new Date().toISOString()}\n`);
    log(`agent CLIs installed in ${Math.round((Date.now() - started) / 1000)} s`);
    return { root, binDir, hash };
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { binDir } = await ensureAgentClis({ log: (line) => console.error(line) });
  console.log(binDir);
}
