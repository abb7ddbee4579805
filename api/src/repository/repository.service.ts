import {
  AGENT_CHANGES,
  AGENT_FILE_DIFF,
  AppError,
  isCommitRef,
  parseRepositoryRef,
  PUSH_AGENT_BRANCH,
} from "@agentry/core";
import type { PrismaClient } from "@agentry/prisma";
import type { CredentialChecks } from "../credentials/credential-checks.js";
import type { SessionAccessService } from "../sessions/session-access.service.js";

/** How long a push may take before the api stops waiting for the worker. */
const PUSH_TIMEOUT_MS = 120_000;

export interface AgentChanges {
  readonly baseCommit: string;
  readonly files: readonly {
    readonly path: string;
    readonly status: "ADDED" | "MODIFIED" | "DELETED";
    readonly added: number | null;
    readonly removed: number | null;
  }[];
}

/**
 * An agent's work on the session's repository: its changes and a push of them. The workspace
 * lives with the agent, so the worker computes them (core's repository checks); the api checks
 * who may ask. Reading: anyone who may read the session. Pushing: its owner and editors.
 */
export class RepositoryService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly access: SessionAccessService,
    private readonly checks: CredentialChecks,
  ) {}

  /** Null when the agent has no clone (no repository, or before its first message). */
  async changes(viewerId: string, agentId: string): Promise<AgentChanges | null> {
    await this.access.requireAgent(viewerId, agentId, "read");
    if (!(await this.cloned(agentId))) return null;
    return this.checks.request(AGENT_CHANGES, { agentId });
  }

  async fileDiff(
    viewerId: string,
    agentId: string,
    path: string,
  ): Promise<{ path: string; diff: string; truncated: boolean } | null> {
    await this.access.requireAgent(viewerId, agentId, "read");
    // eslint-disable-next-line no-control-regex
    if (path === "" || path.length > 4096 || /[\u0000]/.test(path)) {
      throw new AppError("BAD_USER_INPUT", "path must be a file's path in the repository", {
        field: "path",
      });
    }
    if (!(await this.cloned(agentId))) return null;
    return { path, ...(await this.checks.request(AGENT_FILE_DIFF, { agentId, path })) };
  }

  async push(
    actorId: string,
    agentId: string,
    branchInput: string,
    messageInput: string | null | undefined,
  ) {
    await this.access.requireAgent(actorId, agentId, "use");
    const branch = parseRepositoryRef(branchInput, "branch");
    if (branch === null || isCommitRef(branch) || branch.startsWith("refs/") || branch === "HEAD") {
      throw new AppError("BAD_USER_INPUT", "branch must be a branch name (e.g. agent/fix-login)", {
        field: "branch",
      });
    }
    const message = messageInput?.trim() ?? "";
    if (message.length > 10_000) {
      throw new AppError("BAD_USER_INPUT", "message is too long (at most 10000 characters)", {
        field: "message",
      });
    }
    const agent = await this.prisma.agent.findUnique({
      where: { id: agentId },
      select: { kind: true, model: true, repoCommit: true },
    });
    if (agent?.repoCommit == null) {
      throw new AppError(
        "BAD_USER_INPUT",
        "The agent has no clone of the session's repository yet (it is made before its first message)",
        { field: "agentId" },
      );
    }
    return this.checks.request(
      PUSH_AGENT_BRANCH,
      {
        agentId,
        actingUserId: actorId,
        branch,
        message:
          message === "" ? `Changes made by a ${agent.kind} agent (${agent.model})` : message,
      },
      PUSH_TIMEOUT_MS,
    );
  }

  private async cloned(agentId: string): Promise<boolean> {
    const agent = await this.prisma.agent.findUnique({
      where: { id: agentId },
      select: { repoCommit: true },
    });
    return agent?.repoCommit != null;
  }
}
