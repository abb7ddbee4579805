import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type Docker from "dockerode";
import type { Logger } from "pino";
import { cacheRoot } from "@agentry/agent/clis";
import { AppError } from "@agentry/core";
import { baseImageTag, buildBaseImage } from "./agent-image-base.js";
import { AGENT_IMAGE_LAYOUT } from "./agent-image-layout.js";
import { statusCode } from "./docker-errors.js";
import { withMachineLock } from "./machine-lock.js";
import { tarStream, type TarEntry } from "./tar-stream.js";

export { AGENT_IMAGE_LAYOUT } from "./agent-image-layout.js";

/** Bump when the layering below changes, so existing images are not mistaken for new ones. */
const RECIPE_VERSION = "2";
const DEFAULT_REPOSITORY = "agentry-agent";

/** The agent CLIs' install, as `ensureAgentClis()` (agent/clis/ensure.mjs) returns it. */
export interface AgentClisInstall {
  /** Holds `node_modules/` and `copilot-cache/`; copied to {@link AGENT_IMAGE_LAYOUT}.clis. */
  root: string;
  /** The install's content hash: it names the CLIs layer. */
  hash: string;
}

export interface EnsureAgentImageOptions {
  docker: Docker;
  /** The monorepo root; the agent bundle is looked up under it. */
  repoRoot: string;
  /**
   * The agent CLIs to put in the image (from `ensureAgentClis()`). A promise lets a fresh
   * machine build the base image while they install.
   */
  agentClis: AgentClisInstall | Promise<AgentClisInstall>;
  /** The single-file agent program; default `<repoRoot>/agent/dist/agent.mjs`. */
  agentBundle?: string;
  /** The resident host that runs it; default `<repoRoot>/agent/dist/agent-host.mjs`. */
  hostBundle?: string;
  /** Image repository; default `agentry-agent` (layers: `<repository>-base`, `-clis`). */
  repository?: string;
  logger?: Logger;
}

async function imageExists(docker: Docker, tag: string): Promise<boolean> {
  try {
    await docker.getImage(tag).inspect();
    return true;
  } catch (error) {
    if (statusCode(error) === 404) return false;
    throw error;
  }
}

async function followProgress(docker: Docker, stream: NodeJS.ReadableStream): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (
        error: Error | null,
        output: readonly { error?: string; errorDetail?: { message?: string } }[],
      ) => {
        if (error !== null) {
          reject(error);
          return;
        }
        const failed = output.find((item) => item.error !== undefined);
        if (failed !== undefined) {
          reject(
            new AppError(
              "INTERNAL",
              `Agent image build failed: ${failed.errorDetail?.message ?? failed.error ?? ""}`,
            ),
          );
          return;
        }
        resolve();
      },
    );
  });
}

async function readBundle(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch {
    throw new AppError(
      "INTERNAL",
      `Agent bundle not found at ${path}: build it with \`npm run build -w @agentry/agent\``,
    );
  }
}

const textFile = (path: string, content: string | Buffer): TarEntry => ({
  type: "file",
  path,
  mode: 0o644,
  content: typeof content === "string" ? Buffer.from(content) : content,
});

const shortHash = (...parts: readonly (string | Buffer)[]): string => {
  const hash = createHash("sha256").update(`recipe ${RECIPE_VERSION}\n`);
  for (const part of parts) hash.update(part).update("\n");
  return hash.digest("hex").slice(0, 16);
};

/**
 * Builds one layer under a machine-wide lock (parallel test files and workers booting together
 * build it once), timing it. A no-op when the tag exists, also after waiting for another builder.
 */
async function ensureLayer(
  docker: Docker,
  tag: string,
  what: string,
  build: () => Promise<void>,
  logger?: Logger,
): Promise<void> {
  if (await imageExists(docker, tag)) return;
  const lockDir = join(cacheRoot(), "locks", `${tag.replaceAll(/[^A-Za-z0-9._-]/g, "_")}.lock`);
  await withMachineLock(
    lockDir,
    async () => {
      if (await imageExists(docker, tag)) return;
      const started = performance.now();
      logger?.info({ tag }, `building the ${what}`);
      await build();
      logger?.info({ tag, ms: Math.round(performance.now() - started) }, `${what} built`);
    },
    () => logger?.info({ tag }, `waiting for another process building the ${what}`),
  );
}

/** The CLIs' install as a tar stream from GNU tar (it keeps the hard links between binaries). */
function tarOfDirectory(root: string): {
  stream: NodeJS.ReadableStream;
  done: Promise<void>;
  stop: () => void;
} {
  const child = spawn(
    "tar",
    ["-C", root, "-c", "--owner=0", "--group=0", "--numeric-owner", "--exclude=./.complete", "."],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-2000);
  });
  const done = new Promise<void>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => {
      if (code === 0) resolve();
      else reject(new AppError("INTERNAL", `tar of ${root} failed: ${stderr.trim()}`));
    });
  });
  return { stream: child.stdout, done, stop: () => child.kill() };
}

// The CLIs layer: a container made from the base (never started) receives the install through
// the archive API, and is committed. One copy of ~1.7 GB, where a `docker build` COPY would
// first copy it all into a build context, and loses the hard links between binaries.
async function buildClisLayer(
  docker: Docker,
  base: string,
  tag: string,
  clis: AgentClisInstall,
): Promise<void> {
  const container = await docker.createContainer({
    Image: base,
    Labels: { "agentry.image": "agent-clis" },
    NetworkDisabled: true,
  });
  try {
    const tar = tarOfDirectory(clis.root);
    try {
      // resolves once the engine has unpacked it all
      await Promise.all([
        container.putArchive(tar.stream, { path: AGENT_IMAGE_LAYOUT.clis }),
        tar.done,
      ]);
    } catch (error) {
      tar.stop(); // an upload that failed leaves tar blocked on a pipe nobody reads
      throw error;
    }
    const [repo = tag, version = "latest"] = tag.split(":");
    await container.commit({ repo, tag: version, comment: `agent CLIs ${clis.hash}` });
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}

/**
 * Makes sure the agent image for the current agent bundle and CLIs exists, building what is
 * missing offline (no registry involved), and returns its tag.
 *
 * Three layers, each tagged by a content hash so calling this again is cheap, and ordered so
 * what changes most rebuilds least:
 * - `<repository>-base:<recipe hash>`: a minimal Debian root made by mmdebstrap, the pinned
 *   node, the agent user and folders ({@link BASE_RECIPE}), made with `docker import`;
 * - `<repository>-clis:<hash>`: the agent CLIs at {@link AGENT_IMAGE_LAYOUT}.clis;
 * - `<repository>:<hash>`: the agent bundle at {@link AGENT_IMAGE_LAYOUT}.agentScript and its
 *   resident host at {@link AGENT_IMAGE_LAYOUT}.hostScript.
 */
export async function ensureAgentImage(options: EnsureAgentImageOptions): Promise<string> {
  const { docker, logger } = options;
  const install = Promise.resolve(options.agentClis);
  install.catch(() => undefined); // awaited below, unless this call fails first
  const repository = options.repository ?? DEFAULT_REPOSITORY;
  const dist = join(options.repoRoot, "agent", "dist");
  const bundle = await readBundle(options.agentBundle ?? join(dist, "agent.mjs"));
  const hostBundle = await readBundle(options.hostBundle ?? join(dist, "agent-host.mjs"));
  const follow = (stream: NodeJS.ReadableStream) => followProgress(docker, stream);
  const base = baseImageTag(repository);
  // The base does not depend on the CLIs: on a fresh machine it is built while they install.
  const baseReady = ensureLayer(
    docker,
    base,
    "agent base image (Debian, node, git)",
    () => buildBaseImage(docker, base, follow, logger),
    logger,
  );
  baseReady.catch(() => undefined); // awaited below, once the CLIs are there
  let agentClis: AgentClisInstall;
  try {
    agentClis = await install;
  } catch (error) {
    await baseReady.catch(() => undefined); // not left building once this call has failed
    throw error;
  }
  await baseReady;
  const clis = `${repository}-clis:${shortHash(base, agentClis.hash)}`;
  const dockerfile = [
    `FROM ${clis}`,
    `COPY agent.mjs ${AGENT_IMAGE_LAYOUT.agentScript}`,
    `COPY agent-host.mjs ${AGENT_IMAGE_LAYOUT.hostScript}`,
    `LABEL agentry.image="agent"`,
    "",
  ].join("\n");
  const tag = `${repository}:${shortHash(dockerfile, bundle, hostBundle)}`;
  if (await imageExists(docker, tag)) return tag;

  await ensureLayer(
    docker,
    clis,
    "agent CLIs layer",
    () => buildClisLayer(docker, base, clis, agentClis),
    logger,
  );
  await ensureLayer(
    docker,
    tag,
    "agent image (bundle layer)",
    async () => {
      const context = tarStream([
        textFile("Dockerfile", dockerfile),
        textFile("agent.mjs", bundle),
        textFile("agent-host.mjs", hostBundle),
      ]);
      await follow(await docker.buildImage(context, { t: tag, rm: true, forcerm: true }));
    },
    logger,
  );
  return tag;
}
