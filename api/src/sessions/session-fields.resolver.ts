import { AgentKind, KeySource, Provider } from "@agentry/core";
import { AppError } from "@agentry/core";
import { Arg, Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { AgentType } from "../agents/agent.types.js";
import type { AgentRecord } from "../agents/agent.service.js";
import { CredentialChoiceType } from "../credentials/credential-choice.types.js";
import { CredentialInfoType } from "../credentials/credential.types.js";
import type { CredentialChoice, CredentialRecord } from "../credentials/credential.service.js";
import { listComplexity } from "../graphql/complexity.js";
import type { RequestContext } from "../graphql/context.js";
import { UsageBucketSize } from "../graphql/enums.js";
import { DateTimeScalar } from "../graphql/scalars.js";
import { UsageBucketType, UsageStatsType } from "../usage/usage.types.js";
import {
  bucketCount,
  MAX_BUCKETS,
  type UsageBucket,
  type UsageService,
  type UsageStats,
} from "../usage/usage.service.js";
import type { SessionView } from "./session-access.service.js";
import type { MemberRecord } from "./session-member.service.js";
import { SessionMemberType, SessionType } from "./session.types.js";

// A Session object only exists once SessionAccessService has let the viewer read it, so these
// fields need no further check: they read what belongs to that session. They read through the
// operation's loaders, so a page of sessions costs one query per field, not one per session.

/** A series' length for its cost: its bucket count, the cap when the range makes no sense. */
const seriesLength = (args: Readonly<Record<string, unknown>>): number => {
  const { bucket, from, to } = args;
  if (!(from instanceof Date) || !(to instanceof Date) || (bucket !== "HOUR" && bucket !== "DAY"))
    return MAX_BUCKETS;
  return Math.min(Math.max(bucketCount(bucket, from, to), 1), MAX_BUCKETS);
};

@Resolver(() => SessionType)
export class SessionFieldsResolver {
  constructor(private readonly usageService: UsageService) {}

  @FieldResolver(() => [CredentialInfoType], {
    description: "The session's own keys (metadata only, one per provider).",
  })
  keys(@Root() session: SessionView, @Ctx() ctx: RequestContext): Promise<CredentialRecord[]> {
    return ctx.loaders.sessionKeys.load(session.id);
  }

  @FieldResolver(() => KeySource, {
    nullable: true,
    description:
      "Which key your next message to an agent of `agentKind` would use: the session's key, else your own account credential, else the system key (where allowed); null = none. agentKind defaults to CHAT (API keys only), and to COPILOT for GITHUB_COPILOT.",
  })
  async keySource(
    @Root() session: SessionView,
    @Ctx() ctx: RequestContext,
    @Arg("provider", () => Provider, { description: "The provider." }) provider: Provider,
    @Arg("agentKind", () => AgentKind, {
      nullable: true,
      description: "The agent kind to resolve for (which credential kinds it can use).",
    })
    agentKind?: AgentKind | null,
  ): Promise<KeySource | null> {
    const choice = await ctx.loaders.nextCredential.load({
      viewerId: session.viewerId,
      sessionId: session.id,
      provider,
      agentKind: agentKind ?? undefined,
    });
    return choice?.source ?? null;
  }

  @FieldResolver(() => CredentialChoiceType, {
    nullable: true,
    description:
      "Which credential your next message to an agent of this kind would use with the provider (where from, its kind and hint); null when there is none and the message would fail NO_API_KEY.",
  })
  nextCredential(
    @Root() session: SessionView,
    @Ctx() ctx: RequestContext,
    @Arg("provider", () => Provider, { description: "The provider." }) provider: Provider,
    @Arg("agentKind", () => AgentKind, {
      nullable: true,
      description:
        "The agent kind (which credential kinds it can use, in its order); default: the first kind that runs with the provider.",
    })
    agentKind?: AgentKind | null,
  ): Promise<CredentialChoice | null> {
    return ctx.loaders.nextCredential.load({
      viewerId: session.viewerId,
      sessionId: session.id,
      provider,
      agentKind: agentKind ?? undefined,
    });
  }

  @FieldResolver(() => [AgentType], { description: "The session's agents, oldest first." })
  agents(@Root() session: SessionView, @Ctx() ctx: RequestContext): Promise<AgentRecord[]> {
    return ctx.loaders.sessionAgents.load(session.id);
  }

  @FieldResolver(() => UsageStatsType, { description: "The session's usage totals." })
  usage(@Root() session: SessionView, @Ctx() ctx: RequestContext): Promise<UsageStats> {
    return ctx.loaders.sessionUsage.load(session.id);
  }

  @FieldResolver(() => [UsageBucketType], {
    description:
      "The session's usage over time, one bucket per UTC hour or day in [from, to), empty buckets included (at most 1000 buckets). Its cost counts every bucket.",
    complexity: listComplexity(seriesLength),
  })
  usageSeries(
    @Root() session: SessionView,
    @Arg("bucket", () => UsageBucketSize, { description: "HOUR or DAY." }) bucket: UsageBucketSize,
    @Arg("from", () => DateTimeScalar, {
      description: "Start (inclusive); the first bucket is the one holding it.",
    })
    from: Date,
    @Arg("to", () => DateTimeScalar, { description: "End (exclusive)." }) to: Date,
  ): Promise<UsageBucket[]> {
    if (!(from instanceof Date) || !(to instanceof Date))
      throw new AppError("BAD_USER_INPUT", "from and to must be DateTimes");
    return this.usageService.series(session.id, bucket, from, to);
  }

  @FieldResolver(() => [SessionMemberType], {
    description: "Everyone with access: the owner, then members.",
  })
  members(@Root() session: SessionView, @Ctx() ctx: RequestContext): Promise<MemberRecord[]> {
    return ctx.loaders.sessionMembers.load(session.id);
  }
}
