import { AgentKind, Provider } from "@agentry/core";
import { Arg, Ctx, FieldResolver, Float, ID, Mutation, Resolver, Root } from "type-graphql";
import { requireViewer, type RequestContext } from "../graphql/context.js";
import { parseId } from "../graphql/limits.js";
import type { SessionAccessService, SessionView } from "../sessions/session-access.service.js";
import { SessionType } from "../sessions/session.types.js";
import type { AgentCommandService } from "./agent-command.service.js";
import type { AgentRecord, MessageRecord } from "./agent.service.js";
import { AgentType, MessageType } from "./agent.types.js";

/** Spawning agents, sending messages, and the session's budget. */
@Resolver(() => SessionType)
export class AgentCommandResolver {
  constructor(
    private readonly commands: AgentCommandService,
    private readonly access: SessionAccessService,
  ) {}

  @Mutation(() => AgentType, {
    description:
      "Adds an agent to a session (owner or editor). Its container starts with its first message. The provider is inferred from the model when omitted, and a default model is chosen per provider.",
  })
  spawnAgent(
    @Ctx() ctx: RequestContext,
    @Arg("sessionId", () => ID, { description: "The session." }) sessionId: string,
    @Arg("kind", () => AgentKind, { description: "Which agent (CHAT is the built-in chat agent)." })
    kind: AgentKind,
    @Arg("model", () => String, {
      nullable: true,
      description: "The model, e.g. claude-sonnet-4-5.",
    })
    model?: string | null,
    @Arg("provider", () => Provider, {
      nullable: true,
      description: "The provider; inferred from the model when omitted.",
    })
    provider?: Provider | null,
    @Arg("name", () => String, {
      nullable: true,
      description:
        "What to call it (1 to 200 characters); default: its kind's name, numbered from the second of that kind in the session on.",
    })
    name?: string | null,
  ): Promise<AgentRecord> {
    return this.commands.spawn(
      requireViewer(ctx).userId,
      parseId(sessionId, "sessionId"),
      kind,
      model ?? undefined,
      provider ?? undefined,
      name ?? undefined,
    );
  }

  @Mutation(() => AgentType, {
    description:
      "Renames an agent (owner or editor of its session), so two of one kind can be told apart.",
  })
  renameAgent(
    @Ctx() ctx: RequestContext,
    @Arg("id", () => ID, { description: "The agent." }) id: string,
    @Arg("name", () => String, { description: "Its new name (1 to 200 characters)." })
    name: string,
  ): Promise<AgentRecord> {
    return this.commands.rename(requireViewer(ctx).userId, parseId(id, "id"), name);
  }

  @Mutation(() => MessageType, {
    description:
      "Sends the agent a message (owner or editor). It is queued and runs after the agent's earlier messages; its status follows the run, its keySource and errorCode say how it ran, and the reply arrives as an assistant message and as agentEvents.",
  })
  sendMessage(
    @Ctx() ctx: RequestContext,
    @Arg("agentId", () => ID, { description: "The agent." }) agentId: string,
    @Arg("text", () => String, { description: "The message (1 to 32,000 characters)." })
    text: string,
  ): Promise<MessageRecord> {
    return this.commands.send(requireViewer(ctx).userId, parseId(agentId, "agentId"), text);
  }

  @Mutation(() => MessageType, {
    description:
      "Stops a message (owner or editor of its session). A QUEUED message is CANCELLED at once and never runs. A RUNNING one is stopped: the provider calls made so far are counted, what the agent had written is kept as the reply, the message ends CANCELLED (an agentEvents CANCELLED event after STATUS IDLE) and the agent takes its next message; the answer waits up to 10 seconds for the stop. A message that already ended is returned as it ended (stopping is idempotent). An agent's reply: BAD_USER_INPUT; another's message: NOT_FOUND; a viewer: FORBIDDEN.",
  })
  cancelMessage(
    @Ctx() ctx: RequestContext,
    @Arg("id", () => ID, { description: "The user message to stop." }) id: string,
  ): Promise<MessageRecord> {
    return this.commands.cancel(requireViewer(ctx).userId, parseId(id, "id"));
  }

  @Mutation(() => Boolean, {
    description:
      "Removes an agent (owner or editor of its session): a message it is running is stopped first (as cancelMessage), then the agent goes with its conversation (messages, events, queued messages that never run) and its environment and workspace. What it spent stays the session's: its usage totals, its usageSeries and the per-call records, no longer tied to the agent. Another's agent: NOT_FOUND; a viewer: FORBIDDEN.",
  })
  removeAgent(
    @Ctx() ctx: RequestContext,
    @Arg("id", () => ID, { description: "The agent to remove." }) id: string,
  ): Promise<boolean> {
    return this.commands.removeAgent(requireViewer(ctx).userId, parseId(id, "id"));
  }

  @Mutation(() => SessionType, {
    description:
      "Sets the session's cost cap in USD, or clears it with null (owner only). A message that would start past the cap is refused with BUDGET_EXCEEDED, and a run that crosses it stops after the current provider call.",
  })
  async setSessionBudget(
    @Ctx() ctx: RequestContext,
    @Arg("sessionId", () => ID, { description: "The session." }) sessionId: string,
    @Arg("budgetUsd", () => Float, {
      nullable: true,
      description: "The cap in USD; null for none.",
    })
    budgetUsd: number | null,
  ): Promise<SessionView> {
    const viewer = requireViewer(ctx);
    const id = parseId(sessionId, "sessionId");
    await this.commands.setBudget(viewer.userId, id, budgetUsd);
    return this.access.require(viewer.userId, id, "manage");
  }

  @FieldResolver(() => Float, {
    nullable: true,
    description: "The session's cost cap in USD; null for none.",
  })
  budgetUsd(@Root() session: SessionView): Promise<number | null> {
    return this.commands.budget(session.id);
  }
}
