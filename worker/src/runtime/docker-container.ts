import type Docker from "dockerode";
import type { Logger } from "pino";
import { AgentKind } from "@agentry/core";
import { AGENT_IMAGE_LAYOUT } from "./agent-image-layout.js";
import type { AgentRef } from "./runtime.js";

// What an agent's container is made of: its labels, its limits, and its main process, the
// resident agent host serving the worker's channel on its standard streams.

export const LABEL = {
  runtime: "agentry.runtime",
  agent: "agentry.agent",
  session: "agentry.session",
  kind: "agentry.kind",
  namespace: "agentry.namespace",
} as const;

export const MIB = 1024 * 1024;

/** The host in `--stdio` mode (see docker-attach.ts), killing whole containers' runs. */
export const HOST_COMMAND: readonly string[] = [
  "node",
  AGENT_IMAGE_LAYOUT.hostScript,
  "--stdio",
  "--container",
  "--agent",
  AGENT_IMAGE_LAYOUT.agentScript,
];

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
  /**
   * The container's main process: the resident agent host serving the channel on its standard
   * streams; default `node /opt/agentry/agent-host.mjs --stdio --container --agent
   * /opt/agentry/agent.mjs`.
   */
  command?: readonly string[];
  /** Seconds `stop` waits before killing; default 2. */
  stopTimeoutSeconds?: number;
  /**
   * The deployment's namespace (the worker's): containers carry it as a label, and `list`
   * sees only its own, so a worker's reconciliation never removes the agents of another
   * deployment or test run on the same engine. Default "" (unlabelled containers count as "").
   */
  namespace?: string;
}

export interface ContainerLimits {
  readonly networkMode: string;
  readonly cpus: number;
  readonly memoryBytes: number;
  readonly pidsLimit: number;
  readonly tmpBytes: number;
  /** The container's main process. */
  readonly command: readonly string[];
}

export function agentLabels(agent: AgentRef, namespace: string): Record<string, string> {
  return {
    [LABEL.runtime]: "docker",
    [LABEL.agent]: agent.agentId,
    [LABEL.session]: agent.sessionId,
    [LABEL.kind]: agent.kind,
    ...(namespace === "" ? {} : { [LABEL.namespace]: namespace }),
  };
}

const isAgentKind = (value: string | undefined): value is AgentKind =>
  value !== undefined && Object.values<string>(AgentKind).includes(value);

export function refFromLabels(
  labels: Readonly<Record<string, string>> | null | undefined,
): AgentRef | undefined {
  const agentId = labels?.[LABEL.agent];
  const sessionId = labels?.[LABEL.session];
  const kind = labels?.[LABEL.kind];
  if (agentId === undefined || sessionId === undefined || !isAgentKind(kind)) return undefined;
  return { agentId, sessionId, kind };
}

/**
 * The create config of an agent's container. Nothing in it is secret: the credential of a run
 * reaches the container over the attach stream only, never its config, environment or labels.
 */
export function agentContainerSpec(options: {
  name: string;
  image: string;
  labels: Record<string, string>;
  volume: string;
  limits: ContainerLimits;
}): Docker.ContainerCreateOptions {
  const { limits } = options;
  const { uid, gid, workspace, home } = AGENT_IMAGE_LAYOUT;
  return {
    name: options.name,
    Image: options.image,
    Cmd: [...limits.command],
    // the channel: the host reads frames on standard input, which outlives any one attach
    OpenStdin: true,
    StdinOnce: false,
    Tty: false,
    User: `${uid}:${gid}`,
    WorkingDir: workspace,
    Labels: options.labels,
    HostConfig: {
      // tini as PID 1: forwards stop signals and reaps what agents' tools leave behind
      Init: true,
      NetworkMode: limits.networkMode,
      NanoCpus: Math.round(limits.cpus * 1e9),
      Memory: limits.memoryBytes,
      MemorySwap: limits.memoryBytes,
      PidsLimit: limits.pidsLimit,
      ReadonlyRootfs: true,
      Tmpfs: {
        "/tmp": `rw,nosuid,nodev,size=${limits.tmpBytes}`,
        // home is memory-backed: credential files a CLI agent writes there never reach a disk
        [home]: `rw,nosuid,nodev,size=${64 * MIB},uid=${uid},gid=${gid},mode=0700`,
      },
      Mounts: [{ Type: "volume", Source: options.volume, Target: workspace }],
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      RestartPolicy: { Name: "no" },
      // What the host prints is the runs' events (a rotated credential among them): the engine
      // must keep none of it. The worker reads it live, through the attach stream.
      LogConfig: { Type: "none", Config: {} },
    },
  };
}
