import type Docker from "dockerode";
import type { Logger } from "pino";
import { AgentKind, AppError, type AgentEvent, type AgentRunInput } from "@agentry/core";
import { AGENT_IMAGE_LAYOUT } from "./agent-image.js";
import { ignoreStatus, statusCode, type ContainerState } from "./docker-errors.js";
import { runInContainer } from "./docker-exec.js";
import { readSingleFileFromTar } from "./tar-stream.js";
import {
  assertSafeId,
  journalRelativePath,
  type AgentInspection,
  type AgentRef,
  type AgentRuntime,
  type EnsuredAgent,
  type ListedAgent,
  type RunOptions,
} from "./runtime.js";

const LABEL = {
  runtime: "agentry.runtime",
  agent: "agentry.agent",
  session: "agentry.session",
  kind: "agentry.kind",
  namespace: "agentry.namespace",
} as const;

const MIB = 1024 * 1024;

export interface DockerRuntimeOptions {
  docker: Docker;
  /** The agent image, e.g. the tag {@link ensureAgentImage} returns. */
  image: string;
  logger: Logger;
  /**
   * `none` (default): the agent reaches nothing, not even the provider, so it suits only agents
   * whose provider traffic is proxied in some other way. `host`: the agent shares the host's
   * network, reaching the providers, 127.0.0.1 (a fake provider in tests) and anything else the
   * host reaches, including local services; use it only on a host that exposes nothing the
   * agents should not reach. Any other name is a user-defined Docker network (with a NAT'd
   * egress, the usual production choice where the engine has bridge networking).
   */
  networkMode?: string;
  /** CPUs per agent container; default 1. */
  cpus?: number;
  /** Memory per agent container (no swap on top); default 1 GiB. */
  memoryBytes?: number;
  /** Maximum number of processes per agent container; default 512. */
  pidsLimit?: number;
  /** Size of the container's /tmp (memory-backed); default 256 MiB. */
  tmpBytes?: number;
  /** The command `docker exec` runs per message; default `node /opt/agentry/agent.mjs`. */
  agentCommand?: readonly string[];
  /** Seconds `stop` waits before killing; default 2. */
  stopTimeoutSeconds?: number;
  /**
   * The deployment's namespace (the worker's): containers carry it as a label, and `list`
   * sees only its own, so a worker's reconciliation never removes the agents of another
   * deployment or test run on the same engine. Default "" (unlabelled containers count as "").
   */
  namespace?: string;
}

const isAgentKind = (value: string | undefined): value is AgentKind =>
  value !== undefined && Object.values<string>(AgentKind).includes(value);

/**
 * Runs each agent in its own long-lived container (`agentry-agent-<agentId>`, labelled with
 * the agent and session ids) and each message as a `docker exec` of the agent program in it.
 *
 * The run's input, credential included, goes to the exec's standard input only: it is in no
 * container or exec config, environment or label. The container runs as a non-root user with a
 * read-only root filesystem, all capabilities dropped, memory-backed /tmp and home, CPU, memory
 * and process limits, and the workspace on a named volume (`agentry-workspace-<agentId>`) that
 * outlives the container.
 */
export class DockerRuntime implements AgentRuntime {
  readonly name = "docker";
  readonly #docker: Docker;
  readonly #image: string;
  readonly #logger: Logger;
  readonly #networkMode: string;
  readonly #cpus: number;
  readonly #memoryBytes: number;
  readonly #pidsLimit: number;
  readonly #tmpBytes: number;
  readonly #agentCommand: readonly string[];
  readonly #stopTimeoutSeconds: number;
  readonly #namespace: string;

  constructor(options: DockerRuntimeOptions) {
    this.#docker = options.docker;
    this.#image = options.image;
    this.#logger = options.logger.child({ runtime: "docker" });
    this.#networkMode = options.networkMode ?? "none";
    this.#cpus = options.cpus ?? 1;
    this.#memoryBytes = options.memoryBytes ?? 1024 * MIB;
    this.#pidsLimit = options.pidsLimit ?? 512;
    this.#tmpBytes = options.tmpBytes ?? 256 * MIB;
    this.#agentCommand = options.agentCommand ?? ["node", AGENT_IMAGE_LAYOUT.agentScript];
    this.#stopTimeoutSeconds = options.stopTimeoutSeconds ?? 2;
    this.#namespace = options.namespace ?? "";
  }

  static containerName(agentId: string): string {
    return `agentry-agent-${agentId}`;
  }

  static volumeName(agentId: string): string {
    return `agentry-workspace-${agentId}`;
  }

  async ensure(agent: AgentRef): Promise<EnsuredAgent> {
    assertSafeId(agent.agentId);
    assertSafeId(agent.sessionId);
    for (let attempt = 1; ; attempt += 1) {
      const existing = await this.#inspectContainer(agent.agentId);
      if (existing !== undefined) {
        if (existing.Config.Labels[LABEL.agent] !== agent.agentId) {
          throw new AppError(
            "INTERNAL",
            `Container ${DockerRuntime.containerName(agent.agentId)} is not an agentry agent container`,
          );
        }
        const state = existing.State as ContainerState;
        if (state.Running && !state.Paused && existing.Config.Image === this.#image) {
          return { handle: existing.Id, created: false };
        }
        this.#logger.info(
          {
            agentId: agent.agentId,
            running: state.Running,
            exitCode: state.ExitCode,
            oomKilled: state.OOMKilled,
          },
          existing.Config.Image === this.#image
            ? "replacing a stopped agent container"
            : "replacing an agent container with an old image",
        );
        await this.#docker
          .getContainer(existing.Id)
          .remove({ force: true })
          .catch(ignoreStatus(404, 409));
      }
      try {
        return { handle: await this.#create(agent), created: true };
      } catch (error) {
        // another worker created it between our look and our create: use theirs
        if (statusCode(error) !== 409 || attempt >= 3) throw error;
      }
    }
  }

  async #create(agent: AgentRef): Promise<string> {
    const labels = {
      [LABEL.runtime]: "docker",
      [LABEL.agent]: agent.agentId,
      [LABEL.session]: agent.sessionId,
      [LABEL.kind]: agent.kind,
      ...(this.#namespace === "" ? {} : { [LABEL.namespace]: this.#namespace }),
    };
    const volume = DockerRuntime.volumeName(agent.agentId);
    // creating an existing volume returns it, so this is idempotent and keeps the workspace
    await this.#docker.createVolume({ Name: volume, Labels: labels });
    const { uid, gid, workspace, home } = AGENT_IMAGE_LAYOUT;
    const container = await this.#docker.createContainer({
      name: DockerRuntime.containerName(agent.agentId),
      Image: this.#image,
      Cmd: ["sleep", "infinity"],
      User: `${uid}:${gid}`,
      WorkingDir: workspace,
      Labels: labels,
      HostConfig: {
        // tini as PID 1: forwards stop signals and reaps what agents' tools leave behind
        Init: true,
        NetworkMode: this.#networkMode,
        NanoCpus: Math.round(this.#cpus * 1e9),
        Memory: this.#memoryBytes,
        MemorySwap: this.#memoryBytes,
        PidsLimit: this.#pidsLimit,
        ReadonlyRootfs: true,
        Tmpfs: {
          "/tmp": `rw,nosuid,nodev,size=${this.#tmpBytes}`,
          // home is memory-backed: credential files a CLI agent writes there never reach a disk
          [home]: `rw,nosuid,nodev,size=${64 * MIB},uid=${uid},gid=${gid},mode=0700`,
        },
        Mounts: [{ Type: "volume", Source: volume, Target: workspace }],
        CapDrop: ["ALL"],
        SecurityOpt: ["no-new-privileges"],
        RestartPolicy: { Name: "no" },
      },
    });
    try {
      await container.start();
    } catch (error) {
      await container.remove({ force: true }).catch(ignoreStatus(404, 409));
      throw error;
    }
    this.#logger.info(
      { agentId: agent.agentId, containerId: container.id },
      "agent container started",
    );
    return container.id;
  }

  run(agentId: string, input: AgentRunInput, options: RunOptions = {}): AsyncIterable<AgentEvent> {
    return this.#run(agentId, input, options);
  }

  async *#run(
    agentId: string,
    input: AgentRunInput,
    options: RunOptions,
  ): AsyncGenerator<AgentEvent> {
    assertSafeId(agentId);
    const before = await this.#inspectContainer(agentId);
    const beforeState = before?.State as ContainerState | undefined;
    if (before === undefined || beforeState?.Running !== true) {
      yield {
        type: "error",
        code: "AGENT_FAILED",
        message:
          before === undefined
            ? "The agent's container is missing"
            : "The agent's container is not running",
      };
      return;
    }
    yield* runInContainer({
      docker: this.#docker,
      containerId: before.Id,
      command: this.#agentCommand,
      input,
      options,
      agentId,
      logger: this.#logger,
      memoryBytes: this.#memoryBytes,
    });
  }

  async stop(agentId: string): Promise<void> {
    assertSafeId(agentId);
    await this.#docker
      .getContainer(DockerRuntime.containerName(agentId))
      .stop({ t: this.#stopTimeoutSeconds })
      .catch(ignoreStatus(304, 404));
  }

  async remove(agentId: string): Promise<void> {
    assertSafeId(agentId);
    await this.#docker
      .getContainer(DockerRuntime.containerName(agentId))
      .remove({ force: true })
      .catch(ignoreStatus(404));
    await this.#docker
      .getVolume(DockerRuntime.volumeName(agentId))
      .remove()
      .catch(ignoreStatus(404));
  }

  async removeSession(sessionId: string): Promise<void> {
    assertSafeId(sessionId);
    const filters = { label: [`${LABEL.runtime}=docker`, `${LABEL.session}=${sessionId}`] };
    const containers = await this.#docker.listContainers({ all: true, filters });
    await Promise.all(
      containers.map((container) =>
        this.#docker.getContainer(container.Id).remove({ force: true }).catch(ignoreStatus(404)),
      ),
    );
    await Promise.all(
      (await this.#listVolumes(filters)).map((volume) =>
        this.#docker.getVolume(volume.Name).remove().catch(ignoreStatus(404)),
      ),
    );
  }

  async inspect(agentId: string): Promise<AgentInspection> {
    assertSafeId(agentId);
    const container = await this.#inspectContainer(agentId);
    if (container === undefined) return { state: "missing" };
    const state = container.State as ContainerState;
    return {
      state: state.Running && !state.Paused ? "running" : "stopped",
      handle: container.Id,
      ...(state.Running ? {} : { exitCode: state.ExitCode }),
      oomKilled: state.OOMKilled,
      startedAt: state.StartedAt,
      ...(state.Running ? {} : { finishedAt: state.FinishedAt }),
    };
  }

  async list(): Promise<ListedAgent[]> {
    const filters = { label: [`${LABEL.runtime}=docker`] };
    const found = new Map<string, ListedAgent>();
    const ours = (labels: Readonly<Record<string, string>> | null | undefined) =>
      (labels?.[LABEL.namespace] ?? "") === this.#namespace;
    for (const volume of await this.#listVolumes(filters)) {
      if (!ours(volume.Labels)) continue;
      const ref = refFromLabels(volume.Labels);
      if (ref !== undefined) found.set(ref.agentId, { ...ref, state: "stopped" });
    }
    for (const container of await this.#docker.listContainers({ all: true, filters })) {
      if (!ours(container.Labels)) continue;
      const ref = refFromLabels(container.Labels);
      if (ref === undefined) continue;
      found.set(ref.agentId, {
        ...ref,
        state: container.State === "running" ? "running" : "stopped",
        handle: container.Id,
      });
    }
    return [...found.values()];
  }

  async #listVolumes(filters: { label: string[] }): Promise<Docker.VolumeInspectInfo[]> {
    const { Volumes: volumes } = await this.#docker.listVolumes({ filters });
    return volumes;
  }

  async readJournal(agentId: string, messageId: string, attempt: number): Promise<string | null> {
    assertSafeId(agentId);
    const path = `${AGENT_IMAGE_LAYOUT.workspace}/${journalRelativePath(messageId, attempt)}`;
    try {
      // The archive API reads a stopped container too (its workspace volume stays mounted).
      const archive = await this.#docker
        .getContainer(DockerRuntime.containerName(agentId))
        .getArchive({ path });
      const chunks: Buffer[] = [];
      for await (const chunk of archive as AsyncIterable<Buffer>) chunks.push(chunk);
      return readSingleFileFromTar(Buffer.concat(chunks)).toString("utf8");
    } catch (error) {
      ignoreStatus(404)(error);
      return null;
    }
  }

  async #inspectContainer(agentId: string): Promise<Docker.ContainerInspectInfo | undefined> {
    try {
      return await this.#docker.getContainer(DockerRuntime.containerName(agentId)).inspect();
    } catch (error) {
      ignoreStatus(404)(error);
      return undefined;
    }
  }
}

function refFromLabels(
  labels: Readonly<Record<string, string>> | null | undefined,
): AgentRef | undefined {
  const agentId = labels?.[LABEL.agent];
  const sessionId = labels?.[LABEL.session];
  const kind = labels?.[LABEL.kind];
  if (agentId === undefined || sessionId === undefined || !isAgentKind(kind)) return undefined;
  return { agentId, sessionId, kind };
}
