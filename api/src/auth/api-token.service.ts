import { AppError } from "@agentry/core";
import type { PrismaClient } from "@agentry/prisma";
import type { AuditService } from "../audit/audit.service.js";
import type { Viewer } from "../graphql/context.js";
import { requireText } from "../graphql/limits.js";
import { issueToken } from "./token.js";
import type { TokenRevocations } from "./token-revocations.js";

/** A personal access token as listed (never its hash). */
export interface ApiTokenRecord {
  readonly id: string;
  readonly name: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
}

const apiTokenSelect = { id: true, name: true, createdAt: true, lastUsedAt: true } as const;

/** How many live personal tokens one user may hold. */
export const MAX_PERSONAL_TOKENS = 100;

/** Personal access tokens: created (shown once), listed, revoked. */
export class ApiTokenService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly audit: AuditService,
    private readonly revocations: TokenRevocations,
  ) {}

  async create(
    viewer: Viewer,
    nameInput: string,
  ): Promise<{ token: string; apiToken: ApiTokenRecord }> {
    const name = requireText(nameInput, "name", 200);
    const { token, tokenHash } = issueToken("personal");
    const apiToken = await this.prisma.$transaction(async (tx) => {
      const live = await tx.apiToken.count({
        where: { userId: viewer.userId, personal: true, revokedAt: null },
      });
      if (live >= MAX_PERSONAL_TOKENS) {
        throw new AppError(
          "BAD_USER_INPUT",
          `You have ${MAX_PERSONAL_TOKENS} tokens; revoke one first`,
          {
            field: "name",
          },
        );
      }
      const created = await tx.apiToken.create({
        data: { userId: viewer.userId, name, personal: true, tokenHash },
        select: apiTokenSelect,
      });
      await this.audit.record(
        {
          actorId: viewer.userId,
          action: "api_token.create",
          targetType: "api_token",
          targetId: created.id,
          details: { name, personal: true },
        },
        tx,
      );
      return created;
    });
    return { token, apiToken };
  }

  /** The viewer's live personal tokens, newest first. */
  list(viewer: Viewer): Promise<ApiTokenRecord[]> {
    return this.prisma.apiToken.findMany({
      where: { userId: viewer.userId, personal: true, revokedAt: null },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      select: apiTokenSelect,
    });
  }

  /**
   * Revokes one of the viewer's own tokens (its graphql-ws connections are closed); NOT_FOUND
   * for anyone else's or an unknown id.
   */
  async revoke(viewer: Viewer, tokenId: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.apiToken.updateMany({
        where: { id: tokenId, userId: viewer.userId, revokedAt: null },
        data: { revokedAt: new Date() },
      });
      if (count === 0) throw new AppError("NOT_FOUND", "No such token");
      await this.audit.record(
        {
          actorId: viewer.userId,
          action: "api_token.revoke",
          targetType: "api_token",
          targetId: tokenId,
        },
        tx,
      );
    });
    await this.revocations.announce(tokenId);
  }
}
