import type { Prisma, PrismaClient } from "@agentry/prisma";

/** What may go into an audit event's details: non-secret facts only (never a secret or token). */
export interface AuditDetails {
  readonly provider?: string;
  readonly kind?: string;
  /** At most the last four characters of a secret (the stored hint). */
  readonly hint?: string;
  readonly sessionId?: string;
  readonly userId?: string;
  readonly version?: number;
  readonly name?: string;
  readonly role?: string;
  readonly personal?: boolean;
  /** A user's email, kept in the audit row of a change to (or the deletion of) the account. */
  readonly email?: string;
  readonly sessions?: number;
  readonly credentials?: number;
  readonly tokens?: number;
  /** A monthly budget set (USD), null when cleared. */
  readonly budgetUsd?: number | null;
}

export interface AuditEntry {
  readonly actorId: string | null;
  /** dotted verb, e.g. `session_key.set`, `api_token.revoke`. */
  readonly action: AuditAction;
  readonly targetType: "credential" | "api_token" | "user" | "session";
  readonly targetId: string | null;
  readonly details?: AuditDetails;
}

export type AuditAction =
  | "auth.sign_up"
  | "auth.sign_in"
  | "auth.sign_out"
  | "api_token.create"
  | "api_token.revoke"
  | "session_key.set"
  | "session_key.replace"
  | "session_key.remove"
  | "account_credential.set"
  | "account_credential.replace"
  | "account_credential.remove"
  | "credential.admin_delete"
  | "session_member.add"
  | "session_member.update"
  | "session_member.remove"
  | "session.delete"
  | "user.disable"
  | "user.enable"
  | "user.delete"
  | "user.set_role"
  | "user.set_monthly_budget";

type Db = PrismaClient | Prisma.TransactionClient;

/** Writes the audit trail of credential and access changes. */
export class AuditService {
  constructor(private readonly prisma: PrismaClient) {}

  /** Records one event; pass the transaction client to make it part of the change it records. */
  async record(entry: AuditEntry, db: Db = this.prisma): Promise<void> {
    await db.auditEvent.create({
      data: {
        actorId: entry.actorId,
        action: entry.action,
        targetType: entry.targetType,
        targetId: entry.targetId,
        details: { ...entry.details },
      },
    });
  }
}
