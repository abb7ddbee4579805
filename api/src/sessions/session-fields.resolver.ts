import { AgentKind, KeySource, Provider } from "@agentry/core";
import { AppError } from "@agentry/core";
import { Arg, FieldResolver, Resolver, Root } from "type-graphql";
import { AgentType } from "../agents/agent.types.js";
import type { AgentRecord, AgentService } from "../agents/agent.service.js";
import { CredentialChoiceType } from "../credentials/credential-choice.types.js";
import { CredentialInfoType } from "../credentials/credential.types.js";
import type {
  CredentialChoice,
  CredentialRecord,
  CredentialService,
} from "../credentials/credential.service.js";
import { listComplexity } from "../graphql/complexity.js";
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
import type { MemberRecord, SessionMemberService } from "./session-member.service.js";
import { SessionMemberType, SessionType } from "./session.types.js";

// A Session object only exists once SessionAccessService has let the viewer read it, so these
// fields need no further check: they read what belongs to that session.

/** A series' length for its cost: its bucket count, the cap when the range makes no sense. */
const seriesLength = (args: Readonly<Record<string, unknown>>): number => {
  const { bucket, from, to } = args;
  if (!(from instanceof Date) || !(to instanceof Date) || (bucket !== "HOUR" && bucket !== "DAY"))
    return MAX_BUCKETS;
  return Math.min(Math.max(bucketCount(bucket, from, to), 1), MAX_BUCKETS);
};

@Resolver(() => SessionType)
export class SessionFieldsResolver {
  constructor(
    private readonly credentialService: CredentialService,
    private readonly agentService: AgentService,
    private readonly usageService: UsageService,
    private readonly memberService: SessionMemberService,
  ) {}

  @FieldResolver(() => [CredentialInfoType], {
    description: "The session's own keys (metadata only, one per provider).",
  })
  keys(@Root() session: SessionView): Promise<CredentialRecord[]> {
    return this.credentialService.sessionKeys(session.id);
  }

  @FieldResolver(() => KeySource, {
    nullable: true,
    description:
      "Which key your next message to an agent of `agentKind` would use: the session's key, else your own account credential, else the system key (where allowed); null = none. agentKind defaults to CHAT (API keys only), and to COPILOT for GITHUB_COPILOT.",
  })
  keySource(
    @Root() session: SessionView,
    @Arg("provider", () => Provider, { description: "The provider." }) provider: Provider,
    @Arg("agentKind", () => AgentKind, {
      nullable: true,
      description: "The agent kind to resolve for (which credential kinds it can use).",
    })
    agentKind?: AgentKind | null,
  ): Promise<KeySource | null> {
    return this.credentialService.keySource(
      session.viewerId,
      session.id,
      provider,
      agentKind ?? undefined,
    );
  }

  @FieldResolver(() => CredentialChoiceType, {
    nullable: true,
    description:
      "Which credential your next message to an agent of this kind would use with the provider (where from, its kind and hint); null when there is none and the message would fail NO_API_KEY.",
  })
  nextCredential(
    @Root() session: SessionView,
    @Arg("provider", () => Provider, { description: "The provider." }) provider: Provider,
    @Arg("agentKind", () => AgentKind, {
      nullable: true,
      description:
        "The agent kind (which credential kinds it can use, in its order); default: the first kind that runs with the provider.",
    })
    agentKind?: AgentKind | null,
  ): Promise<CredentialChoice | null> {
    return this.credentialService.nextCredential(
      session.viewerId,
      session.id,
      provider,
      agentKind ?? undefined,
    );
  }

  @FieldResolver(() => [AgentType], { description: "The session's agents, oldest first." })
  agents(@Root() session: SessionView): Promise<AgentRecord[]> {
    return this.agentService.forSession(session.id);
  }

  @FieldResolver(() => UsageStatsType, { description: "The session's usage totals." })
  usage(@Root() session: SessionView): Promise<UsageStats> {
    return this.usageService.stats(session.id);
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
  members(@Root() session: SessionView): Promise<MemberRecord[]> {
    return this.memberService.list(session.id);
  }
}
