import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import { AgentKind, type AgentEvent, type AgentRunInput } from "@agentry/core";
import { agentFailed, streamRun, type AgentProcess, type ExitOutcome } from "./run-stream.js";
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

export interface ProcessRuntimeOptions {
  /** Root of the agents' directories: `<dataDir>/<agentId>/{workspace,home,agent.json}`. */
  dataDir: string;
  /** The agent program, e.g. `<repoRoot>/agent/dist/agent.mjs`. */
  agentScript: string;
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
 * Runs each message as a child process of the worker (`node <agentScript>`), with the agent's
 * directory as its workspace. For development where no Docker engine runs: it isolates
 * NOTHING. Agents run as the worker's user, see the host's files and network, and can read
 * other agents' workspaces. Only the worker's environment variables are kept from them.
 */
export class ProcessRuntime implements AgentRuntime {
  readonly name = "process";
  readonly #dataDir: string;
  readonly #agentScript: string;
  readonly #logger: Logger;
  readonly #nodeBinary: string;
  readonly #env: Readonly<Record<string, string>>;
  readonly #runs = new Map<string, Set<() => void>>();
  readonly #namespace: string;

  constructor(options: ProcessRuntimeOptions) {
    this.#dataDir = options.dataDir;
    this.#agentScript = options.agentScript;
    this.#logger = options.logger.child({ runtime: "process" });
    this.#nodeBinary = options.nodeBinary ?? process.execPath;
    this.#namespace = options.namespace ?? "";
    const path = process.env["PATH"];
    this.#env = { ...(path === undefined ? {} : { PATH: path }), LANG: "C.UTF-8", ...options.env };
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
    if (meta !== undefined && !meta.stopped) return { handle: dir, created: false };
    await mkdir(join(dir, "workspace"), { recursive: true, mode: 0o700 });
    await mkdir(join(dir, "home"), { recursive: true, mode: 0o700 });
    await this.#writeMeta({
      agentId: agent.agentId,
      sessionId: agent.sessionId,
      kind: agent.kind,
      stopped: false,
      ...(this.#namespace === "" ? {} : { namespace: this.#namespace }),
    });
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
    const workspace = join(dir, "workspace");
    const child = spawn(this.#nodeBinary, [this.#agentScript], {
      cwd: workspace,
      env: {
        ...this.#env,
        ...options.env,
        HOME: join(dir, "home"),
        AGENT_WORKSPACE: workspace,
        AGENTRY_RUN_ID: randomUUID(),
      },
      stdio: ["pipe", "pipe", "pipe"],
      // its own process group, so a kill takes the agent's subprocesses with it
      detached: true,
    });
    let closed = false;
    const exited = new Promise<ExitOutcome>((resolve) => {
      child.once("error", (error) => {
        this.#logger.error({ agentId, err: error }, "could not start the agent process");
        resolve({ reason: "The agent could not be started" });
      });
      child.once("close", (code, signal) => {
        closed = true;
        if (signal !== null) resolve({ reason: `The agent was killed by ${signal}` });
        else if (code !== 0) resolve({ reason: `The agent exited with code ${code ?? "unknown"}` });
        else resolve({ reason: null });
      });
    });
    const kill = (): void => {
      if (!closed) killGroup(child);
    };
    const runs = this.#runs.get(agentId) ?? new Set();
    this.#runs.set(agentId, runs.add(kill));
    child.stdin.on("error", () => undefined); // an agent that exits without reading its input
    child.stdin.end(`${JSON.stringify(input)}\n`);

    const agentProcess: AgentProcess = {
      stdout: child.stdout,
      stderr: child.stderr,
      exited: () => exited,
      kill: () => {
        kill();
        return Promise.resolve();
      },
    };
    try {
      yield* streamRun(agentProcess, {
        agentId,
        secret: input.credential.secret,
        logger: this.#logger,
        signal: options.signal,
      });
    } finally {
      runs.delete(kill);
      if (runs.size === 0) this.#runs.delete(agentId);
    }
  }

  #killRuns(agentId: string): void {
    for (const kill of this.#runs.get(agentId) ?? []) kill();
  }

  async stop(agentId: string): Promise<void> {
    this.#killRuns(agentId);
    const meta = await this.#readMeta(agentId);
    if (meta !== undefined && !meta.stopped) await this.#writeMeta({ ...meta, stopped: true });
  }

  async remove(agentId: string): Promise<void> {
    this.#killRuns(agentId);
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

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    child.kill("SIGKILL"); // the group is gone already, or was never made
  }
}
