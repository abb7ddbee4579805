import { AppError } from "@agentry/core";
import type { PrismaClient } from "@agentry/prisma";
import type { AuditService } from "../audit/audit.service.js";
import { userSelect, type UserRecord } from "../auth/auth.service.js";
import { credentialInfoSelect, type CredentialRecord } from "../credentials/credential.service.js";
import { afterCursor, newestFirst, toPage, type Page } from "../graphql/connection.js";

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

export interface AuditFilter {
  readonly action?: string | undefined;
  readonly actorId?: string | undefined;
  readonly targetId?: string | undefined;
}

/**
 * What administrators may do: list users, see credential metadata, delete a credential, read
 * the audit trail. Nothing here reads a secret or a session's contents. The caller (resolver)
 * has checked the viewer is an admin.
 */
export class AdminService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly audit: AuditService,
  ) {}

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
