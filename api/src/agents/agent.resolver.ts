import { AppError, type AgentEventPayload, type KeySource, type Provider } from "@agentry/core";
import {
  Arg,
  Args,
  ArgsType,
  Field,
  FieldResolver,
  ID,
  Int,
  Resolver,
  Root,
  Subscription,
} from "type-graphql";
import type { SubscribeResolverData } from "type-graphql";
import { requireViewer, type RequestContext } from "../graphql/context.js";
import { listComplexity } from "../graphql/complexity.js";
import { parseId } from "../graphql/limits.js";
import type { AgentRecord, AgentService, MessageRecord } from "./agent.service.js";
import { AgentEventObject, AgentType, MessageType } from "./agent.types.js";

/** The messages a `messages` without `last` is costed as. */
const MESSAGES_WITHOUT_LAST = 100;

@ArgsType()
export class AgentEventsArgs {
  @Field(() => ID, { description: "The agent." })
  agentId!: string;

  @Field(() => Int, {
    nullable: true,
    description:
      "Replay the kept events after this sequence number first (the last seq you saw; 0 for all kept). Omit for live events only.",
  })
  afterSeq?: number | null;
}

/** A call's usage as the GraphQL CallUsage shows it. */
export interface CallUsageRecord {
  readonly callIndex: number;
  readonly provider: Provider;
  readonly model: string;
  readonly keySource: KeySource;
  readonly inputTokens: bigint;
  readonly outputTokens: bigint;
  readonly cacheReadTokens: bigint;
  readonly cacheWriteTokens: bigint;
  readonly reasoningTokens: bigint;
  readonly costUsd: number | null;
}

type AgentEventStatus = Extract<AgentEventPayload, { type: "STATUS" }>["status"];

/** An event as the GraphQL AgentEvent shows it (fields not of its type are null). */
export interface AgentEventRecord {
  readonly seq: number;
  readonly type: AgentEventPayload["type"];
  readonly agentId: string;
  readonly messageId: string | null;
  readonly at: Date;
  readonly text: string | null;
  readonly toolName: string | null;
  readonly toolDetail: string | null;
  readonly usage: CallUsageRecord | null;
  readonly status: AgentEventStatus | null;
  readonly errorCode: string | null;
  readonly message: string | null;
}

function toCallUsage(
  usage: Extract<AgentEventPayload, { type: "USAGE" }>["usage"],
): CallUsageRecord {
  return {
    ...usage,
    inputTokens: BigInt(usage.inputTokens),
    outputTokens: BigInt(usage.outputTokens),
    cacheReadTokens: BigInt(usage.cacheReadTokens),
    cacheWriteTokens: BigInt(usage.cacheWriteTokens),
    reasoningTokens: BigInt(usage.reasoningTokens),
  };
}

export function toAgentEvent(event: AgentEventPayload): AgentEventRecord {
  return {
    seq: event.seq,
    type: event.type,
    agentId: event.agentId,
    messageId: event.messageId,
    at: new Date(event.at),
    text: event.type === "TEXT" ? event.text : null,
    toolName: event.type === "TOOL" ? event.tool.name : null,
    toolDetail: event.type === "TOOL" ? (event.tool.detail ?? null) : null,
    usage: event.type === "USAGE" ? toCallUsage(event.usage) : null,
    status: event.type === "STATUS" ? event.status : null,
    errorCode: event.type === "ERROR" ? event.errorCode : null,
    message:
      event.type === "ERROR"
        ? event.message
        : event.type === "STATUS"
          ? (event.reason ?? null)
          : null,
  };
}

/**
 * An event of the agentEvents stream as the subscription returns it (the field's resolver; run
 * per event as a plain function, see schema.ts' EVENT_RESOLVERS).
 */
export function agentEventOf(event: AgentEventPayload, agentId: string): AgentEventRecord {
  // The stream is per agent already; this makes a crossed wire fail instead of leak.
  if (event.agentId !== agentId.toLowerCase()) {
    throw new Error("agentEvents: event of another agent");
  }
  return toAgentEvent(event);
}

@Resolver(() => AgentType)
export class AgentResolver {
  constructor(private readonly agents: AgentService) {}

  @FieldResolver(() => [MessageType], {
    description: "Its messages, oldest first.",
    // Without `last` an agent's history has no bound; its cost assumes a long conversation.
    complexity: listComplexity((args) =>
      typeof args["last"] === "number" ? args["last"] : MESSAGES_WITHOUT_LAST,
    ),
  })
  messages(
    @Root() agent: AgentRecord,
    @Arg("last", () => Int, { nullable: true, description: "Only the last this many (1 to 500)." })
    last?: number | null,
  ): Promise<MessageRecord[]> {
    if (last !== null && last !== undefined && (last < 1 || last > 500)) {
      throw new AppError("BAD_USER_INPUT", "last must be between 1 and 500", { field: "last" });
    }
    return this.agents.messages(agent.id, last ?? undefined);
  }

  @Subscription(() => AgentEventObject, {
    description:
      "An agent's live events: text deltas, tool activity, usage per provider call, status changes, errors, done. For members of its session only (others: NOT_FOUND).",
    subscribe: ({
      args,
      context,
    }: SubscribeResolverData<unknown, AgentEventsArgs, RequestContext>) => {
      const afterSeq = args.afterSeq ?? undefined;
      if (afterSeq !== undefined && afterSeq < 0) {
        throw new AppError("BAD_USER_INPUT", "afterSeq must not be negative", {
          field: "afterSeq",
        });
      }
      return context.realtime.agentEvents(
        requireViewer(context),
        parseId(args.agentId, "agentId"),
        afterSeq,
      );
    },
  })
  agentEvents(
    @Root() event: AgentEventPayload,
    @Args(() => AgentEventsArgs) args: AgentEventsArgs,
  ): AgentEventRecord {
    return agentEventOf(event, args.agentId);
  }
}
