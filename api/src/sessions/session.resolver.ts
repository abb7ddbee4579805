import { Arg, Args, ArgsType, Ctx, Field, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import { requireViewer, type RequestContext } from "../graphql/context.js";
import { connectionComplexity, type Page } from "../graphql/connection.js";
import { MemberRole } from "../graphql/enums.js";
import { checkLength, parseFirst, parseId } from "../graphql/limits.js";
import type { SessionView } from "./session-access.service.js";
import type { SessionMemberService } from "./session-member.service.js";
import type { SessionService } from "./session.service.js";
import { DEFAULT_SESSION_ORDER, SESSION_CURSOR_MAX_LENGTH } from "./session-order.js";
import {
  CreateSessionInput,
  SessionConnection,
  SessionOrderInput,
  SessionType,
} from "./session.types.js";

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: "How many to return: 1 to 100 (default 20)." })
  first?: number | null;

  @Field(() => String, {
    nullable: true,
    description: "Return those after this cursor (a previous page's endCursor).",
  })
  after?: string | null;
}

@ArgsType()
export class SessionsArgs extends PageArgs {
  @Field(() => SessionOrderInput, {
    nullable: true,
    description:
      "The order, ties broken by id; newest first when omitted. A cursor works only with the orderBy it was made with.",
  })
  orderBy?: SessionOrderInput | null;
}

@Resolver()
export class SessionResolver {
  constructor(
    private readonly sessionService: SessionService,
    private readonly memberService: SessionMemberService,
  ) {}

  @Query(() => SessionType, {
    nullable: true,
    description:
      "A session you own or are a member of; null when it does not exist or is not yours.",
  })
  session(
    @Ctx() ctx: RequestContext,
    @Arg("id", () => ID, { description: "The session's id." }) id: string,
  ): Promise<SessionView | null> {
    return this.sessionService.get(requireViewer(ctx).userId, parseId(id));
  }

  @Query(() => SessionConnection, {
    description:
      "Your sessions (owned and shared with you), newest first unless orderBy says otherwise.",
    complexity: connectionComplexity,
  })
  sessions(
    @Ctx() ctx: RequestContext,
    @Args(() => SessionsArgs) { first, after, orderBy }: SessionsArgs,
  ): Promise<Page<SessionView>> {
    const viewer = requireViewer(ctx);
    return this.sessionService.list(
      viewer.userId,
      parseFirst(first),
      after === null || after === undefined
        ? after
        : checkLength(after, "after", SESSION_CURSOR_MAX_LENGTH),
      orderBy ?? DEFAULT_SESSION_ORDER,
    );
  }

  @Mutation(() => SessionType, {
    description: "Creates a session you own, optionally with its first provider key.",
  })
  createSession(
    @Ctx() ctx: RequestContext,
    @Arg("input", () => CreateSessionInput, { description: "Name, repository and key." })
    input: CreateSessionInput,
  ): Promise<SessionView> {
    return this.sessionService.create(requireViewer(ctx).userId, input);
  }

  @Mutation(() => SessionType, { description: "Renames a session. Owner only." })
  renameSession(
    @Ctx() ctx: RequestContext,
    @Arg("id", () => ID, { description: "The session." }) id: string,
    @Arg("name", () => String, { description: "The new name (1 to 200 characters)." }) name: string,
  ): Promise<SessionView> {
    return this.sessionService.rename(requireViewer(ctx).userId, parseId(id), name);
  }

  @Mutation(() => Boolean, {
    description: "Deletes a session with its keys, agents, messages and usage. Owner only.",
  })
  async deleteSession(
    @Ctx() ctx: RequestContext,
    @Arg("id", () => ID, { description: "The session." }) id: string,
  ): Promise<boolean> {
    await this.sessionService.delete(requireViewer(ctx).userId, parseId(id));
    return true;
  }

  @Mutation(() => SessionType, {
    description:
      "Shares a session with the user who has this email (or changes their role). Owner only. EDITOR members use the session; VIEWER members read it.",
  })
  async addSessionMember(
    @Ctx() ctx: RequestContext,
    @Arg("sessionId", () => ID, { description: "The session." }) sessionId: string,
    @Arg("email", () => String, { description: "The member's email address." }) email: string,
    @Arg("role", () => MemberRole, { description: "EDITOR or VIEWER." }) role: MemberRole,
  ): Promise<SessionView> {
    const viewer = requireViewer(ctx);
    const id = parseId(sessionId, "sessionId");
    await this.memberService.add(viewer.userId, id, checkLength(email, "email", 1024), role);
    return this.sessionService.requireOwned(viewer.userId, id);
  }

  @Mutation(() => Boolean, {
    description:
      "Removes a member from a session: the owner removes anyone, a member may remove themselves.",
  })
  async removeSessionMember(
    @Ctx() ctx: RequestContext,
    @Arg("sessionId", () => ID, { description: "The session." }) sessionId: string,
    @Arg("userId", () => ID, { description: "The member to remove." }) userId: string,
  ): Promise<boolean> {
    await this.memberService.remove(
      requireViewer(ctx).userId,
      parseId(sessionId, "sessionId"),
      parseId(userId, "userId"),
    );
    return true;
  }
}
