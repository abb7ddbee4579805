import { z } from "zod";
import { defineCredentialCheck } from "../credential-check-queue.js";

// The agent's work on the session's repository (issue 9): computed where the workspace is (the
// worker, through the agent's runtime), asked for by the api on the credential-checks queue
// like any request that needs an answer (a push also needs the repository token opened). The
// api has checked the acting user's access to the agent first.

const changeSchema = z.object({
  path: z.string(),
  status: z.enum(["ADDED", "MODIFIED", "DELETED"]),
  /** Lines added and removed; null for a binary file. */
  added: z.number().int().nullable(),
  removed: z.number().int().nullable(),
});

/** Agent.changes: the files changed in the agent's workspace since its clone. */
export const AGENT_CHANGES = defineCredentialCheck(
  "agent-changes",
  z.object({ agentId: z.uuid() }),
  z.object({ baseCommit: z.string(), files: z.array(changeSchema) }),
);

/** Agent.fileDiff: one file's unified diff since the clone, size-capped. */
export const AGENT_FILE_DIFF = defineCredentialCheck(
  "agent-file-diff",
  z.object({ agentId: z.uuid(), path: z.string().min(1).max(4096) }),
  z.object({ diff: z.string(), truncated: z.boolean() }),
);

/**
 * pushAgentBranch: commit the workspace's changes as the acting user and push them as `branch`
 * with the repository token (the session's, else the acting user's).
 */
export const PUSH_AGENT_BRANCH = defineCredentialCheck(
  "push-agent-branch",
  z.object({
    agentId: z.uuid(),
    actingUserId: z.uuid(),
    branch: z.string().min(1).max(255),
    message: z.string().min(1).max(10_000),
  }),
  z.object({ branch: z.string(), commit: z.string(), remoteMessage: z.string() }),
);
