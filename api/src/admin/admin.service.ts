import { AppError } from "@agentry/core";
import type { Prisma, PrismaClient } from "@agentry/prisma";
import type { AgentQueues } from "../agents/agent-queues.js";
import type { AuditService } from "../audit/audit.service.js";
import { userSelect, type UserRecord } from "../auth/auth.service.js";
import type { TokenRevocations } from "../auth/token-revocations.js";
import type { Viewer } from "../graphql/context.js";
import type { Role } from "../graphql/enums.js";
import { credentialInfoSelect, type CredentialRecord } from "../credentials/credential.service.js";
import { afterCursor, newestFirst, toPage, type Page } from "../graphql/connection.js";
import type { AdminCredentialRecord } from "./admin.types.js";

export interface AuditEventRecord {
  readonly id: string;
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string | null;
  readonly actorId: string | null;
  readonly actorEmail: string | null;
  readonly details: Readonly<Record<string, unknown>>;
  readonly createdAt: Date;
}

/** A user's monthly budget (USD; null: none) and what their messages cost this UTC month. */
export interface UserSpending {
  readonly monthlyBudgetUsd: number | null;
  readonly spentThisMonthUsd: number;
}

/** The first instant of `at`'s UTC calendar month (as the worker's UserUsageMonth rows). */
export const monthOf = (at: Date): Date =>
  new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));

export interface AuditFilter {
  readonly action?: string | undefined;
  readonly actorId?: string | undefined;
  readonly targetId?: string | undefined;
}

// Serializes every change to who is an (enabled) admin, so two admins removing each other at
// once cannot leave none: each change counts the admins that stay under this lock.
const ADMIN_SET_LOCK = 0x61677432; // "agt2"

/**
 * What administrators may do: list users, disable, delete or promote them, see credential
 * metadata, delete a credential, read the audit trail. Nothing here reads a secret or a
 * session's contents. Every method that changes something takes the viewer from `requireAdmin`.
 */
export class AdminService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly audit: AuditService,
    private readonly revocations: TokenRevocations,
    private readonly queues: Pick<AgentQueues, "enqueueControl">,
  ) {}

  /**
   * The viewer, when they are an enabled admin now. Read from the database, not the token's
   * cached viewer: an admin made a user (or disabled) loses admin rights on their next request,
   * on every api process, without their tokens being revoked.
   */
  async requireAdmin(viewer: Viewer): Promise<Viewer> {
    const row = await this.prisma.user.findFirst({
      where: { id: viewer.userId, role: "ADMIN", disabledAt: null },
      select: { id: true },
    });
    if (row === null) throw new AppError("FORBIDDEN", "Only an administrator may do this");
    return viewer;
  }

  /**
   * Disables (or enables again) an account. Disabling revokes every token of the user — their
   * graphql-ws connections close with 4403 on every api process, and no cache serves them —
   * and the account cannot sign in; messages they queued and that have not started fail
   * (FORBIDDEN) instead of running. Enabling lets them sign in again: revoked tokens stay
   * revoked. An admin cannot disable themselves, nor the last enabled admin.
   */
  async setUserDisabled(adminId: string, userId: string, disabled: boolean): Promise<UserRecord> {
    if (disabled && userId === adminId) {
      throw new AppError("FORBIDDEN", "You cannot disable your own account");
    }
    const { user, revoked } = await this.prisma.$transaction(async (tx) => {
      const target = await this.lockTarget(tx, adminId, userId);
      if ((target.disabledAt !== null) === disabled) return { user: target, revoked: [] };
      if (disabled && target.role === "ADMIN") await this.requireAnotherAdmin(tx, userId);
      const revoked = disabled ? await this.revokeTokens(tx, userId) : [];
      const user = await tx.user.update({
        where: { id: userId },
        data: { disabledAt: disabled ? new Date() : null },
        select: userSelect,
      });
      await this.audit.record(
        {
          actorId: adminId,
          action: disabled ? "user.disable" : "user.enable",
          targetType: "user",
          targetId: userId,
          details: { email: user.email, ...(disabled ? { tokens: revoked.length } : {}) },
        },
        tx,
      );
      return { user, revoked };
    });
    await this.announce(revoked);
    return user;
  }

  /**
   * Deletes an account with the sessions it owns (their agents, keys, messages and usage; the
   * worker removes their containers), its account credentials and tokens. Sessions it was only
   * a member of stay (the membership goes; its messages there stay, without an author). The
   * audit row keeps the email. An admin cannot delete themselves, nor the last enabled admin.
   */
  async deleteUser(adminId: string, userId: string): Promise<void> {
    if (userId === adminId) throw new AppError("FORBIDDEN", "You cannot delete your own account");
    const { sessionIds, revoked } = await this.prisma.$transaction(async (tx) => {
      const target = await this.lockTarget(tx, adminId, userId);
      if (target.role === "ADMIN" && target.disabledAt === null) {
        await this.requireAnotherAdmin(tx, userId);
      }
      const [sessions, credentials, revoked] = await Promise.all([
        tx.session.findMany({ where: { ownerId: userId }, select: { id: true } }),
        tx.credential.count({ where: { userId } }),
        this.revokeTokens(tx, userId),
      ]);
      await tx.user.delete({ where: { id: userId } });
      await this.audit.record(
        {
          actorId: adminId,
          action: "user.delete",
          targetType: "user",
          targetId: userId,
          details: {
            email: target.email,
            role: target.role,
            sessions: sessions.length,
            credentials,
            tokens: revoked.length,
          },
        },
        tx,
      );
      return { sessionIds: sessions.map((session) => session.id), revoked };
    });
    await this.announce(revoked);
    // As deleteSession: the worker removes the sessions' containers and workspaces; its
    // reconciliation at start catches any this misses (Redis away, say).
    for (const sessionId of sessionIds) {
      await this.queues
        .enqueueControl({ type: "removeSession", sessionId })
        .catch((error: unknown) => {
          if (!(error instanceof AppError && error.code === "UNAVAILABLE")) throw error;
        });
    }
  }

  /**
   * Makes a user an admin or a user again. Never leaves no enabled admin (an admin may step
   * down while another stays). Takes effect on the next admin request (requireAdmin reads the
   * role); `me.role` of a token used in the last seconds may show the old role for up to 10 s.
   */
  async setUserRole(adminId: string, userId: string, role: Role): Promise<UserRecord> {
    return this.prisma.$transaction(async (tx) => {
      const target = await this.lockTarget(tx, adminId, userId);
      if (target.role === role) return target;
      if (role === "USER" && target.disabledAt === null) {
        await this.requireAnotherAdmin(tx, userId);
      }
      const user = await tx.user.update({
        where: { id: userId },
        data: { role },
        select: userSelect,
      });
      await this.audit.record(
        {
          actorId: adminId,
          action: "user.set_role",
          targetType: "user",
          targetId: userId,
          details: { email: user.email, role },
        },
        tx,
      );
      return user;
    });
  }

  /**
   * Sets (or, with null, clears) a user's monthly budget: what the provider calls made for the
   * messages they send may cost per UTC calendar month, in every session. The worker refuses
   * their next message once the month reaches it, and stops a run that crosses it.
   */
  async setMonthlyBudget(
    adminId: string,
    userId: string,
    budgetUsd: number | null,
  ): Promise<UserRecord> {
    if (budgetUsd !== null && (!Number.isFinite(budgetUsd) || budgetUsd < 0 || budgetUsd > 1e9)) {
      throw new AppError("BAD_USER_INPUT", "budgetUsd must be between 0 and 1,000,000,000", {
        field: "budgetUsd",
      });
    }
    return this.prisma.$transaction(async (tx) => {
      const found = await tx.user.findUnique({ where: { id: userId }, select: { id: true } });
      if (found === null) throw new AppError("NOT_FOUND", "User not found");
      const user = await tx.user.update({
        where: { id: userId },
        data: { monthlyBudgetUsd: budgetUsd },
        select: userSelect,
      });
      await this.audit.record(
        {
          actorId: adminId,
          action: "user.set_monthly_budget",
          targetType: "user",
          targetId: userId,
          details: { email: user.email, budgetUsd },
        },
        tx,
      );
      return user;
    });
  }

  /** Each user's monthly budget and this UTC month's spending, in two queries. */
  async spendingFor(userIds: readonly string[]): Promise<Map<string, UserSpending>> {
    const [users, months] = await Promise.all([
      this.prisma.user.findMany({
        where: { id: { in: [...userIds] } },
        select: { id: true, monthlyBudgetUsd: true },
      }),
      this.prisma.userUsageMonth.findMany({
        where: { userId: { in: [...userIds] }, month: monthOf(new Date()) },
        select: { userId: true, costUsd: true },
      }),
    ]);
    const spent = new Map(months.map((row) => [row.userId, row.costUsd.toNumber()]));
    return new Map(
      users.map((user) => [
        user.id,
        {
          monthlyBudgetUsd: user.monthlyBudgetUsd?.toNumber() ?? null,
          spentThisMonthUsd: spent.get(user.id) ?? 0,
        },
      ]),
    );
  }

  /**
   * Takes the admin-set lock, checks the actor is still an enabled admin (another admin may
   * have just removed them) and reads the target user; NOT_FOUND when absent.
   */
  private async lockTarget(
    tx: Prisma.TransactionClient,
    adminId: string,
    userId: string,
  ): Promise<UserRecord> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ADMIN_SET_LOCK})`;
    const actor = await tx.user.count({ where: { id: adminId, role: "ADMIN", disabledAt: null } });
    if (actor === 0) throw new AppError("FORBIDDEN", "Only an administrator may do this");
    const user = await tx.user.findUnique({ where: { id: userId }, select: userSelect });
    if (user === null) throw new AppError("NOT_FOUND", "User not found");
    return user;
  }

  /** FORBIDDEN unless an enabled admin other than `userId` remains (under the lock). */
  private async requireAnotherAdmin(tx: Prisma.TransactionClient, userId: string): Promise<void> {
    const others = await tx.user.count({
      where: { role: "ADMIN", disabledAt: null, id: { not: userId } },
    });
    if (others === 0) {
      throw new AppError("FORBIDDEN", "This is the last admin; make another user an admin first");
    }
  }

  /** Revokes the user's live tokens; their ids, to announce once the change is committed. */
  private async revokeTokens(tx: Prisma.TransactionClient, userId: string): Promise<string[]> {
    const rows = await tx.apiToken.findMany({
      where: { userId, revokedAt: null },
      select: { id: true },
    });
    const ids = rows.map((row) => row.id);
    if (ids.length > 0) {
      await tx.apiToken.updateMany({ where: { id: { in: ids } }, data: { revokedAt: new Date() } });
    }
    return ids;
  }

  private async announce(tokenIds: readonly string[]): Promise<void> {
    for (const tokenId of tokenIds) await this.revocations.announce(tokenId);
  }

  async users(first: number, after: string | null | undefined): Promise<Page<UserRecord>> {
    const [rows, totalCount] = await Promise.all([
      this.prisma.user.findMany({
        where: afterCursor(after),
        orderBy: newestFirst(),
        take: first + 1,
        select: userSelect,
      }),
      this.prisma.user.count(),
    ]);
    return toPage(rows, first, totalCount, (row) => row);
  }

  /** A user's account credentials, metadata only; NOT_FOUND for an unknown user. */
  async userCredentials(userId: string): Promise<CredentialRecord[]> {
    const user = await this.prisma.user.findUnique({ where: { id: userId }, select: { id: true } });
    if (user === null) throw new AppError("NOT_FOUND", "User not found");
    return this.prisma.credential.findMany({
      where: { userId, sessionId: null },
      orderBy: [{ provider: "asc" }, { kind: "asc" }],
      select: credentialInfoSelect,
    });
  }

  /**
   * Every stored credential's metadata, newest first: account credentials and session keys,
   * with whose they are. `userId` narrows to that user's account credentials and the keys of
   * the sessions they own; `sessionId` to that session's keys.
   */
  async credentials(
    first: number,
    after: string | null | undefined,
    filter: { readonly userId?: string | undefined; readonly sessionId?: string | undefined },
  ): Promise<Page<AdminCredentialRecord>> {
    const where: Prisma.CredentialWhereInput = {
      AND: [
        filter.userId === undefined
          ? {}
          : { OR: [{ userId: filter.userId }, { session: { ownerId: filter.userId } }] },
        filter.sessionId === undefined ? {} : { sessionId: filter.sessionId },
      ],
    };
    const [rows, totalCount] = await Promise.all([
      this.prisma.credential.findMany({
        where: { AND: [where, afterCursor(after)] },
        orderBy: newestFirst(),
        take: first + 1,
        select: {
          ...credentialInfoSelect,
          user: { select: { id: true, email: true } },
          session: {
            select: { id: true, name: true, owner: { select: { id: true, email: true } } },
          },
        },
      }),
      this.prisma.credential.count({ where }),
    ]);
    return toPage(rows, first, totalCount, ({ user, session, ...credential }) => {
      const owner = user ?? session?.owner ?? null;
      return {
        id: credential.id,
        createdAt: credential.createdAt,
        credential,
        ownerId: owner?.id ?? null,
        ownerEmail: owner?.email ?? null,
        sessionId: session?.id ?? null,
        sessionName: session?.name ?? null,
      };
    });
  }

  /** Deletes any credential (an account credential or a session key); NOT_FOUND when absent. */
  async deleteCredential(adminId: string, credentialId: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const row = await tx.credential.findUnique({
        where: { id: credentialId },
        select: { id: true, userId: true, sessionId: true, provider: true, kind: true, hint: true },
      });
      if (row === null) throw new AppError("NOT_FOUND", "Credential not found");
      await tx.credential.delete({ where: { id: row.id } });
      await this.audit.record(
        {
          actorId: adminId,
          action: "credential.admin_delete",
          targetType: "credential",
          targetId: row.id,
          details: {
            provider: row.provider,
            kind: row.kind,
            hint: row.hint,
            ...(row.userId === null ? {} : { userId: row.userId }),
            ...(row.sessionId === null ? {} : { sessionId: row.sessionId }),
          },
        },
        tx,
      );
    });
  }

  async auditEvents(
    first: number,
    after: string | null | undefined,
    filter: AuditFilter,
  ): Promise<Page<AuditEventRecord>> {
    const where = {
      ...(filter.action === undefined ? {} : { action: filter.action }),
      ...(filter.actorId === undefined ? {} : { actorId: filter.actorId }),
      ...(filter.targetId === undefined ? {} : { targetId: filter.targetId }),
    };
    const [rows, totalCount] = await Promise.all([
      this.prisma.auditEvent.findMany({
        where: { AND: [where, afterCursor(after)] },
        orderBy: newestFirst(),
        take: first + 1,
        select: {
          id: true,
          action: true,
          targetType: true,
          targetId: true,
          actorId: true,
          details: true,
          createdAt: true,
          actor: { select: { email: true } },
        },
      }),
      this.prisma.auditEvent.count({ where }),
    ]);
    return toPage(rows, first, totalCount, ({ actor, details, ...row }) => ({
      ...row,
      actorEmail: actor?.email ?? null,
      details:
        typeof details === "object" && details !== null && !Array.isArray(details) ? details : {},
    }));
  }
}
