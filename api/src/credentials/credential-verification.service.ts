import { AppError, VERIFY_CREDENTIAL, type VerificationResult } from "@agentry/core";
import type { PrismaClient } from "@agentry/prisma";
import type { SessionAccessService } from "../sessions/session-access.service.js";
import type { CredentialChecks } from "./credential-checks.js";

/** What verifyCredential answers. */
export interface CredentialVerification {
  readonly result: VerificationResult;
  readonly checkedAt: Date;
  readonly status: number | null;
  readonly message: string | null;
}

/**
 * verifyCredential: who may ask, then the worker's check (the api cannot open the secret).
 *
 * Who may verify: the credentials one may run agents with. An account credential: its owner
 * only. A session key: the session's owner and editors (members who may `use` the session, as
 * a message would); a viewer sees the key's metadata but gets FORBIDDEN; anyone else NOT_FOUND,
 * admins included (admins may delete credentials, not use them). Read-only: the answer is not
 * stored, and neither refusedAt, updatedAt nor lastUsedAt change.
 */
export class CredentialVerificationService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly access: SessionAccessService,
    private readonly checks: CredentialChecks,
  ) {}

  async verify(actorId: string, credentialId: string): Promise<CredentialVerification> {
    const row = await this.prisma.credential.findUnique({
      where: { id: credentialId },
      select: { id: true, userId: true, sessionId: true },
    });
    if (row === null || (row.userId !== null && row.userId !== actorId)) throw notFound();
    if (row.sessionId !== null) {
      try {
        await this.access.require(actorId, row.sessionId, "use");
      } catch (error) {
        if (error instanceof AppError && error.code === "NOT_FOUND") throw notFound();
        throw error;
      }
    }
    const answer = await this.checks.request(VERIFY_CREDENTIAL, {
      credentialId: row.id,
      actingUserId: actorId,
    });
    return { ...answer, checkedAt: new Date(answer.checkedAt) };
  }
}

const notFound = () => new AppError("NOT_FOUND", "Credential not found", { field: "id" });
