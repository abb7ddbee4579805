import {
  byProvider,
  chooseCredential,
  credentialStatus,
  firstAgentKindFor,
  inferCredentialKind,
  refuseWrongProvider,
  toResolution,
  validateSecret,
  writeCredential,
  type AgentKind,
  type CredentialKind,
  type CredentialStatus,
  type CredentialStatusInput,
  type KeySource,
  type Provider,
  type SealingVault,
  type SystemKeys,
} from "@agentry/core";
import type { Prisma, PrismaClient } from "@agentry/prisma";
import type { AuditService } from "../audit/audit.service.js";
import { distinct, groupBy } from "../graphql/batching.js";
import { checkSecretSize } from "../graphql/limits.js";
import type { SessionAccessService } from "../sessions/session-access.service.js";

/** A credential's metadata: everything but the secret. */
export interface CredentialRecord {
  readonly id: string;
  readonly provider: Provider;
  readonly kind: CredentialKind;
  readonly hint: string;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly lastUsedAt: Date | null;
  readonly expiresAt: Date | null;
  readonly refreshable: boolean;
  readonly refusedAt: Date | null;
  /** When the secret was last set (saved, replaced, refreshed, rotated). */
  readonly secretSetAt: Date;
}

/** What the rotation reminder reads. */
type RotationInput = Pick<CredentialRecord, "refreshable" | "secretSetAt">;

/** The only columns ever read for display: ciphertext and nonce are never selected here. */
export const credentialInfoSelect = {
  id: true,
  provider: true,
  kind: true,
  hint: true,
  version: true,
  createdAt: true,
  updatedAt: true,
  lastUsedAt: true,
  expiresAt: true,
  refreshable: true,
  refusedAt: true,
  secretSetAt: true,
} as const satisfies Prisma.CredentialSelect;

/** Which credential the viewer's next message to an agent of `agentKind` in the session would use. */
export interface CredentialQuery {
  readonly viewerId: string;
  readonly sessionId: string;
  readonly provider: Provider;
  /** Default: DEFAULT_AGENT_KIND of the provider. */
  readonly agentKind?: AgentKind | undefined;
}

/** The columns of a Credential row the decision reads (core's CandidateCredential). */
const candidateSelect = {
  id: true,
  userId: true,
  sessionId: true,
  provider: true,
  kind: true,
  version: true,
  hint: true,
  expiresAt: true,
  refusedAt: true,
} as const satisfies Prisma.CredentialSelect;

/** Which credential a message would run with, without the secret. */
export interface CredentialChoice {
  readonly source: KeySource;
  readonly provider: Provider;
  readonly kind: CredentialKind;
  /** The credential's hint; null for a system key. */
  readonly hint: string | null;
  /** When the provider last refused it (null: not since it was stored; always for a system key). */
  readonly refusedAt: Date | null;
}

/** When a credential counts as EXPIRING (CREDENTIAL_EXPIRING_DAYS), and when it is due for rotation. */
export interface CredentialStatusConfig {
  readonly expiringDays: number;
  /** CREDENTIAL_ROTATION_DAYS: a secret older than this is due for rotation; 0 never. */
  readonly rotationDays?: number;
}

const DAY_MS = 24 * 3600 * 1000;

export interface ResolveConfig {
  readonly systemKeys: SystemKeys;
  readonly allowSystemKeys: boolean;
}

/**
 * The agent kind Session.keySource resolves for: the first the registry lists for the provider
 * (the chat agent for the API providers, the Copilot CLI for GitHub Copilot).
 */
export const DEFAULT_AGENT_KIND: Readonly<Record<Provider, AgentKind>> = byProvider(
  (_descriptor, provider) => firstAgentKindFor(provider) ?? "CHAT",
);

type Tx = Prisma.TransactionClient;

/**
 * Session keys and account credentials: write-only secrets. Secrets are validated, sealed with
 * the vault (the row's identity as associated data) and stored; nothing here decrypts, and
 * nothing returned holds ciphertext, nonce or secret.
 */
export class CredentialService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly vault: SealingVault,
    private readonly audit: AuditService,
    private readonly access: SessionAccessService,
    private readonly resolve: ResolveConfig,
    private readonly status: CredentialStatusConfig = { expiringDays: 7 },
  ) {}

  /**
   * Whether the secret is older than CREDENTIAL_ROTATION_DAYS (CredentialInfo.rotationDue). A
   * refreshable sign-in renews itself and is never due; 0 days turns the reminder off.
   */
  rotationDueOf(record: RotationInput, now = new Date()): boolean {
    const days = this.status.rotationDays ?? 90;
    return (
      days > 0 &&
      !record.refreshable &&
      now.getTime() - record.secretSetAt.getTime() >= days * DAY_MS
    );
  }

  /** How the credential stands now (CredentialInfo.status), from its metadata alone. */
  statusOf(record: CredentialStatusInput, now = new Date()): CredentialStatus {
    return credentialStatus(record, now, this.status.expiringDays * DAY_MS);
  }

  /**
   * Each session's own keys, in one query for all the sessions (the caller has checked the
   * viewer may read them).
   */
  async sessionKeysFor(sessionIds: readonly string[]): Promise<Map<string, CredentialRecord[]>> {
    const rows = await this.prisma.credential.findMany({
      where: { sessionId: { in: distinct(sessionIds) }, userId: null },
      orderBy: [{ provider: "asc" }, { kind: "asc" }],
      select: { ...credentialInfoSelect, sessionId: true },
    });
    const records = rows.map(({ sessionId, ...key }) => ({ sessionId, key }));
    const keys = groupBy(sessionIds, records, (record) => record.sessionId ?? "");
    return new Map([...keys].map(([id, group]) => [id, group.map((record) => record.key)]));
  }

  /** A user's account credentials. */
  accountCredentials(userId: string): Promise<CredentialRecord[]> {
    return this.prisma.credential.findMany({
      where: { userId, sessionId: null },
      orderBy: [{ provider: "asc" }, { kind: "asc" }],
      select: credentialInfoSelect,
    });
  }

  /** Sets the session's key for `provider` (its kind inferred), replacing any it had. Owner only. */
  async setSessionKey(
    actorId: string,
    sessionId: string,
    provider: Provider,
    secret: string,
  ): Promise<CredentialRecord> {
    await this.access.require(actorId, sessionId, "manage");
    return this.prisma.$transaction((tx) =>
      this.writeSessionKey(tx, actorId, sessionId, provider, secret),
    );
  }

  /**
   * Inside a transaction the caller owns (createSession uses it): validates, seals and stores
   * the key, replacing the session's key for that provider, whatever its kind (one per provider).
   */
  async writeSessionKey(
    tx: Tx,
    actorId: string,
    sessionId: string,
    provider: Provider,
    secretInput: string,
  ): Promise<CredentialRecord> {
    const raw = checkSecretSize(secretInput);
    refuseWrongProvider(provider, raw);
    const kind = inferCredentialKind(provider, raw);
    const secret = validateSecret(provider, kind, raw);
    const written = await writeCredential(tx, this.vault, {
      owner: { type: "session", id: sessionId },
      provider,
      kind,
      secret,
      actorId,
    });
    return tx.credential.findUniqueOrThrow({
      where: { id: written.id },
      select: credentialInfoSelect,
    });
  }

  /** Removes the session's key for `provider` (no-op when it has none). Owner only. */
  async removeSessionKey(actorId: string, sessionId: string, provider: Provider): Promise<void> {
    await this.access.require(actorId, sessionId, "manage");
    await this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT 1 FROM "Session" WHERE "id" = ${sessionId}::uuid FOR UPDATE`;
      const removed = await tx.credential.findMany({
        where: { sessionId, userId: null, provider },
        select: { id: true, kind: true, hint: true },
      });
      await tx.credential.deleteMany({ where: { id: { in: removed.map((row) => row.id) } } });
      for (const row of removed) {
        await this.audit.record(
          {
            actorId,
            action: "session_key.remove",
            targetType: "credential",
            targetId: row.id,
            details: { sessionId, provider, kind: row.kind, hint: row.hint },
          },
          tx,
        );
      }
    });
  }

  /** Sets the actor's own credential for (provider, kind), replacing the previous one. */
  async setAccountCredential(
    userId: string,
    provider: Provider,
    kind: CredentialKind,
    secretInput: string,
  ): Promise<CredentialRecord> {
    refuseWrongProvider(provider, checkSecretSize(secretInput));
    const secret = validateSecret(provider, kind, secretInput);
    return this.prisma.$transaction(async (tx) => {
      const written = await writeCredential(tx, this.vault, {
        owner: { type: "user", id: userId },
        provider,
        kind,
        secret,
        actorId: userId,
      });
      return tx.credential.findUniqueOrThrow({
        where: { id: written.id },
        select: credentialInfoSelect,
      });
    });
  }

  /** Removes the actor's own credential for (provider, kind); false when there was none. */
  async removeAccountCredential(
    userId: string,
    provider: Provider,
    kind: CredentialKind,
  ): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const existing = await tx.credential.findFirst({
        where: { userId, sessionId: null, provider, kind },
        select: { id: true, hint: true },
      });
      if (existing === null) return false;
      await tx.credential.delete({ where: { id: existing.id } });
      await this.audit.record(
        {
          actorId: userId,
          action: "account_credential.remove",
          targetType: "credential",
          targetId: existing.id,
          details: { userId, provider, kind, hint: existing.hint },
        },
        tx,
      );
      return true;
    });
  }

  /**
   * For each query, the credential the viewer's next message in the session would run with
   * (core's decision, no decryption): where it comes from, its kind, and its hint (none for a
   * system key, which is the operator's); null when none. One query for all: every candidate
   * row of every session and viewer asked about.
   */
  async nextCredentials(queries: readonly CredentialQuery[]): Promise<(CredentialChoice | null)[]> {
    const candidates = await this.prisma.credential.findMany({
      where: {
        provider: { in: distinct(queries.map((query) => query.provider)) },
        OR: [
          { sessionId: { in: distinct(queries.map((query) => query.sessionId)) }, userId: null },
          { userId: { in: distinct(queries.map((query) => query.viewerId)) }, sessionId: null },
        ],
      },
      select: candidateSelect,
    });
    const now = new Date();
    return queries.map(({ viewerId, sessionId, provider, agentKind }) => {
      // chooseCredential takes only the rows of this session, viewer and provider.
      const choice = chooseCredential({
        query: {
          sessionId,
          actingUserId: viewerId,
          provider,
          agentKind: agentKind ?? DEFAULT_AGENT_KIND[provider],
        },
        candidates,
        systemKeys: this.resolve.systemKeys,
        allowSystemKeys: this.resolve.allowSystemKeys,
        now,
      });
      if (choice === null) return null;
      const resolution = toResolution(provider, choice);
      const row =
        resolution.credentialId === null
          ? undefined
          : candidates.find((candidate) => candidate.id === resolution.credentialId);
      return {
        source: resolution.source,
        provider,
        kind: resolution.kind,
        hint: resolution.source === "SYSTEM" ? null : resolution.hint,
        refusedAt: row?.refusedAt ?? null,
      };
    });
  }
}
