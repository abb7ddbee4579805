import {
  Arg,
  Args,
  Ctx,
  Field,
  FieldResolver,
  Float,
  ID,
  InputType,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
} from "type-graphql";
import { AuditEventConnection } from "../audit/audit.types.js";
import { UserType } from "../auth/auth.types.js";
import { CredentialInfoType } from "../credentials/credential.types.js";
import { requireAdmin, type RequestContext, type Viewer } from "../graphql/context.js";
import { Role } from "../graphql/enums.js";
import { Connection, connectionComplexity, type Page } from "../graphql/connection.js";
import { checkLength, parseFirst, parseId } from "../graphql/limits.js";
import { PageArgs } from "../sessions/session.resolver.js";
import type { UserRecord } from "../auth/auth.service.js";
import type { CredentialRecord } from "../credentials/credential.service.js";
import type { AdminService, AuditEventRecord } from "./admin.service.js";
import { AdminCredentialConnection, type AdminCredentialRecord } from "./admin.types.js";

@ObjectType({ description: "A page of users, newest first." })
export class UserConnection extends Connection("User", UserType) {}

@InputType({ description: "Narrows the audit trail; every given field must match." })
export class AuditFilterInput {
  @Field(() => String, { nullable: true, description: "Only this action (e.g. session_key.set)." })
  action?: string | null;

  @Field(() => ID, { nullable: true, description: "Only events by this user." })
  actorId?: string | null;

  @Field(() => ID, { nullable: true, description: "Only events about this target." })
  targetId?: string | null;
}

const afterArg = (after: string | null | undefined): string | null | undefined =>
  after === null || after === undefined ? after : checkLength(after, "after", 200);

@Resolver()
export class AdminResolver {
  constructor(private readonly admin: AdminService) {}

  /** The viewer when they are an enabled admin now (their role read from the database). */
  private isAdmin(ctx: RequestContext): Promise<Viewer> {
    return this.admin.requireAdmin(requireAdmin(ctx));
  }

  @Query(() => UserConnection, {
    description: "All users, newest first. Admins only.",
    complexity: connectionComplexity,
  })
  async users(
    @Ctx() ctx: RequestContext,
    @Args(() => PageArgs) { first, after }: PageArgs,
  ): Promise<Page<UserRecord>> {
    await this.isAdmin(ctx);
    return this.admin.users(parseFirst(first), afterArg(after));
  }

  @Query(() => [CredentialInfoType], {
    description: "A user's account credentials, metadata only (no secret, ever). Admins only.",
  })
  async userCredentials(
    @Ctx() ctx: RequestContext,
    @Arg("userId", () => ID, { description: "The user." }) userId: string,
  ): Promise<CredentialRecord[]> {
    await this.isAdmin(ctx);
    return this.admin.userCredentials(parseId(userId, "userId"));
  }

  @Query(() => AdminCredentialConnection, {
    description:
      "Every stored credential's metadata — account credentials and session keys — with whose it is, newest first. Never a secret. Admins only (adminDeleteCredential deletes one).",
    complexity: connectionComplexity,
  })
  async adminCredentials(
    @Ctx() ctx: RequestContext,
    @Args(() => PageArgs) { first, after }: PageArgs,
    @Arg("userId", () => ID, {
      nullable: true,
      description: "Only this user's account credentials and the keys of the sessions they own.",
    })
    userId?: string | null,
    @Arg("sessionId", () => ID, { nullable: true, description: "Only this session's keys." })
    sessionId?: string | null,
  ): Promise<Page<AdminCredentialRecord>> {
    await this.isAdmin(ctx);
    return this.admin.credentials(parseFirst(first), afterArg(after), {
      userId: userId === null || userId === undefined ? undefined : parseId(userId, "userId"),
      sessionId:
        sessionId === null || sessionId === undefined ? undefined : parseId(sessionId, "sessionId"),
    });
  }

  @Mutation(() => Boolean, {
    description:
      "Deletes any credential (an account credential or a session key). Admins may delete, never view.",
  })
  async adminDeleteCredential(
    @Ctx() ctx: RequestContext,
    @Arg("id", () => ID, { description: "The credential." }) id: string,
  ): Promise<boolean> {
    const admin = await this.isAdmin(ctx);
    await this.admin.deleteCredential(admin.userId, parseId(id));
    return true;
  }

  @Mutation(() => UserType, {
    description:
      "Disables an account (it cannot sign in; every token of it is revoked at once and its open connections closed; its messages not yet started fail FORBIDDEN) or enables it again (revoked tokens stay revoked). Not your own account, nor the last enabled admin. Admins only.",
  })
  async setUserDisabled(
    @Ctx() ctx: RequestContext,
    @Arg("id", () => ID, { description: "The user." }) id: string,
    @Arg("disabled", () => Boolean, { description: "true: disable; false: enable." })
    disabled: boolean,
  ): Promise<UserRecord> {
    const admin = await this.isAdmin(ctx);
    return this.admin.setUserDisabled(admin.userId, parseId(id), disabled);
  }

  @Mutation(() => Boolean, {
    description:
      "Deletes an account with the sessions it owns (their agents, keys, messages and usage), its credentials and tokens. Sessions it was a member of stay (the membership goes). Audited with the email. Not your own account, nor the last enabled admin. Admins only.",
  })
  async deleteUser(
    @Ctx() ctx: RequestContext,
    @Arg("id", () => ID, { description: "The user." }) id: string,
  ): Promise<boolean> {
    const admin = await this.isAdmin(ctx);
    await this.admin.deleteUser(admin.userId, parseId(id));
    return true;
  }

  @Mutation(() => UserType, {
    description:
      "Makes a user an admin (ADMIN) or a user again (USER); never leaves no enabled admin. Admins only.",
  })
  async setUserRole(
    @Ctx() ctx: RequestContext,
    @Arg("id", () => ID, { description: "The user." }) id: string,
    @Arg("role", () => Role, { description: "ADMIN or USER." }) role: Role,
  ): Promise<UserRecord> {
    const admin = await this.isAdmin(ctx);
    return this.admin.setUserRole(admin.userId, parseId(id), role);
  }

  @Mutation(() => UserType, {
    description:
      "Sets a user's monthly budget: what the provider calls made for the messages they send may cost per UTC calendar month, in every session and whatever key pays (null clears it). Their next message past it fails BUDGET_EXCEEDED; a run that crosses it stops after the call that crossed. Admins only.",
  })
  async setUserMonthlyBudget(
    @Ctx() ctx: RequestContext,
    @Arg("userId", () => ID, { description: "The user." }) userId: string,
    @Arg("budgetUsd", () => Float, {
      nullable: true,
      description: "The cap in USD; null for none.",
    })
    budgetUsd: number | null,
  ): Promise<UserRecord> {
    const admin = await this.isAdmin(ctx);
    return this.admin.setMonthlyBudget(admin.userId, parseId(userId, "userId"), budgetUsd);
  }

  @Query(() => AuditEventConnection, {
    description: "The audit trail of credential and access changes, newest first. Admins only.",
    complexity: connectionComplexity,
  })
  async auditEvents(
    @Ctx() ctx: RequestContext,
    @Args(() => PageArgs) { first, after }: PageArgs,
    @Arg("filter", () => AuditFilterInput, { nullable: true, description: "Narrows the events." })
    filter?: AuditFilterInput | null,
  ): Promise<Page<AuditEventRecord>> {
    await this.isAdmin(ctx);
    return this.admin.auditEvents(parseFirst(first), afterArg(after), {
      action:
        filter?.action === null || filter?.action === undefined
          ? undefined
          : checkLength(filter.action, "action", 100),
      actorId:
        filter?.actorId === null || filter?.actorId === undefined
          ? undefined
          : parseId(filter.actorId, "actorId"),
      targetId:
        filter?.targetId === null || filter?.targetId === undefined
          ? undefined
          : parseId(filter.targetId, "targetId"),
    });
  }
}

/**
 * A user's monthly budget and spending. A User is only ever shown to that user (me, sign-in)
 * or to an admin, so these fields need no check of their own.
 */
@Resolver(() => UserType)
export class UserFieldsResolver {
  @FieldResolver(() => Float, {
    nullable: true,
    description:
      "The monthly budget an admin set, in USD: what the provider calls of the messages this user sends may cost per UTC calendar month, in every session; null for none.",
  })
  async monthlyBudgetUsd(
    @Root() user: UserRecord,
    @Ctx() ctx: RequestContext,
  ): Promise<number | null> {
    return (await ctx.loaders.userSpending.load(user.id)).monthlyBudgetUsd;
  }

  @FieldResolver(() => Float, {
    description:
      "What the provider calls made for the messages this user sent cost this UTC calendar month, in USD, in every session and whatever key paid (unpriced calls count 0); the monthly budget counts this.",
  })
  async spentThisMonthUsd(@Root() user: UserRecord, @Ctx() ctx: RequestContext): Promise<number> {
    return (await ctx.loaders.userSpending.load(user.id)).spentThisMonthUsd;
  }
}
