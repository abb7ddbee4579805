import { AgentKind, KeySource, Provider } from "@agentry/core";
import { Field, Float, ID, Int, ObjectType } from "type-graphql";
import { AgentEventType, AgentStatus, MessageStatus } from "../graphql/enums.js";
import { BigIntScalar, DateTimeScalar } from "../graphql/scalars.js";

@ObjectType("Agent", { description: "An agent in a session, running in its own container." })
export class AgentType {
  @Field(() => ID, { description: "The agent's id." })
  id!: string;

  @Field(() => AgentKind, { description: "Which agent it is." })
  kind!: AgentKind;

  @Field(() => String, {
    description:
      "What people call it (editable with renameAgent): its kind's name for the first of a kind in a session, then with a number (Chat 2).",
  })
  name!: string;

  @Field(() => Provider, { description: "The provider it calls." })
  provider!: Provider;

  @Field(() => String, { description: "The model it uses." })
  model!: string;

  @Field(() => AgentStatus, { description: "Its lifecycle state." })
  status!: AgentStatus;

  @Field(() => String, {
    nullable: true,
    description: "Why it is in its status, when that needs saying (FAILED).",
  })
  statusReason!: string | null;

  @Field(() => DateTimeScalar, { description: "When it was spawned." })
  createdAt!: Date;

  sessionId!: string;
}

@ObjectType("Message", { description: "A message to or from an agent." })
export class MessageType {
  @Field(() => ID, { description: "The message's id." })
  id!: string;

  @Field(() => String, {
    description: '"user" (sent by a person) or "assistant" (the agent\'s reply).',
  })
  role!: string;

  @Field(() => String, { description: "Its text." })
  text!: string;

  @Field(() => MessageStatus, { description: "Where it is in its run." })
  status!: MessageStatus;

  @Field(() => String, {
    nullable: true,
    description:
      "Why it failed (an error code such as NO_API_KEY or INVALID_API_KEY); null unless FAILED.",
  })
  errorCode!: string | null;

  @Field(() => String, { nullable: true, description: "A human-readable reason when it failed." })
  errorMessage!: string | null;

  @Field(() => KeySource, {
    nullable: true,
    description: "Which key its run used; null before it ran.",
  })
  keySource!: KeySource | null;

  @Field(() => ID, {
    nullable: true,
    description: "For an assistant message: the user message it answers. Null for user messages.",
  })
  replyToId!: string | null;

  @Field(() => DateTimeScalar, { description: "When it was sent or created." })
  createdAt!: Date;
}

@ObjectType("CallUsage", { description: "One provider call's usage." })
export class CallUsageType {
  @Field(() => Int, { description: "0-based index of the call within its run." })
  callIndex!: number;

  @Field(() => Provider, { description: "The provider called." })
  provider!: Provider;

  @Field(() => String, { description: "The model called." })
  model!: string;

  @Field(() => KeySource, { description: "Which key paid for it." })
  keySource!: KeySource;

  @Field(() => BigIntScalar, { description: "Input tokens." })
  inputTokens!: bigint;

  @Field(() => BigIntScalar, { description: "Output tokens." })
  outputTokens!: bigint;

  @Field(() => BigIntScalar, { description: "Cache-read tokens." })
  cacheReadTokens!: bigint;

  @Field(() => BigIntScalar, { description: "Cache-write tokens." })
  cacheWriteTokens!: bigint;

  @Field(() => BigIntScalar, { description: "Reasoning tokens." })
  reasoningTokens!: bigint;

  @Field(() => Float, {
    nullable: true,
    description: "Its estimated cost in USD; null when the model has no known price.",
  })
  costUsd!: number | null;
}

@ObjectType("AgentEvent", {
  description:
    "One event of an agent's live stream. `type` says which of the optional fields are set. Events carry a per-agent sequence number: order by it, and resubscribe with `afterSeq` to replay what was missed.",
})
export class AgentEventObject {
  @Field(() => Int, {
    description: "Per-agent sequence number, strictly increasing (gaps mean missed events).",
  })
  seq!: number;

  @Field(() => AgentEventType, { description: "What the event reports." })
  type!: AgentEventType;

  @Field(() => ID, { description: "The agent." })
  agentId!: string;

  @Field(() => ID, {
    nullable: true,
    description: "The user message whose run produced it; null outside a run.",
  })
  messageId!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "TEXT: the next piece of the reply (a delta, not the whole).",
  })
  text!: string | null;

  @Field(() => String, { nullable: true, description: "TOOL: the tool's name." })
  toolName!: string | null;

  @Field(() => String, { nullable: true, description: "TOOL: what it did, briefly." })
  toolDetail!: string | null;

  @Field(() => CallUsageType, { nullable: true, description: "USAGE: the call's usage." })
  usage!: CallUsageType | null;

  @Field(() => AgentStatus, { nullable: true, description: "STATUS: the agent's new status." })
  status!: AgentStatus | null;

  @Field(() => String, {
    nullable: true,
    description: "ERROR: the error code (INVALID_API_KEY, RATE_LIMITED, …).",
  })
  errorCode!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'ERROR: what went wrong, for people. STATUS: why, when there is something to say (the agent\'s statusReason, e.g. "Cloning https://github.com/acme/app.git…").',
  })
  message!: string | null;

  @Field(() => DateTimeScalar, { description: "When it happened." })
  at!: Date;
}
