#!/usr/bin/env node
// `npm start` (and `npm run dev`): prepares a developer machine's local Postgres and starts the
// api, the worker and the client together. Production deployments set every variable and use
// docker compose (or their own supervisor); this script refuses to invent a key for them.
import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { parseArgs } from "node:util";
import { ensureDatabase, databaseUrl as urlOfDatabase } from "./lib/pg.mjs";
import {
  defaultDatabaseUrl,
  defaultRedisUrl,
  devKeyPath,
  prismaDir,
  repoRoot,
  schemaPath,
} from "./lib/paths.mjs";
import { stopAgentHosts } from "./lib/agent-hosts.mjs";
import { runTogether } from "./lib/processes.mjs";
import { prisma } from "./lib/prisma.mjs";
import { redactUrl, run } from "./lib/run.mjs";
import { buildIfStale, withProductionRuntime } from "./lib/service-build.mjs";

const { values: flags } = parseArgs({
  options: {
    dev: { type: "boolean", default: false },
    only: { type: "string", multiple: true },
  },
});
const scriptName = flags.dev ? "dev" : "start";
const production = process.env.NODE_ENV === "production";
const say = (line) => process.stdout.write(`[start] ${line}\n`);
const paint = (code, text) =>
  process.stderr.isTTY && !process.env.NO_COLOR ? `\x1b[${code}m${text}\x1b[0m` : text;

class StartError extends Error {}

async function main() {
  const env = { ...process.env };
  env.ENCRYPTION_KEY = await encryptionKey();
  env.DATABASE_URL ??= defaultDatabaseUrl;
  env.REDIS_URL ??= defaultRedisUrl;
  env.PORT ??= "4000";
  env.CLIENT_PORT ??= "5173";
  env.API_URL ??= `http://127.0.0.1:${env.PORT}`;

  await prepareDatabase(env.DATABASE_URL);
  await checkReachable("Redis", env.REDIS_URL, 6379);
  await buildAgentBundle();
  if (!flags.dev) await buildServices();

  const specs = await processSpecs(env);
  if (specs.length === 0) throw new StartError(`no workspace has a "${scriptName}" script yet`);
  say(`starting ${specs.map((s) => s.name).join(", ")}`);
  say(`api: http://localhost:${env.PORT}/graphql   client: http://localhost:${env.CLIENT_PORT}`);
  process.exitCode = await runTogether(specs);
  if (specs.some((spec) => spec.name === "worker")) {
    const stopped = await stopAgentHosts();
    if (stopped > 0)
      say(`stopped ${stopped} agent host${stopped === 1 ? "" : "s"} (AGENT_RUNTIME=process)`);
  }
}

/** ENCRYPTION_KEY from the environment, else (outside production) the git-ignored dev key. */
async function encryptionKey() {
  const fromEnv = process.env.ENCRYPTION_KEY;
  if (fromEnv) return fromEnv;
  if (production) {
    throw new StartError(
      "ENCRYPTION_KEY is not set. Production must provide a 32-byte key (hex or base64), " +
        "e.g. from `openssl rand -hex 32`, kept in your secret store. " +
        "Losing it makes every stored credential unreadable.",
    );
  }
  const relative = path.relative(repoRoot, devKeyPath);
  let key;
  try {
    // As core reads it: the first line that is neither blank nor a # comment.
    const lines = (await readFile(devKeyPath, "utf8")).split(/\r?\n/).map((l) => l.trim());
    key = lines.find((line) => line !== "" && !line.startsWith("#")) ?? "";
  } catch (error) {
    if (error.code !== "ENOENT") throw error;
  }
  if (key === undefined) {
    key = randomBytes(32).toString("hex");
    await mkdir(path.dirname(devKeyPath), { recursive: true, mode: 0o700 });
    await writeFile(devKeyPath, `${key}\n`, { mode: 0o600, flag: "wx" });
    say(`generated a development encryption key in ${relative}`);
  } else if (!isKey(key)) {
    // Never overwrite it: credentials stored under the old key would become unreadable.
    throw new StartError(
      `${relative} does not hold a 32-byte key (64 hex characters or base64). Fix or delete it ` +
        "(deleting makes credentials stored with it unreadable), or set ENCRYPTION_KEY.",
    );
  }
  await chmod(devKeyPath, 0o600);
  process.stderr.write(
    paint(
      33,
      `WARNING: using the DEVELOPMENT encryption key from ${relative}.\n` +
        "Production must set ENCRYPTION_KEY (openssl rand -hex 32) and keep it secret.",
    ) + "\n",
  );
  return key;
}

const isKey = (text) =>
  /^[0-9a-f]{64}$/i.test(text) ||
  (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text) && Buffer.from(text, "base64").length === 32);

async function prepareDatabase(url) {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ""));
  if (!name) throw new StartError(`DATABASE_URL names no database: ${redactUrl(url)}`);
  await checkReachable("Postgres", url, 5432);
  try {
    if (await ensureDatabase(urlOfDatabase(url, "postgres"), name)) say(`created database ${name}`);
  } catch (error) {
    throw new StartError(
      `could not prepare database ${name} on ${redactUrl(url)}: ${error.message}`,
    );
  }
  if (await generatedClientIsStale()) {
    say("generating the Prisma client");
    await prisma(["generate"], { databaseUrl: url });
  }
  say(`applying migrations to ${redactUrl(url)}`);
  const { stdout } = await prisma(["migrate", "deploy"], { databaseUrl: url });
  const applied = stdout.split("\n").filter((line) => line.includes("migration.sql")).length;
  say(applied ? `applied ${applied} migration(s)` : "database is up to date");
}

/** The worker copies agent/dist/agent.mjs into agent containers (or runs it, for `process`). */
async function buildAgentBundle() {
  const manifest = await readManifest(path.join(repoRoot, "agent"));
  if (!manifest?.scripts?.build) return;
  say("bundling the agent");
  await run("npm", ["run", "build", "-w", manifest.name], { cwd: repoRoot });
}

/**
 * `npm start` runs the api and the worker from their builds (`dist/main.mjs`): each is rebuilt
 * here when it is missing or older than its sources, so a pull or an edit is never run stale.
 * (`npm run dev` runs the sources under tsx and builds nothing.)
 */
async function buildServices() {
  for (const name of ["api", "worker"].filter(selected)) {
    const started = performance.now();
    const reasons = await buildIfStale(name);
    if (reasons.length === 0) continue;
    const why = reasons.length === 1 ? reasons[0] : `${reasons.length} files changed`;
    const ms = Math.round(performance.now() - started);
    say(`built ${name} (${why}) in ${ms} ms`);
  }
}

const selected = (name) => !flags.only || flags.only.includes(name);

async function readManifest(dir) {
  try {
    return JSON.parse(await readFile(path.join(dir, "package.json"), "utf8"));
  } catch {
    return undefined;
  }
}

async function generatedClientIsStale() {
  try {
    const generated = await stat(path.join(prismaDir, "generated", "client.ts"));
    return (await stat(schemaPath)).mtimeMs > generated.mtimeMs;
  } catch {
    return true;
  }
}

/** Fails early, with the address, when a service does not accept connections. */
function checkReachable(what, url, defaultPort) {
  const { hostname, port } = new URL(url);
  const host = hostname.replace(/^\[|\]$/g, "") || "127.0.0.1";
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port: Number(port || defaultPort) });
    socket.setTimeout(5_000);
    socket.once("connect", () => {
      socket.destroy();
      resolve();
    });
    const fail = (reason) => {
      socket.destroy();
      reject(
        new StartError(
          `${what} is not reachable at ${redactUrl(url)} (${reason}). Start it locally, ` +
            "or run everything with `docker compose up` (see README.md).",
        ),
      );
    };
    socket.once("timeout", () => fail("timed out"));
    socket.once("error", (error) => fail(error.code ?? error.message));
  });
}

async function processSpecs(env) {
  // In dev, the agent's own `dev` (a watching bundler) runs beside them.
  const workspaces = ["api", "worker", "client", "agent"].filter(selected);
  const specs = [];
  for (const name of workspaces) {
    const dir = path.join(repoRoot, name);
    const command = (await readManifest(dir))?.scripts?.[scriptName];
    if (!command) continue;
    const bin = [
      path.join(dir, "node_modules", ".bin"),
      path.join(repoRoot, "node_modules", ".bin"),
    ];
    let childEnv = { ...env, PATH: [...bin, env.PATH].join(path.delimiter) };
    // The api and the worker run as the image runs them: its memory settings.
    if (!flags.dev && (name === "api" || name === "worker"))
      childEnv = withProductionRuntime(childEnv);
    if (name === "client" && !flags.dev) {
      // One origin: the client's server passes /graphql (and its WebSocket) to the api, so the
      // browser needs no cross-origin access to the api.
      childEnv.VITE_API_URL ??= "/graphql";
      childEnv.API_PROXY ??= env.API_URL;
    }
    if (process.stdout.isTTY) childEnv.FORCE_COLOR ??= "1";
    specs.push({ name, command, cwd: dir, env: childEnv });
  }
  return specs;
}

main().catch((error) => {
  const message = error instanceof StartError ? error.message : (error.stack ?? String(error));
  process.stderr.write(`${paint(31, `[start] ${message}`)}\n`);
  process.exitCode = 1;
});
