import { AppError } from "@agentry/core";
import type { PrismaClient } from "@agentry/prisma";
import type { AuditService } from "../audit/audit.service.js";
import { normalizeEmail } from "../auth/email.js";
import { distinct, groupBy } from "../graphql/batching.js";
import type { MemberRole, SessionRole } from "../graphql/enums.js";
import type { SessionAccessService } from "./session-access.service.js";

export interface MemberRecord {
  readonly userId: string;
  readonly email: string;
  readonly role: SessionRole;
  readonly since: Date;
}

/** Sharing: the owner adds, re-roles and removes members; a member may leave. */
export class SessionMemberService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly access: SessionAccessService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Everyone with access to each session: its owner first, then members by when they joined
   * (ties by user id). One statement for all the sessions (Prisma would read sessions, owners,
   * members and their users separately).
   */
  async listFor(sessionIds: readonly string[]): Promise<Map<string, MemberRecord[]>> {
    const ids = distinct(sessionIds);
    const rows = await this.prisma.$queryRaw<(MemberRecord & { sessionId: string })[]>`
      SELECT "sessionId", "userId", email, role, since FROM (
        SELECT s.id::text AS "sessionId", u.id::text AS "userId", u.email, 'OWNER' AS role,
               s."createdAt" AS since, 0 AS rank
        FROM "Session" s JOIN "User" u ON u.id = s."ownerId"
        WHERE s.id = ANY(${ids}::uuid[])
        UNION ALL
        SELECT m."sessionId"::text, u.id::text, u.email, m.role::text, m."createdAt", 1
        FROM "SessionMember" m JOIN "User" u ON u.id = m."userId"
        WHERE m."sessionId" = ANY(${ids}::uuid[])
      ) AS everyone
      ORDER BY "sessionId", rank, since, "userId"`;
    const lists = groupBy(sessionIds, rows, (row) => row.sessionId);
    return new Map(
      [...lists].map(([id, members]) => [
        id,
        members.map(({ userId, email, role, since }) => ({ userId, email, role, since })),
      ]),
    );
  }

  /** Gives the user with `email` a role in the session (or changes it). Owner only. */
  async add(
    viewerId: string,
    sessionId: string,
    emailInput: string,
    role: MemberRole,
  ): Promise<void> {
    const session = await this.access.require(viewerId, sessionId, "manage");
    const email = normalizeEmail(emailInput);
    const user = await this.prisma.user.findUnique({ where: { email }, select: { id: true } });
    if (user === null)
      throw new AppError("NOT_FOUND", "No user has this email address", { field: "email" });
    if (user.id === session.ownerId) {
      throw new AppError("BAD_USER_INPUT", "The owner is already in the session", {
        field: "email",
      });
    }
    await this.prisma.$transaction(async (tx) => {
      const existing = await tx.sessionMember.findUnique({
        where: { sessionId_userId: { sessionId, userId: user.id } },
        select: { role: true },
      });
      await tx.sessionMember.upsert({
        where: { sessionId_userId: { sessionId, userId: user.id } },
        create: { sessionId, userId: user.id, role },
        update: { role },
      });
      await this.audit.record(
        {
          actorId: viewerId,
          action: existing === null ? "session_member.add" : "session_member.update",
          targetType: "session",
          targetId: sessionId,
          details: { sessionId, userId: user.id, role },
        },
        tx,
      );
    });
  }

  /** Removes a member: the owner removes anyone, a member removes themselves (leaves). */
  async remove(viewerId: string, sessionId: string, userId: string): Promise<void> {
    const session = await this.access.require(viewerId, sessionId, "read");
    if (session.viewerRole !== "OWNER" && userId !== viewerId) {
      throw new AppError("FORBIDDEN", "Only the session's owner can remove other members");
    }
    if (userId === session.ownerId) {
      throw new AppError(
        "BAD_USER_INPUT",
        "The owner cannot be removed; delete the session instead",
        {
          field: "userId",
        },
      );
    }
    await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.sessionMember.deleteMany({ where: { sessionId, userId } });
      if (count === 0) throw new AppError("NOT_FOUND", "This user is not a member of the session");
      await this.audit.record(
        {
          actorId: viewerId,
          action: "session_member.remove",
          targetType: "session",
          targetId: sessionId,
          details: { sessionId, userId },
        },
        tx,
      );
    });
  }
}
