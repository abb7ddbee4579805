import { AppError, AGENT_CHANGES, AGENT_FILE_DIFF, PUSH_AGENT_BRANCH } from "@agentry/core";
import { resolveRepositoryToken } from "../repository/repository-token.js";
import { WorkspaceRepository } from "../repository/workspace-repository.js";
import { checkHandler, type CredentialCheckDeps } from "./check-handler.js";

// The agent's work on the session's repository, for the api (core's repository checks): its
// changes since the clone, one file's diff, and a push. Each runs git in the agent's workspace
// through its runtime, which is started first when it was stopped (its workspace is kept).

async function clonedAgent(deps: CredentialCheckDeps, agentId: string) {
  const agent = await deps.prisma.agent.findUnique({
    where: { id: agentId },
    include: { session: { select: { repoUrl: true, repoRef: true } } },
  });
  if (agent === null) throw new AppError("NOT_FOUND", "Agent not found");
  if (agent.session.repoUrl === null || agent.repoCommit === null) {
    throw new AppError(
      "BAD_USER_INPUT",
      "The agent has no clone of the session's repository yet (it is made before its first message)",
      { field: "agentId" },
    );
  }
  const runtime = deps.runtime;
  if (runtime === undefined) throw new AppError("UNAVAILABLE", "This worker runs no agents");
  await runtime.ensure({ agentId: agent.id, sessionId: agent.sessionId, kind: agent.kind });
  const repository = new WorkspaceRepository(runtime, {
    allowLoopback: deps.env.REPOSITORY_ALLOW_LOOPBACK,
  });
  return {
    agent,
    repository,
    remote: { url: agent.session.repoUrl, ref: agent.session.repoRef },
    baseCommit: agent.repoCommit,
  };
}

export const agentChangesCheck = checkHandler(AGENT_CHANGES, (deps) => async ({ agentId }) => {
  const { repository, baseCommit } = await clonedAgent(deps, agentId);
  return { baseCommit, files: await repository.changes(agentId) };
});

export const agentFileDiffCheck = checkHandler(
  AGENT_FILE_DIFF,
  (deps) =>
    async ({ agentId, path }) => {
      const { repository } = await clonedAgent(deps, agentId);
      return repository.fileDiff(agentId, path);
    },
);

export const pushAgentBranchCheck = checkHandler(
  PUSH_AGENT_BRANCH,
  (deps) =>
    async ({ agentId, actingUserId, branch, message }) => {
      const { agent, repository, remote } = await clonedAgent(deps, agentId);
      if (agent.runningMessageId !== null) {
        throw new AppError(
          "BAD_USER_INPUT",
          "The agent is running a message; push when it is done",
          { field: "agentId" },
        );
      }
      const user = await deps.prisma.user.findUnique({
        where: { id: actingUserId },
        select: { email: true },
      });
      if (user === null) throw new AppError("NOT_FOUND", "User not found");
      const token = await resolveRepositoryToken(
        { prisma: deps.prisma, vault: deps.vault },
        { sessionId: agent.sessionId, actingUserId },
      );
      const name = user.email.split("@")[0] ?? user.email;
      const pushed = await repository.push(
        agentId,
        remote,
        { branch, message, author: { name, email: user.email } },
        token?.secret ?? null,
      );
      deps.logger.info(
        { agentId, branch, commit: pushed.commit, tokenSource: token?.source ?? null },
        "agent branch pushed",
      );
      return { branch, ...pushed };
    },
);
