import { AppError } from "@agentry/core";
import { Prisma, type PrismaClient } from "@agentry/prisma";
import type { AuditService } from "../audit/audit.service.js";
import type { Viewer } from "../graphql/context.js";
import type { Role } from "../graphql/enums.js";
import { checkNewPassword, normalizeEmail } from "./email.js";
import { hashPassword, verifyPassword, type ScryptParams } from "./password.js";
import type { SignInGuard } from "./sign-in-guard.js";
import { TokenCache, type CachedToken } from "./token-cache.js";
import type { TokenRevocations } from "./token-revocations.js";
import { hashToken, isTokenShaped, issueToken } from "./token.js";

export interface AuthConfig {
  /** This address becomes admin at sign-up; when unset, the first user to sign up is admin. */
  readonly adminEmail: string | undefined;
  /** How long a sign-in token lives. */
  readonly tokenTtlDays: number;
  readonly scrypt: ScryptParams;
}

/** A user as the api shows it (never the password hash). */
export interface UserRecord {
  readonly id: string;
  readonly email: string;
  readonly role: Role;
  readonly createdAt: Date;
  /** When an admin disabled the account; null (or absent: a signed-in viewer) when enabled. */
  readonly disabledAt?: Date | null;
}

export const userSelect = {
  id: true,
  email: true,
  role: true,
  createdAt: true,
  disabledAt: true,
} as const;

export interface SignedIn {
  readonly token: string;
  readonly user: UserRecord;
}

const WRONG_CREDENTIALS = "Wrong email or password";
const ACCOUNT_DISABLED = "This account is disabled; ask an administrator";
const EMAIL_TAKEN = "An account with this email already exists";
// Serializes sign-ups while "the first user is admin" is being decided.
const FIRST_ADMIN_LOCK = 0x61677431; // "agt1"
/** lastUsedAt is written at most once per this interval per token. */
const LAST_USED_RESOLUTION_MS = 60_000;

const isUniqueViolation = (error: unknown): boolean =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";

/** Accounts, passwords and sign-in tokens. */
export class AuthService {
  // An unknown email is checked against this hash, so it costs the same as a wrong password.
  private readonly decoyHash: Promise<string>;
  // Who each recently used token stands for: most requests need no database read to know.
  private readonly tokens: TokenCache;
  /** Token reads under way, by token hash. */
  private readonly lookups = new Map<string, Promise<CachedToken | null>>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly audit: AuditService,
    private readonly config: AuthConfig,
    private readonly guard: SignInGuard,
    private readonly revocations: TokenRevocations,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.decoyHash = hashPassword("decoy password, never matches", config.scrypt);
    // Surfaces (never swallows) a failure when first awaited; this only avoids an unhandled rejection.
    this.decoyHash.catch(() => undefined);
    this.tokens = new TokenCache(revocations, () => this.now().getTime());
  }

  /** Creates an account; `clientAddress` is where the request came from (rate limits). */
  async signUp(emailInput: string, password: string, clientAddress: string): Promise<SignedIn> {
    const email = normalizeEmail(emailInput);
    checkNewPassword(password);
    await this.guard.admitSignUp(clientAddress);
    const passwordHash = await this.guard.hash(() => hashPassword(password, this.config.scrypt), {
      known: false,
    });
    const adminEmail = this.config.adminEmail?.trim().toLowerCase();
    let signedUp: SignedIn;
    try {
      signedUp = await this.prisma.$transaction(async (tx) => {
        if (await tx.user.findUnique({ where: { email }, select: { id: true } })) {
          throw new AppError("BAD_USER_INPUT", EMAIL_TAKEN, { field: "email" });
        }
        let role: Role = "USER";
        if (adminEmail !== undefined && adminEmail !== "") {
          if (email === adminEmail) role = "ADMIN";
        } else {
          await tx.$executeRaw`SELECT pg_advisory_xact_lock(${FIRST_ADMIN_LOCK})`;
          if ((await tx.user.count()) === 0) role = "ADMIN";
        }
        const user = await tx.user.create({
          data: { email, passwordHash, role },
          select: userSelect,
        });
        await this.audit.record(
          {
            actorId: user.id,
            action: "auth.sign_up",
            targetType: "user",
            targetId: user.id,
            details: { role },
          },
          tx,
        );
        const token = await this.createSignInToken(user.id, tx);
        return { token, user };
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw new AppError("BAD_USER_INPUT", EMAIL_TAKEN, { field: "email" });
      throw error;
    }
    // The address an account was made from is one its owner signs in from.
    await this.guard.remember(email, clientAddress);
    return signedUp;
  }

  /**
   * Signs in; `clientAddress` is where the request came from. Refused with RATE_LIMITED (before
   * any hashing) past the per-address and per-account limits of the SignInGuard.
   */
  async signIn(emailInput: string, password: string, clientAddress: string): Promise<SignedIn> {
    const email = emailInput.trim().toLowerCase();
    const attempt = await this.guard.admitSignIn(email, clientAddress);
    const user =
      email.length <= 320
        ? await this.prisma.user.findUnique({
            where: { email },
            select: { ...userSelect, passwordHash: true },
          })
        : null;
    // The same scrypt work whether or not the account exists.
    const stored = user?.passwordHash ?? (await this.decoyHash);
    const matches = await this.guard.hash(
      () => verifyPassword(password.slice(0, 1024), stored),
      attempt,
    );
    // A disabled account gets the same answer whether or not the password was right (and the
    // attempt counts as failed for the guard's limits).
    if (user !== null && user.disabledAt !== null) {
      throw new AppError("FORBIDDEN", ACCOUNT_DISABLED);
    }
    if (user === null || !matches || password.length > 1024) {
      throw new AppError("UNAUTHENTICATED", WRONG_CREDENTIALS);
    }
    await attempt.succeeded();
    const token = await this.createSignInToken(user.id, this.prisma);
    await this.audit.record({
      actorId: user.id,
      action: "auth.sign_in",
      targetType: "user",
      targetId: user.id,
    });
    return {
      token,
      user: { id: user.id, email: user.email, role: user.role, createdAt: user.createdAt },
    };
  }

  /**
   * The viewer a bearer token stands for; null when unknown, revoked or expired. Served from
   * memory for a few seconds after a read (revocations drop it at once, see token-cache.ts).
   */
  async authenticate(token: string): Promise<Viewer | null> {
    if (!isTokenShaped(token)) return null;
    const tokenHash = hashToken(token);
    let found: CachedToken | null | undefined = this.tokens.get(tokenHash);
    if (found === undefined) {
      // Requests that miss together (a busy client when its entry expires) share one read.
      let lookup = this.lookups.get(tokenHash);
      if (lookup === undefined) {
        lookup = this.readToken(tokenHash).finally(() => this.lookups.delete(tokenHash));
        this.lookups.set(tokenHash, lookup);
      }
      found = await lookup;
    }
    if (found === null) return null;
    await this.stampLastUsed(found);
    return found.viewer;
  }

  /** The token's row as a cache entry (cached when still valid); null when refused. */
  private async readToken(tokenHash: string): Promise<CachedToken | null> {
    const ticket = this.tokens.ticket();
    const row = await this.prisma.apiToken.findUnique({
      where: { tokenHash },
      select: {
        id: true,
        revokedAt: true,
        expiresAt: true,
        lastUsedAt: true,
        user: { select: { id: true, email: true, role: true, createdAt: true, disabledAt: true } },
      },
    });
    const now = this.now();
    // A disabled account's tokens are revoked with it; its flag is checked too, for a token
    // created in the instant before (a sign-in the disabling overlapped).
    if (
      row === null ||
      row.revokedAt !== null ||
      (row.expiresAt !== null && row.expiresAt <= now) ||
      row.user.disabledAt !== null
    )
      return null;
    const found: CachedToken = {
      viewer: {
        userId: row.user.id,
        email: row.user.email,
        role: row.user.role,
        userCreatedAt: row.user.createdAt,
        tokenId: row.id,
      },
      expiresAt: row.expiresAt?.getTime() ?? null,
      lastUsedAt: row.lastUsedAt?.getTime() ?? null,
    };
    this.tokens.set(tokenHash, found, ticket);
    return found;
  }

  /** Writes the token's lastUsedAt when the stored one is older than LAST_USED_RESOLUTION_MS. */
  private async stampLastUsed(token: CachedToken): Promise<void> {
    const now = this.now();
    const stale = now.getTime() - LAST_USED_RESOLUTION_MS;
    if (token.lastUsedAt !== null && token.lastUsedAt >= stale) return;
    // Concurrent requests with the same token see it fresh: one of them writes.
    token.lastUsedAt = now.getTime();
    await this.prisma.apiToken.updateMany({
      where: {
        id: token.viewer.tokenId,
        OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(stale) } }],
      },
      data: { lastUsedAt: now },
    });
  }

  /**
   * Whether a token is still valid, from memory when it was used in the last few seconds and
   * revocations are being heard; else from the database (isTokenActive).
   */
  async isTokenLive(tokenId: string): Promise<boolean> {
    return this.tokens.isLive(tokenId) ?? (await this.isTokenActive(tokenId));
  }

  /** Whether a token is still valid, from the database (long-lived subscriptions re-check it). */
  async isTokenActive(tokenId: string): Promise<boolean> {
    const row = await this.prisma.apiToken.findUnique({
      where: { id: tokenId },
      select: { revokedAt: true, expiresAt: true },
    });
    return (
      row !== null &&
      row.revokedAt === null &&
      (row.expiresAt === null || row.expiresAt > this.now())
    );
  }

  /**
   * Which of `tokenIds` are still valid, from the database in one query (the re-checks of many
   * live subscriptions at once).
   */
  async activeTokens(tokenIds: readonly string[]): Promise<Set<string>> {
    if (tokenIds.length === 0) return new Set();
    const rows = await this.prisma.apiToken.findMany({
      where: {
        id: { in: [...tokenIds] },
        revokedAt: null,
        OR: [{ expiresAt: null }, { expiresAt: { gt: this.now() } }],
      },
      select: { id: true },
    });
    return new Set(rows.map((row) => row.id));
  }

  /** Revokes the token the viewer signed in with; its graphql-ws connections are closed. */
  async signOut(viewer: Viewer): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.apiToken.updateMany({
        where: { id: viewer.tokenId, userId: viewer.userId, revokedAt: null },
        data: { revokedAt: this.now() },
      });
      await this.audit.record(
        {
          actorId: viewer.userId,
          action: "auth.sign_out",
          targetType: "api_token",
          targetId: viewer.tokenId,
        },
        tx,
      );
    });
    await this.revocations.announce(viewer.tokenId);
  }

  private async createSignInToken(
    userId: string,
    db: Prisma.TransactionClient | PrismaClient,
  ): Promise<string> {
    const { token, tokenHash } = issueToken("signIn");
    const expiresAt = new Date(
      this.now().getTime() + this.config.tokenTtlDays * 24 * 60 * 60 * 1000,
    );
    await db.apiToken.create({
      data: { userId, name: "Sign-in", personal: false, tokenHash, expiresAt },
    });
    return token;
  }
}
