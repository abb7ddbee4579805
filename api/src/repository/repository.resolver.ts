import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from "type-graphql";
import type { AgentRecord } from "../agents/agent.service.js";
import { AgentType } from "../agents/agent.types.js";
import { requireViewer, type RequestContext } from "../graphql/context.js";
import { parseId } from "../graphql/limits.js";
import type { RepositoryService } from "./repository.service.js";
import { AgentChangesType, FileDiffType, PushedBranchType } from "./repository.types.js";

@Resolver(() => AgentType)
export class RepositoryResolver {
  constructor(private readonly repository: RepositoryService) {}

  @FieldResolver(() => AgentChangesType, {
    nullable: true,
    description:
      "The files it changed in its working copy of the session's repository since the clone, with line counts; null when it has no clone (no repository, or before its first message). Computed by the worker on request: ask for it after a message, not in lists.",
    complexity: 50,
  })
  changes(@Ctx() ctx: RequestContext, @Root() agent: AgentRecord) {
    return this.repository.changes(requireViewer(ctx).userId, agent.id);
  }

  @FieldResolver(() => FileDiffType, {
    nullable: true,
    description:
      "The unified diff of one file since the clone (at most 256 KiB; `truncated` says when cut); null when it has no clone.",
    complexity: 50,
  })
  fileDiff(
    @Ctx() ctx: RequestContext,
    @Root() agent: AgentRecord,
    @Arg("path", () => String, { description: "The file's path (FileChange.path)." }) path: string,
  ) {
    return this.repository.fileDiff(requireViewer(ctx).userId, agent.id, path);
  }

  @Mutation(() => PushedBranchType, {
    description:
      "Commits the agent's changes (author: you) and pushes them as `branch` to the session's repository with the repository token (the session's GIT key, else yours). Owner and editors. REPOSITORY_UNAVAILABLE: unreachable, not found, or the token missing or refused; FORBIDDEN: the repository rejected the update (not a fast-forward, a protected branch, a hook); BAD_USER_INPUT: no clone yet, nothing to push, or the agent is running a message.",
  })
  pushAgentBranch(
    @Ctx() ctx: RequestContext,
    @Arg("agentId", () => ID, { description: "The agent." }) agentId: string,
    @Arg("branch", () => String, {
      description: "The branch to push to (created or fast-forwarded), e.g. agent/fix-login.",
    })
    branch: string,
    @Arg("message", () => String, {
      nullable: true,
      description: "The commit message; default: one naming the agent.",
    })
    message?: string | null,
  ) {
    return this.repository.push(
      requireViewer(ctx).userId,
      parseId(agentId, "agentId"),
      branch,
      message,
    );
  }
}
