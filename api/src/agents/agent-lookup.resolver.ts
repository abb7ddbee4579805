import { AppError } from "@agentry/core";
import { Arg, Ctx, ID, Query, Resolver } from "type-graphql";
import { requireViewer, type RequestContext } from "../graphql/context.js";
import { parseId } from "../graphql/limits.js";
import type { SessionAccessService } from "../sessions/session-access.service.js";
import type { AgentRecord, AgentService } from "./agent.service.js";
import { AgentType } from "./agent.types.js";

/** One agent by its id, for what is asked of one agent alone (its changes, a file's diff). */
@Resolver()
export class AgentLookupResolver {
  constructor(
    private readonly agents: AgentService,
    private readonly access: SessionAccessService,
  ) {}

  @Query(() => AgentType, {
    nullable: true,
    description:
      "An agent of a session you own or are a member of; null when it does not exist or is not yours.",
  })
  async agent(
    @Ctx() ctx: RequestContext,
    @Arg("id", () => ID, { description: "The agent's id." }) id: string,
  ): Promise<AgentRecord | null> {
    const viewer = requireViewer(ctx);
    const agentId = parseId(id, "id");
    try {
      await this.access.requireAgent(viewer.userId, agentId, "read");
    } catch (error) {
      if (error instanceof AppError && error.code === "NOT_FOUND") return null;
      throw error;
    }
    return this.agents.byId(agentId);
  }
}
