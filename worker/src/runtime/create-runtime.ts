import { existsSync } from "node:fs";
import { join } from "node:path";
import type Docker from "dockerode";
import type { Logger } from "pino";
import { ensureAgentClis } from "@agentry/agent/clis";
import { AppError } from "@agentry/core";
import { ensureAgentImage, type AgentClisInstall } from "./agent-image.js";
import { DockerRuntime, type DockerRuntimeOptions } from "./docker-runtime.js";
import { ProcessRuntime } from "./process-runtime.js";
import type { AgentRuntime } from "./runtime.js";

export interface CreateAgentRuntimeOptions {
  /** `AGENT_RUNTIME`; unset = docker where the engine answers, else process (with a warning). */
  kind?: "docker" | "process" | undefined;
  /** The composition root's Docker client (not used to reach anything when `kind` is process). */
  docker: Docker;
  /** The monorepo root: the agent bundle is `<repoRoot>/agent/dist/agent.mjs`. */
  repoRoot: string;
  logger: Logger;
  /** Docker only: an image to use as is; default the one {@link ensureAgentImage} builds. */
  image?: string | undefined;
  /** Docker only: network mode and limits (see {@link DockerRuntimeOptions}). */
  containers?: Omit<DockerRuntimeOptions, "docker" | "image" | "logger">;
  /** Process only: where agents' directories go; default `<repoRoot>/.local/agents`. */
  dataDir?: string | undefined;
  /** The deployment's namespace: the runtime lists (so reconciles) only its own agents. */
  namespace?: string | undefined;
}

async function engineAnswers(docker: Docker): Promise<boolean> {
  try {
    await docker.ping();
    return true;
  } catch {
    return false;
  }
}

/** The pinned agent CLIs, installed into this machine's cache on first use (a minute or two). */
async function agentClis(logger: Logger): Promise<AgentClisInstall & { binDir: string }> {
  return ensureAgentClis({
    log: (line) => {
      logger.info(line);
    },
  });
}

/**
 * Builds the runtime the worker runs agents with. Both need the agent CLIs: the process runtime
 * runs the machine's install (its runs get `AGENT_CLI_BIN`); for docker, the install goes into
 * the agent image, which is built first when missing (offline, from Debian packages, the pinned
 * node, the CLIs and the agent bundle), so the first message does not pay for it.
 */
export async function createAgentRuntime(
  options: CreateAgentRuntimeOptions,
): Promise<AgentRuntime> {
  const { docker, repoRoot, logger } = options;
  let kind = options.kind;
  if (kind === undefined) {
    kind = (await engineAnswers(docker)) ? "docker" : "process";
    if (kind === "process") {
      logger.warn("no Docker engine answers: falling back to AGENT_RUNTIME=process (no isolation)");
    }
  }
  const agentScript = join(repoRoot, "agent", "dist", "agent.mjs");
  const hostScript = join(repoRoot, "agent", "dist", "agent-host.mjs");
  if (kind === "process") {
    for (const script of [agentScript, hostScript]) {
      if (!existsSync(script)) {
        throw new AppError(
          "INTERNAL",
          `Agent bundle not found at ${script}: build it with \`npm run build -w @agentry/agent\``,
        );
      }
    }
    const { binDir } = await agentClis(logger);
    return new ProcessRuntime({
      dataDir: options.dataDir ?? join(repoRoot, ".local", "agents"),
      agentScript,
      hostScript,
      logger,
      env: { AGENT_CLI_BIN: binDir },
      ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
    });
  }
  const image =
    options.image ??
    (await ensureAgentImage({ docker, repoRoot, logger, agentClis: agentClis(logger) }));
  return new DockerRuntime({
    ...options.containers,
    docker,
    image,
    logger,
    ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
  });
}
