import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import {
  AgentKind,
  AppError,
  isAppError,
  type AgentEvent,
  type AgentRunInput,
} from "@agentry/core";
import type { AgentChannel } from "./agent-channel.js";
import { ProcessHosts } from "./process-host.js";
import { agentFailed, describeRunExit, streamRun, type AgentProcess } from "./run-stream.js";
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
import { execLocal } from "./workspace-exec.js";

export interface ProcessRuntimeOptions {
  /** Root of the agents' directories: `<dataDir>/<agentId>/{workspace,home,agent.json}`. */
  dataDir: string;
  /** The agent program, e.g. `<repoRoot>/agent/dist/agent.mjs`. */
  agentScript: string;
  /** Its resident host, e.g. `<repoRoot>/agent/dist/agent-host.mjs`. */
  hostScript: string;
  logger: Logger;
  /** Default: the node running the worker. */
  nodeBinary?: string;
  /**
   * Environment every run gets. The worker's own environment (database URL, encryption keys,
   * system API keys) is never passed on; only PATH is taken from it unless given here.
   */
  env?: Readonly<Record<string, string>>;
  /**
   * The deployment's namespace (the worker's), kept in each agent's meta file: `list` sees only
   * its own, so a worker's reconciliation never removes another deployment's or test run's
   * agents from a shared data directory. Default "".
   */
  namespace?: string;
}

interface AgentMeta extends AgentRef {
  stopped: boolean;
  /** Absent for "" (and in meta files written before namespaces). */
  namespace?: string;
}

const isAgentKind = (value: unknown): value is AgentKind =>
  typeof value === "string" && Object.values<string>(AgentKind).includes(value);

function parseMeta(text: string): AgentMeta | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null) return undefined;
    const { agentId, sessionId, kind, stopped, namespace } = value as Record<string, unknown>;
    if (typeof agentId !== "string" || typeof sessionId !== "string" || !isAgentKind(kind))
      return undefined;
    return {
      agentId,
      sessionId,
      kind,
      stopped: stopped === true,
      ...(typeof namespace === "string" && namespace !== "" ? { namespace } : {}),
    };
  } catch {
    return undefined;
  }
}

/**
 * Runs each agent as a local resident host process (`agent-host.mjs`, detached from the worker,
 * keeping `node <agentScript>` loaded), reached on a unix socket in the agent's directory, which
 * is also the workspace's parent (see process-host.ts). For development where no Docker engine
 * runs: it isolates NOTHING. Agents run as the worker's user, see the host's files and network,
 * and can read other agents' workspaces. Only the worker's environment variables are kept from
 * them.
 */
export class ProcessRuntime implements AgentRuntime {
  readonly name = "process";
  readonly #dataDir: string;
  readonly #agentScript: string;
  readonly #logger: Logger;
  readonly #nodeBinary: string;
  readonly #env: Readonly<Record<string, string>>;
  readonly #hosts: ProcessHosts;
  readonly #namespace: string;

  constructor(options: ProcessRuntimeOptions) {
    this.#dataDir = options.dataDir;
    this.#agentScript = options.agentScript;
    this.#logger = options.logger.child({ runtime: "process" });
    this.#nodeBinary = options.nodeBinary ?? process.execPath;
    this.#namespace = options.namespace ?? "";
    const path = process.env["PATH"];
    this.#env = { ...(path === undefined ? {} : { PATH: path }), LANG: "C.UTF-8", ...options.env };
    this.#hosts = new ProcessHosts({
      nodeBinary: this.#nodeBinary,
      hostScript: options.hostScript,
      agentScript: this.#agentScript,
      logger: this.#logger,
    });
    this.#logger.warn(
      { dataDir: this.#dataDir },
      "AGENT_RUNTIME=process gives agents NO ISOLATION: they run as this worker's user on this host, " +
        "with its files and network. Use it for development only; use the docker runtime anywhere else.",
    );
  }

  async readJournal(agentId: string, messageId: string, attempt: number): Promise<string | null> {
    assertSafeId(agentId);
    const path = join(this.#dir(agentId), "workspace", journalRelativePath(messageId, attempt));
    try {
      return await readFile(path, "utf8");
    } catch {
      return null;
    }
  }

  #dir(agentId: string): string {
    assertSafeId(agentId);
    return join(this.#dataDir, agentId);
  }

  async #readMeta(agentId: string): Promise<AgentMeta | undefined> {
    try {
      return parseMeta(await readFile(join(this.#dir(agentId), "agent.json"), "utf8"));
    } catch {
      return undefined;
    }
  }

  async #writeMeta(meta: AgentMeta): Promise<void> {
    await writeFile(join(this.#dir(meta.agentId), "agent.json"), JSON.stringify(meta), {
      mode: 0o600,
    });
  }

  async ensure(agent: AgentRef): Promise<EnsuredAgent> {
    assertSafeId(agent.sessionId);
    const dir = this.#dir(agent.agentId);
    const meta = await this.#readMeta(agent.agentId);
    if (meta !== undefined && !meta.stopped) {
      await this.#hosts.ensure(dir, this.#env); // a host that died is started again
      return { handle: dir, created: false };
    }
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await mkdir(join(dir, "workspace"), { recursive: true, mode: 0o700 });
    await mkdir(join(dir, "home"), { recursive: true, mode: 0o700 });
    await this.#writeMeta({
      agentId: agent.agentId,
      sessionId: agent.sessionId,
      kind: agent.kind,
      stopped: false,
      ...(this.#namespace === "" ? {} : { namespace: this.#namespace }),
    });
    await this.#hosts.ensure(dir, this.#env);
    return { handle: dir, created: true };
  }

  run(agentId: string, input: AgentRunInput, options: RunOptions = {}): AsyncIterable<AgentEvent> {
    return this.#run(agentId, input, options);
  }

  async *#run(
    agentId: string,
    input: AgentRunInput,
    options: RunOptions,
  ): AsyncGenerator<AgentEvent> {
    const dir = this.#dir(agentId);
    const meta = await this.#readMeta(agentId);
    if (meta === undefined || meta.stopped) {
      yield agentFailed(
        meta === undefined
          ? "The agent's environment is missing"
          : "The agent's environment is stopped",
      );
      return;
    }
    let channel: AgentChannel;
    try {
      channel = await this.#hosts.channel(dir, this.#env);
    } catch (error) {
      if (!isAppError(error)) throw error;
      this.#logger.error({ agentId, err: error }, "could not reach the agent's host");
      yield agentFailed("The agent could not be started");
      return;
    }
    const run = channel.run(input, options.env);
    const agentProcess: AgentProcess = {
      stdout: run.stdout,
      stderr: run.stderr,
      exited: async () => {
        const exit = await run.ended;
        if (exit !== null) return { reason: describeRunExit(exit) };
        const stopped = (await this.#readMeta(agentId))?.stopped ?? true;
        return {
          reason: stopped
            ? "The agent's environment was stopped during the run"
            : "The agent's host process ended during the run",
        };
      },
      kill: () => {
        run.cancel();
        return Promise.resolve();
      },
    };
    yield* streamRun(agentProcess, {
      agentId,
      secret: input.credential.secret,
      logger: this.#logger,
      signal: options.signal,
      onOutput: options.onOutput,
    });
  }

  async exec(agentId: string, command: WorkspaceCommand): Promise<WorkspaceCommandResult> {
    const meta = await this.#readMeta(agentId);
    if (meta === undefined || meta.stopped) {
      throw new AppError("AGENT_FAILED", "The agent's environment is not running");
    }
    return execLocal(join(this.#dir(agentId), "workspace"), this.#env, command);
  }

  workspacePath(agentId: string): string {
    return join(this.#dir(agentId), "workspace");
  }

  async stop(agentId: string): Promise<void> {
    const meta = await this.#readMeta(agentId);
    if (meta !== undefined && !meta.stopped) await this.#writeMeta({ ...meta, stopped: true });
    await this.#hosts.stop(this.#dir(agentId));
  }

  async remove(agentId: string): Promise<void> {
    await this.#hosts.stop(this.#dir(agentId));
    await rm(this.#dir(agentId), { recursive: true, force: true });
  }

  async removeSession(sessionId: string): Promise<void> {
    assertSafeId(sessionId);
    const agents = await this.list();
    await Promise.all(
      agents
        .filter((agent) => agent.sessionId === sessionId)
        .map((agent) => this.remove(agent.agentId)),
    );
  }

  async inspect(agentId: string): Promise<AgentInspection> {
    const meta = await this.#readMeta(agentId);
    if (meta === undefined) return { state: "missing" };
    return { state: meta.stopped ? "stopped" : "running", handle: this.#dir(agentId) };
  }

  async list(): Promise<ListedAgent[]> {
    let names: string[];
    try {
      names = await readdir(this.#dataDir);
    } catch {
      return [];
    }
    const metas = await Promise.all(
      names.map(async (name) => {
        try {
          const meta = parseMeta(await readFile(join(this.#dataDir, name, "agent.json"), "utf8"));
          const ours = (meta?.namespace ?? "") === this.#namespace;
          return meta?.agentId === name && ours ? meta : undefined;
        } catch {
          return undefined;
        }
      }),
    );
    return metas
      .filter((meta) => meta !== undefined)
      .map(({ agentId, sessionId, kind, stopped }) => ({
        agentId,
        sessionId,
        kind,
        state: stopped ? "stopped" : "running",
        handle: join(this.#dataDir, agentId),
      }));
  }
}
