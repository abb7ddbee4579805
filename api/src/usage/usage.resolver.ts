import { Args, ArgsType, Field, ID, Resolver, Root, Subscription } from "type-graphql";
import type { SubscribeResolverData } from "type-graphql";
import { requireViewer, type RequestContext } from "../graphql/context.js";
import { parseId } from "../graphql/limits.js";
import type { SessionUsageUpdate } from "../realtime/realtime.service.js";
import type { UsageStats } from "./usage.service.js";
import { UsageStatsType } from "./usage.types.js";

@ArgsType()
export class SessionUsageArgs {
  @Field(() => ID, { description: "The session." })
  sessionId!: string;
}

@Resolver()
export class UsageResolver {
  @Subscription(() => UsageStatsType, {
    description:
      "A session's usage totals: the current ones at once, then again after every recorded provider call. For members only (others: NOT_FOUND).",
    subscribe: ({
      args,
      context,
    }: SubscribeResolverData<unknown, SessionUsageArgs, RequestContext>) =>
      context.realtime.sessionUsage(requireViewer(context), parseId(args.sessionId, "sessionId")),
  })
  sessionUsage(
    @Root() update: SessionUsageUpdate,
    @Args(() => SessionUsageArgs) args: SessionUsageArgs,
  ): UsageStats {
    return sessionUsageOf(update, args.sessionId);
  }
}

/**
 * An update of the sessionUsage stream as the subscription returns it (the field's resolver;
 * run per update as a plain function, see schema.ts' EVENT_RESOLVERS).
 */
export function sessionUsageOf(update: SessionUsageUpdate, sessionId: string): UsageStats {
  // The stream is per session already; this makes a crossed wire fail instead of leak.
  if (update.sessionId !== sessionId.toLowerCase()) {
    throw new Error("sessionUsage: update of another session");
  }
  return update.stats;
}
