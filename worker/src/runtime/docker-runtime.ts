import type Docker from "dockerode";
import type { Logger } from "pino";
import { AppError, isAppError, type AgentEvent, type AgentRunInput } from "@agentry/core";
import { AGENT_IMAGE_LAYOUT } from "./agent-image.js";
import type { AgentChannel } from "./agent-channel.js";
import { DockerChannels } from "./docker-channels.js";
import {
  HOST_COMMAND,
  LABEL,
  MIB,
  agentContainerSpec,
  agentLabels,
  refFromLabels,
  type ContainerLimits,
  type DockerRuntimeOptions,
} from "./docker-container.js";
import { ignoreStatus, statusCode, type ContainerState } from "./docker-errors.js";
import { runInContainer } from "./docker-run.js";
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
  type WorkspaceCommand,
  type WorkspaceCommandResult,
} from "./runtime.js";
import { execInContainer } from "./workspace-exec.js";

export type { DockerRuntimeOptions } from "./docker-container.js";

/**
 * Runs each agent in its own long-lived container (`agentry-agent-<agentId>`, labelled with
 * the agent and session ids) whose main process is the resident agent host: it keeps the agent
 * program loaded (restarting it when it dies) and takes each message over a channel the worker
 * holds to it, the container's attached standard streams (see docker-attach.ts for why that
 * channel). No message pays for a `docker exec` or for loading node.
 *
 * The run's input, credential included, goes down that channel only: it is in no container
 * config, environment, label or log (the container's logging is off). The container runs as a
 * non-root user with a read-only root filesystem, all capabilities dropped, memory-backed /tmp
 * and home, CPU, memory and process limits, and the workspace on a named volume
 * (`agentry-workspace-<agentId>`) that outlives the container.
 */
export class DockerRuntime implements AgentRuntime {
  readonly name = "docker";
  readonly #docker: Docker;
  readonly #image: string;
  readonly #logger: Logger;
  readonly #limits: ContainerLimits;
  readonly #stopTimeoutSeconds: number;
  readonly #namespace: string;
  readonly #channels: DockerChannels;

  constructor(options: DockerRuntimeOptions) {
    this.#docker = options.docker;
    this.#image = options.image;
    this.#logger = options.logger.child({ runtime: "docker" });
    this.#channels = new DockerChannels(this.#docker, this.#logger);
    this.#limits = {
      networkMode: options.networkMode ?? "none",
      cpus: options.cpus ?? 1,
      memoryBytes: options.memoryBytes ?? 1024 * MIB,
      pidsLimit: options.pidsLimit ?? 512,
      tmpBytes: options.tmpBytes ?? 256 * MIB,
      command: options.command ?? HOST_COMMAND,
    };
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
    const live = this.#channels.live(agent.agentId);
    if (live !== undefined) return { handle: live.containerId, created: false };
    const ensured = await this.#ensureContainer(agent);
    await this.#channels.goLive(agent.agentId, ensured.handle);
    return ensured;
  }

  async #ensureContainer(agent: AgentRef): Promise<EnsuredAgent> {
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
    const labels = agentLabels(agent, this.#namespace);
    const volume = DockerRuntime.volumeName(agent.agentId);
    // creating an existing volume returns it, so this is idempotent and keeps the workspace
    await this.#docker.createVolume({ Name: volume, Labels: labels });
    const container = await this.#docker.createContainer(
      agentContainerSpec({
        name: DockerRuntime.containerName(agent.agentId),
        image: this.#image,
        labels,
        volume,
        limits: this.#limits,
      }),
    );
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
    const live = this.#channels.live(agentId);
    if (live !== undefined) {
      yield* this.#runOver(agentId, live.containerId, live.channel, input, options);
      return;
    }
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
    let channel: AgentChannel;
    try {
      channel = await this.#channels.open(before.Id);
    } catch (error) {
      const code = statusCode(error);
      // the container went away between our look and the attach, or its host did not answer
      if (code !== 404 && code !== 409 && !isAppError(error)) throw error;
      this.#logger.warn({ agentId, err: error }, "could not open the agent's channel");
      yield {
        type: "error",
        code: "AGENT_FAILED",
        message: isAppError(error)
          ? "The agent's host process in its container did not answer"
          : "The agent's container is not running",
      };
      return;
    }
    yield* this.#runOver(agentId, before.Id, channel, input, options);
  }

  #runOver(
    agentId: string,
    containerId: string,
    channel: AgentChannel,
    input: AgentRunInput,
    options: RunOptions,
  ): AsyncGenerator<AgentEvent> {
    return runInContainer({
      docker: this.#docker,
      containerId,
      channel,
      input,
      options,
      agentId,
      logger: this.#logger,
      memoryBytes: this.#limits.memoryBytes,
    });
  }

  async stop(agentId: string): Promise<void> {
    assertSafeId(agentId);
    this.#channels.forget(agentId);
    await this.#docker
      .getContainer(DockerRuntime.containerName(agentId))
      .stop({ t: this.#stopTimeoutSeconds })
      .catch(ignoreStatus(304, 404));
  }

  async remove(agentId: string): Promise<void> {
    assertSafeId(agentId);
    this.#channels.forget(agentId);
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
    for (const container of containers) {
      const agentId = container.Labels[LABEL.agent];
      if (agentId !== undefined) this.#channels.forget(agentId);
    }
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

  async exec(agentId: string, command: WorkspaceCommand): Promise<WorkspaceCommandResult> {
    assertSafeId(agentId);
    const container = await this.#inspectContainer(agentId);
    if (container?.State.Running !== true) {
      throw new AppError("AGENT_FAILED", "The agent's container is not running");
    }
    return execInContainer(this.#docker, container.Id, AGENT_IMAGE_LAYOUT.workspace, command);
  }

  workspacePath(): string {
    return AGENT_IMAGE_LAYOUT.workspace;
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
