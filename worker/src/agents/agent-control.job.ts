import { agentControlJobSchema, type AgentEventLog } from "@agentry/core";
import { UnrecoverableError, type Job } from "bullmq";
import type { AgentRuntime } from "../runtime/index.js";

/**
 * Housekeeping jobs: a deleted session's containers, workspaces and event history go; a removed
 * agent's the same way.
 */
export function createAgentControlProcessor(deps: {
  runtime: AgentRuntime;
  events: AgentEventLog;
}) {
  return async function processAgentControlJob(job: Job): Promise<void> {
    const parsed = agentControlJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError("invalid agent control job payload");
    if (parsed.data.type === "removeAgent") {
      const { agentId } = parsed.data;
      await deps.runtime.remove(agentId);
      await deps.events.forget(agentId);
      return;
    }
    const { sessionId } = parsed.data;
    const agents = (await deps.runtime.list()).filter((agent) => agent.sessionId === sessionId);
    await deps.runtime.removeSession(sessionId);
    for (const agent of agents) await deps.events.forget(agent.agentId);
  };
}
