import { execFile, spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import Docker from "dockerode";
import { baseImageTag, ensureAgentImage } from "@agentry/worker";
import {
  guardDirectory,
  installed,
  releaseDirectory,
  spawnChild,
  waitUntil,
  type Child,
} from "./processes.js";

// A Docker engine of the test's own: a second dockerd with its own data root, exec root (so its
// own containerd), pid file and socket, flagged as the machine's (platform notes: no iptables,
// no bridge). The test restarts it without disturbing the machine's engine, which other test
// runs share. Its agent image is the real layering (ensureAgentImage) with no CLIs in it — the
// chat agent needs only the Debian base and the bundle: the base is copied from the machine's
// engine when it has it (docker save | docker load, ~10 s), else built here.

const run = promisify(execFile);
const REPOSITORY = "agentry-fault-agent";

/** Whether a second engine can run here: dockerd installed, and root to run it. */
export const engineAvailable = (): boolean => installed("dockerd") && process.getuid?.() === 0;

export interface DockerEngine {
  /** DOCKER_HOST for processes that should use this engine. */
  readonly host: string;
  readonly docker: Docker;
  /** The agent image (AGENT_IMAGE for a worker on this engine). */
  readonly image: string;
  /**
   * Stops the engine as `systemctl restart docker` would begin (SIGTERM): it stops every
   * container (no live-restore), then exits. Resolves once it has.
   */
  stop(): Promise<void>;
  /** Starts it again on the same roots and socket; resolves once it answers. */
  start(): Promise<void>;
  /** Stops it and deletes everything it kept. */
  close(): Promise<void>;
}

/** Unmounts whatever an engine that died uncleanly left mounted under `dir` (overlays, shm). */
async function unmountUnder(dir: string): Promise<void> {
  const mounts = await readFile("/proc/self/mountinfo", "utf8").catch(() => "");
  const points = mounts
    .split("\n")
    .map((line) => line.split(" ")[4] ?? "")
    .filter((point) => point.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of points) await run("umount", ["-l", point]).catch(() => undefined);
}

/** Copies `tag` from the machine's engine into `to` (false when the machine's engine lacks it). */
async function copyImage(tag: string, to: string): Promise<boolean> {
  const local = new Docker();
  const present = await local
    .getImage(tag)
    .inspect()
    .then(
      () => true,
      () => false,
    );
  if (!present) return false;
  await new Promise<void>((resolve, reject) => {
    const save = spawn("docker", ["save", tag], { stdio: ["ignore", "pipe", "pipe"] });
    const load = spawn("docker", ["-H", to, "load", "-q"], { stdio: ["pipe", "ignore", "pipe"] });
    save.stdout.pipe(load.stdin);
    let errors = "";
    for (const child of [save, load]) {
      child.stderr.on("data", (chunk: Buffer) => {
        errors += chunk.toString("utf8");
      });
      child.once("error", reject);
    }
    load.once("exit", (code) => {
      if (code === 0) resolve();
      else reject(new Error(`docker load into ${to} failed (${code}): ${errors}`));
    });
  });
  return true;
}

export async function startDockerEngine(repoRoot: string): Promise<DockerEngine> {
  // Short: the engine's and containerd's unix sockets live under it (108-byte path limit).
  const dir = await mkdtemp(join(tmpdir(), "afd-"));
  guardDirectory(dir);
  const socket = join(dir, "docker.sock");
  const host = `unix://${socket}`;
  const docker = new Docker({ socketPath: socket });
  let child: Child | undefined;
  const start = async (): Promise<void> => {
    child = spawnChild("dockerd", [
      "--data-root",
      join(dir, "data"),
      "--exec-root",
      join(dir, "exec"),
      "--pidfile",
      join(dir, "docker.pid"),
      "--host",
      host,
      "--iptables=false",
      "--ip6tables=false",
      "--bridge=none",
    ]);
    await waitUntil(
      async () => {
        await docker.ping();
        return true;
      },
      "the test's Docker engine answers",
      60_000,
      child,
    );
  };
  const stop = async (): Promise<void> => {
    // The engine stops its containers first (up to their stop timeouts), then exits.
    await child?.stop("SIGTERM", 45_000);
  };
  const close = async (): Promise<void> => {
    await stop();
    await unmountUnder(dir);
    await rm(dir, { recursive: true, force: true });
    releaseDirectory(dir);
  };
  try {
    await start();
    const base = baseImageTag(REPOSITORY);
    await copyImage(baseImageTag("agentry-agent"), host).then(async (copied) => {
      // Same recipe, so the same content: only the name differs.
      if (copied) await docker.getImage(baseImageTag("agentry-agent")).tag(tagParts(base));
    });
    const noClis = join(dir, "no-clis");
    await mkdir(noClis);
    const image = await ensureAgentImage({
      docker,
      repoRoot,
      repository: REPOSITORY,
      agentClis: { root: noClis, hash: "none: the chat agent needs no CLI" },
    });
    return { host, docker, image, stop, start, close };
  } catch (error) {
    await close();
    throw error;
  }
}

const tagParts = (tag: string): { repo: string; tag: string } => {
  const at = tag.lastIndexOf(":");
  return { repo: tag.slice(0, at), tag: tag.slice(at + 1) };
};
