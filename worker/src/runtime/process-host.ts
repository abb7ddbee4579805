import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { openSync, closeSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import { AppError } from "@agentry/core";
import { AgentChannel } from "./agent-channel.js";

// The process runtime's resident hosts: one `agent-host.mjs` per agent, a detached process of
// its own (it outlives the worker, so a worker that dies mid-message leaves the run going and the
// next worker finds it), serving the channel on a unix socket in the agent's directory. The
// socket asks for a token the worker made for the agent (`host.token`, 0600, in the agent's
// 0700 directory): it grants running messages in this agent's directory, nothing more, and no
// provider credential is ever in it, the socket's path, the host's arguments or environment.

const SOCKET = "host.sock";
const TOKEN = "host.token";
const PID = "host.pid";
/** Unix socket paths are limited to about 107 bytes. */
const MAX_SOCKET_PATH = 107;
const START_TIMEOUT_MS = 15_000;
/**
 * A host no worker holds a connection to (its workers stopped or died) and that runs nothing
 * exits after this long; the next message starts another. A worker holds its channel while it
 * runs, so a live deployment's hosts stay.
 */
const EXIT_UNUSED_MS = 60_000;
const HELLO_TIMEOUT_MS = 10_000;

export interface ProcessHostsOptions {
  readonly nodeBinary: string;
  readonly hostScript: string;
  readonly agentScript: string;
  readonly logger: Logger;
}

export class ProcessHosts {
  readonly #options: ProcessHostsOptions;
  readonly #channels = new Map<string, Promise<AgentChannel>>();

  constructor(options: ProcessHostsOptions) {
    this.#options = options;
  }

  /** The open channel to the agent's host, starting the host when none answers. */
  channel(dir: string, env: Readonly<Record<string, string>>): Promise<AgentChannel> {
    let channel = this.#channels.get(dir);
    if (channel === undefined) {
      channel = this.#open(dir, env);
      this.#channels.set(dir, channel);
      const forget = (): void => {
        if (this.#channels.get(dir) === channel) this.#channels.delete(dir);
      };
      channel.then((open) => open.closed.then(forget), forget);
    }
    return channel;
  }

  /**
   * Starts the agent's host when none answers, ahead of its first run. A host that does not
   * start is the run's failure to report (as AGENT_FAILED), not the environment's.
   */
  async ensure(dir: string, env: Readonly<Record<string, string>>): Promise<void> {
    await this.channel(dir, env).catch((error: unknown) => {
      this.#options.logger.warn({ dir, err: error }, "the agent's host did not start yet");
    });
  }

  /** Stops the agent's host and everything it runs; the directory is kept. */
  async stop(dir: string): Promise<void> {
    const channel = this.#channels.get(dir);
    this.#channels.delete(dir);
    void channel?.then(
      (open) => {
        open.close();
      },
      () => undefined,
    );
    const pid = await this.#hostPid(dir);
    if (pid === undefined) return;
    signal(pid, "SIGTERM"); // the host kills its agent program and what it started, then exits
    for (let poll = 0; poll < 40 && alive(pid); poll += 1) await sleep(50);
    if (alive(pid)) signal(pid, "SIGKILL");
    await rm(join(dir, PID), { force: true });
  }

  async #open(dir: string, env: Readonly<Record<string, string>>): Promise<AgentChannel> {
    const socketPath = join(dir, SOCKET);
    if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
      throw new AppError(
        "INTERNAL",
        `The agent's socket path ${socketPath} is too long for a unix socket: choose a shorter data directory`,
      );
    }
    const token = await this.#token(dir);
    const first = await this.#connect(socketPath, token);
    if (first !== undefined) return first;
    await this.#start(dir, env);
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      const channel = await this.#connect(socketPath, token);
      if (channel !== undefined) return channel;
      if (Date.now() > deadline) {
        throw new AppError("INTERNAL", "The agent's host process did not start");
      }
      await sleep(50);
    }
  }

  async #connect(socketPath: string, token: string): Promise<AgentChannel | undefined> {
    const socket = connect(socketPath);
    const connected = await new Promise<boolean>((resolve) => {
      socket.once("connect", () => {
        resolve(true);
      });
      socket.once("error", () => {
        resolve(false);
      });
    });
    if (!connected) {
      socket.destroy();
      return undefined;
    }
    socket.setNoDelay(true);
    // A held channel must not keep the worker's process alive once everything else has stopped.
    socket.unref();
    try {
      return await AgentChannel.open(
        { readable: socket, writable: socket, destroy: () => socket.destroy() },
        { token, timeoutMs: HELLO_TIMEOUT_MS },
      );
    } catch {
      return undefined;
    }
  }

  async #token(dir: string): Promise<string> {
    const path = join(dir, TOKEN);
    try {
      const token = (await readFile(path, "utf8")).trim();
      if (token.length >= 32) return token;
    } catch {
      // none yet
    }
    const token = randomBytes(32).toString("base64url");
    await writeFile(path, token, { mode: 0o600 });
    return token;
  }

  async #start(dir: string, env: Readonly<Record<string, string>>): Promise<void> {
    const stale = await this.#hostPid(dir);
    if (stale !== undefined) signal(stale, "SIGKILL"); // alive but not answering: stuck
    const workspace = join(dir, "workspace");
    // the host's own diagnostics (restarts); its agent program's go to each run, as frames
    const log = openSync(join(dir, "host.log"), "a", 0o600);
    try {
      const host = spawn(
        this.#options.nodeBinary,
        [
          this.#options.hostScript,
          "--agent",
          this.#options.agentScript,
          "--listen",
          `unix:${join(dir, SOCKET)}`,
          "--token-file",
          join(dir, TOKEN),
          "--exit-unused-ms",
          String(EXIT_UNUSED_MS),
        ],
        {
          cwd: workspace,
          env: { ...env, AGENT_WORKSPACE: workspace, HOME: join(dir, "home") },
          stdio: ["ignore", "ignore", log],
          // outlives the worker: a run in progress goes on, and the next worker finds it
          detached: true,
        },
      );
      host.unref();
      if (host.pid !== undefined) await writeFile(join(dir, PID), String(host.pid));
      this.#options.logger.info({ dir, pid: host.pid }, "agent host started");
    } finally {
      closeSync(log);
    }
  }

  /** The pid the host left, if that process still runs this host. */
  async #hostPid(dir: string): Promise<number | undefined> {
    let pid: number;
    try {
      pid = Number(await readFile(join(dir, PID), "utf8"));
    } catch {
      return undefined;
    }
    if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return undefined;
    try {
      // a recycled pid must not be killed: the process must be this agent's host
      const commandLine = await readFile(`/proc/${pid}/cmdline`, "utf8");
      return commandLine.includes(join(dir, SOCKET)) ? pid : undefined;
    } catch {
      return process.platform === "linux" ? undefined : pid;
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // gone already
  }
}
