import type Docker from "dockerode";
import type { Logger } from "pino";
import type { AgentChannel } from "./agent-channel.js";
import { attachChannel } from "./docker-attach.js";

/** A channel known to lead to an agent's container running the runtime's image. */
export interface LiveChannel {
  readonly containerId: string;
  readonly channel: AgentChannel;
}

/**
 * The Docker runtime's channels to its agents' hosts: one per container (attached once, then
 * held), and per agent the one whose container `ensure` found running the runtime's image.
 * While that channel is open the container runs (a container that stops takes it down), so a
 * warm message costs no call to the engine before its run.
 */
export class DockerChannels {
  readonly #docker: Docker;
  readonly #logger: Logger;
  /** By container id (a replaced container has a new id). */
  readonly #byContainer = new Map<string, Promise<AgentChannel>>();
  readonly #live = new Map<string, LiveChannel>();

  constructor(docker: Docker, logger: Logger) {
    this.#docker = docker;
    this.#logger = logger;
  }

  /** The agent's open live channel, if any. */
  live(agentId: string): LiveChannel | undefined {
    const live = this.#live.get(agentId);
    return live?.channel.isOpen === true ? live : undefined;
  }

  /** The open channel to a container's host, attaching when there is none. */
  open(containerId: string): Promise<AgentChannel> {
    let channel = this.#byContainer.get(containerId);
    if (channel === undefined) {
      channel = attachChannel(this.#docker, containerId, this.#logger);
      this.#byContainer.set(containerId, channel);
      const forget = (): void => {
        if (this.#byContainer.get(containerId) === channel) this.#byContainer.delete(containerId);
      };
      channel.then((open) => open.closed.then(forget), forget);
    }
    return channel;
  }

  /** Opens the channel to a container `ensure` vouched for, ahead of the run. */
  async goLive(agentId: string, containerId: string): Promise<void> {
    try {
      const channel = await this.open(containerId);
      this.#live.set(agentId, { containerId, channel });
      void channel.closed.then(() => {
        if (this.#live.get(agentId)?.channel === channel) this.#live.delete(agentId);
      });
    } catch (error) {
      // the host may still be starting, or stuck: the run tries again and says what is wrong
      this.#logger.warn({ agentId, err: error }, "could not open the agent's channel yet");
    }
  }

  /** Closes this worker's channel to the agent's container (before it is stopped or removed). */
  forget(agentId: string): void {
    const live = this.#live.get(agentId);
    this.#live.delete(agentId);
    live?.channel.close();
  }
}
