import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile, realpath, stat } from "node:fs/promises";
import { join, posix } from "node:path";
import { promisify } from "node:util";
import type Docker from "dockerode";
import type { Logger } from "pino";
import { AppError } from "@agentry/core";
import { statusCode } from "./docker-errors.js";
import { tarStream, type TarEntry } from "./tar-stream.js";

/** Where things are inside an agent image; the Dockerfile for users keeps the same layout. */
export const AGENT_IMAGE_LAYOUT = {
  agentScript: "/opt/agentry/agent.mjs",
  workspace: "/workspace",
  home: "/home/agent",
  uid: 10001,
  gid: 10001,
} as const;

/** Bump when the recipe below changes, so existing images are not mistaken for new ones. */
const RECIPE_VERSION = "1";
const DEFAULT_REPOSITORY = "agentry-agent";
const PATH_IN_IMAGE = "/usr/local/bin:/usr/bin:/bin";

export interface EnsureAgentImageOptions {
  docker: Docker;
  /** The monorepo root; the agent bundle is looked up under it. */
  repoRoot: string;
  /** The single-file agent program; default `<repoRoot>/agent/dist/agent.mjs`. */
  agentBundle?: string;
  /** Image repository; default `agentry-agent` (the base layer is `<repository>-base`). */
  repository?: string;
  /** The node binary to copy into the image; default the one running this process. */
  nodeBinary?: string;
  logger?: Logger;
}

const run = promisify(execFile);

interface HostFile {
  /** Absolute path inside the image. */
  target: string;
  /** The real file on the host (symlinks resolved). */
  source: string;
  size: number;
  mode: number;
}

async function hostFile(target: string, path: string): Promise<HostFile> {
  const source = await realpath(path);
  const info = await stat(source);
  return { target, source, size: info.size, mode: info.mode & 0o777 };
}

/** The shared libraries and loader a dynamic executable needs, as `ldd` lists them. */
async function sharedLibraries(binary: string): Promise<string[]> {
  let stdout: string;
  try {
    ({ stdout } = await run("ldd", [binary]));
  } catch {
    return []; // a static executable ("not a dynamic executable" exits 1)
  }
  const paths: string[] = [];
  for (const line of stdout.split("\n")) {
    const match = /(?:=>\s*)?(\/\S+)\s+\(0x[0-9a-f]+\)/.exec(line);
    if (match?.[1] !== undefined) paths.push(match[1]);
  }
  return paths;
}

async function whichSleep(): Promise<string> {
  for (const candidate of ["/usr/bin/sleep", "/bin/sleep"]) {
    try {
      await stat(candidate);
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new AppError("INTERNAL", "No sleep binary on this host to keep agent containers alive");
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
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

const textFile = (path: string, content: string | Buffer, mode = 0o644): TarEntry => ({
  type: "file",
  path,
  mode,
  content: typeof content === "string" ? Buffer.from(content) : content,
});

function baseEntries(files: readonly HostFile[]): TarEntry[] {
  const { uid, gid, workspace, home } = AGENT_IMAGE_LAYOUT;
  const dirs = new Set<string>(["etc", "opt/agentry", "sbin", "proc", "sys", "dev", "tmp"]);
  for (const file of files) {
    for (let dir = posix.dirname(file.target); dir !== "/"; dir = posix.dirname(dir))
      dirs.add(dir.slice(1));
  }
  const parentsFirst = [...dirs].flatMap((dir) => {
    const parts = dir.split("/");
    return parts.map((_, index) => parts.slice(0, index + 1).join("/"));
  });
  const ordered = [...new Set(parentsFirst)];
  return [
    ...ordered.map((dir): TarEntry => ({
      type: "dir",
      path: dir,
      mode: dir === "tmp" ? 0o1777 : 0o755,
    })),
    { type: "dir", path: workspace.slice(1), mode: 0o755, uid, gid },
    { type: "dir", path: home.split("/").slice(1, -1).join("/"), mode: 0o755 },
    { type: "dir", path: home.slice(1), mode: 0o700, uid, gid },
    textFile(
      "etc/passwd",
      `root:x:0:0:root:/root:/sbin/nologin\nagent:x:${uid}:${gid}:agent:${home}:/sbin/nologin\n`,
    ),
    textFile("etc/group", `root:x:0:\nagent:x:${gid}:\n`),
    textFile("etc/nsswitch.conf", "passwd: files\ngroup: files\nhosts: files dns\n"),
    ...files.map((file): TarEntry => ({
      type: "hostFile",
      path: file.target.slice(1),
      mode: file.mode,
      source: file.source,
      size: file.size,
    })),
  ];
}

async function ensureBaseImage(
  docker: Docker,
  repository: string,
  nodeBinary: string,
  logger?: Logger,
): Promise<string> {
  const sleep = await whichSleep();
  const libraries = new Set([
    ...(await sharedLibraries(nodeBinary)),
    ...(await sharedLibraries(sleep)),
  ]);
  const files = await Promise.all([
    hostFile("/usr/local/bin/node", nodeBinary),
    hostFile("/usr/bin/sleep", sleep),
    ...[...libraries].map((library) => hostFile(library, library)),
  ]);
  const hash = createHash("sha256").update(`recipe ${RECIPE_VERSION}\n`);
  for (const file of files)
    hash.update(`${file.target} ${file.mode.toString(8)} ${await sha256File(file.source)}\n`);
  const tag = `${repository}-base:${hash.digest("hex").slice(0, 16)}`;
  if (await imageExists(docker, tag)) return tag;

  const started = performance.now();
  logger?.info({ tag }, "building the agent base image (node and its libraries)");
  const [repo = repository, version = "latest"] = tag.split(":");
  const { workspace, home, uid, gid } = AGENT_IMAGE_LAYOUT;
  const progress = await docker.importImage(tarStream(baseEntries(files)), {
    repo,
    tag: version,
    changes: [
      `ENV PATH=${PATH_IN_IMAGE}`,
      `ENV HOME=${home}`,
      `ENV AGENT_WORKSPACE=${workspace}`,
      `WORKDIR ${workspace}`,
      `USER ${uid}:${gid}`,
      `CMD ["sleep", "infinity"]`,
    ],
  });
  await followProgress(docker, progress);
  logger?.info({ tag, ms: Math.round(performance.now() - started) }, "agent base image built");
  return tag;
}

/**
 * Makes sure the agent image for the current agent bundle and node binary exists, building it
 * offline when it does not (no registry involved), and returns its tag.
 *
 * The image is two layers: `<repository>-base:<hash>` (the host's node binary, its shared
 * libraries, `sleep`, a non-root user and /workspace) made with `docker import`, and
 * `<repository>:<hash>` adding the bundle at {@link AGENT_IMAGE_LAYOUT}.agentScript. Both tags
 * are content hashes, so calling this again is cheap and a changed bundle gets a new tag.
 */
export async function ensureAgentImage(options: EnsureAgentImageOptions): Promise<string> {
  const { docker, logger } = options;
  const repository = options.repository ?? DEFAULT_REPOSITORY;
  const bundlePath = options.agentBundle ?? join(options.repoRoot, "agent", "dist", "agent.mjs");
  let bundle: Buffer;
  try {
    bundle = await readFile(bundlePath);
  } catch {
    throw new AppError(
      "INTERNAL",
      `Agent bundle not found at ${bundlePath}: build it with \`npm run build -w @agentry/agent\``,
    );
  }
  const base = await ensureBaseImage(
    docker,
    repository,
    options.nodeBinary ?? process.execPath,
    logger,
  );
  const dockerfile = [
    `FROM ${base}`,
    `COPY agent.mjs ${AGENT_IMAGE_LAYOUT.agentScript}`,
    `LABEL agentry.image="agent"`,
    "",
  ].join("\n");
  const tag = `${repository}:${createHash("sha256")
    .update(`recipe ${RECIPE_VERSION}\n${dockerfile}\n`)
    .update(bundle)
    .digest("hex")
    .slice(0, 16)}`;
  if (await imageExists(docker, tag)) return tag;

  const started = performance.now();
  const context = tarStream([textFile("Dockerfile", dockerfile), textFile("agent.mjs", bundle)]);
  const progress = await docker.buildImage(context, { t: tag, rm: true, forcerm: true });
  await followProgress(docker, progress);
  logger?.info({ tag, ms: Math.round(performance.now() - started) }, "agent image built");
  return tag;
}
