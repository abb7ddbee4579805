import type { AgentQueues } from "../agents/agent-queues.js";
import { AppError, type Provider, type RepositoryUrlRules } from "@agentry/core";
import { Prisma, type PrismaClient } from "@agentry/prisma";
import type { AuditService } from "../audit/audit.service.js";
import type { CredentialService } from "../credentials/credential.service.js";
import type { Page } from "../graphql/connection.js";
import { parseName, parseRepoRef, parseRepoUrl } from "../graphql/limits.js";
import {
  sessionSelect,
  toView,
  visibleTo,
  type SessionAccessService,
  type SessionView,
} from "./session-access.service.js";
import {
  DEFAULT_SESSION_ORDER,
  decodeSessionCursor,
  encodeSessionCursor,
  type OrderDirection,
  type SessionCursor,
  type SessionOrder,
  type SessionOrderField,
} from "./session-order.js";

export interface NewSession {
  readonly name: string;
  readonly repoUrl?: string | null | undefined;
  /** A branch, tag or commit to check out (only with repoUrl); null: the default branch. */
  readonly repoRef?: string | null | undefined;
  readonly providerKey?:
    { readonly provider: Provider; readonly secret: string } | null | undefined;
}

/** A listed session with its sort key as text (null: no longer visible when its row was read). */
interface KeyedView {
  readonly view: SessionView | null;
  readonly key: string;
}

type UsageOrderField = Exclude<SessionOrderField, "CREATED_AT" | "NAME">;

// Sessions without a usage row count as 0. Keys compare as numeric (exact: costs are decimals,
// token sums may outgrow bigint); cursors carry them as text.
const USAGE_KEY: Readonly<Record<UsageOrderField, Prisma.Sql>> = {
  COST: Prisma.sql`COALESCE(u."costUsd", 0)`,
  TOKENS: Prisma.sql`COALESCE(u."inputTokens"::numeric + u."outputTokens" + u."cacheReadTokens" + u."cacheWriteTokens", 0)`,
  API_CALLS: Prisma.sql`COALESCE(u."apiCalls", 0)::numeric`,
};
const SQL_DIRECTION: Readonly<Record<OrderDirection, Prisma.Sql>> = {
  ASC: Prisma.raw("ASC"),
  DESC: Prisma.raw("DESC"),
};
const COMPARE: Readonly<Record<OrderDirection, Prisma.Sql>> = {
  ASC: Prisma.raw(">"),
  DESC: Prisma.raw("<"),
};

/** The Prisma `where` of the rows after `cursor` in (field, id) order. */
function afterRow(
  order: { readonly field: "CREATED_AT" | "NAME"; readonly direction: OrderDirection },
  cursor: SessionCursor | null,
): Prisma.SessionWhereInput {
  if (cursor === null) return {};
  const beyond = <T>(value: T): { lt: T } | { gt: T } =>
    order.direction === "ASC" ? { gt: value } : { lt: value };
  const id = beyond(cursor.id);
  if (order.field === "NAME")
    return { OR: [{ name: beyond(cursor.key) }, { name: cursor.key, id }] };
  const createdAt = new Date(cursor.key);
  return { OR: [{ createdAt: beyond(createdAt) }, { createdAt, id }] };
}

/** Sessions: create, list, rename, delete. Who may do what is SessionAccessService's call. */
export class SessionService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly access: SessionAccessService,
    private readonly credentials: CredentialService,
    private readonly audit: AuditService,
    private readonly queues: Pick<AgentQueues, "enqueueControl">,
    /** Which repository URLs createSession accepts (REPOSITORY_ALLOW_LOOPBACK, tests only). */
    private readonly repositories: RepositoryUrlRules = {},
  ) {}

  /** The session when the viewer may read it; null otherwise (absent and not-yours look alike). */
  get(viewerId: string, sessionId: string): Promise<SessionView | null> {
    return this.access.find(viewerId, sessionId);
  }

  /** The session when the viewer owns it; NOT_FOUND / FORBIDDEN otherwise. */
  requireOwned(viewerId: string, sessionId: string): Promise<SessionView> {
    return this.access.require(viewerId, sessionId, "manage");
  }

  /**
   * The viewer's sessions, owned and shared, a page at a time in `order` (newest first unless
   * told otherwise), ties broken by id. Usage figures count a session without usage as 0.
   */
  async list(
    viewerId: string,
    first: number,
    after: string | null | undefined,
    order: SessionOrder = DEFAULT_SESSION_ORDER,
  ): Promise<Page<SessionView>> {
    const cursor = after === null || after === undefined ? null : decodeSessionCursor(after, order);
    const [rows, totalCount] = await Promise.all([
      order.field === "CREATED_AT" || order.field === "NAME"
        ? this.pageByColumn(
            viewerId,
            first + 1,
            { field: order.field, direction: order.direction },
            cursor,
          )
        : this.pageByUsage(
            viewerId,
            first + 1,
            { field: order.field, direction: order.direction },
            cursor,
          ),
      this.prisma.session.count({ where: visibleTo(viewerId) }),
    ]);
    const edges = rows
      .slice(0, first)
      .flatMap(({ view, key }) =>
        view === null
          ? []
          : [{ cursor: encodeSessionCursor(order, { key, id: view.id }), node: view }],
      );
    return {
      edges,
      pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
      totalCount,
    };
  }

  /** Up to `take` visible sessions after `cursor`, ordered by one of their own columns. */
  private async pageByColumn(
    viewerId: string,
    take: number,
    order: { readonly field: "CREATED_AT" | "NAME"; readonly direction: OrderDirection },
    cursor: SessionCursor | null,
  ): Promise<KeyedView[]> {
    const dir = order.direction === "ASC" ? "asc" : "desc";
    const rows = await this.prisma.session.findMany({
      where: { AND: [visibleTo(viewerId), afterRow(order, cursor)] },
      orderBy:
        order.field === "NAME" ? [{ name: dir }, { id: dir }] : [{ createdAt: dir }, { id: dir }],
      take,
      select: {
        ...sessionSelect,
        members: { where: { userId: viewerId }, select: { role: true } },
      },
    });
    return rows.map((row) => ({
      view: toView(row, viewerId),
      key: order.field === "NAME" ? row.name : row.createdAt.toISOString(),
    }));
  }

  /**
   * Up to `take` visible sessions after `cursor`, ordered by a usage figure from the rollup.
   * Prisma cannot order by COALESCE or a sum, so the order comes from SQL (every value a
   * parameter; the fragments are fixed per field) and the rows from Prisma, through visibleTo
   * again: should the two visibility rules ever disagree, a page comes out short, never leaky.
   */
  private async pageByUsage(
    viewerId: string,
    take: number,
    order: { readonly field: UsageOrderField; readonly direction: OrderDirection },
    cursor: SessionCursor | null,
  ): Promise<KeyedView[]> {
    const key = USAGE_KEY[order.field];
    const after =
      cursor === null
        ? Prisma.empty
        : Prisma.sql`AND (${key}, s."id") ${COMPARE[order.direction]} (${cursor.key}::numeric, ${cursor.id}::uuid)`;
    const dir = SQL_DIRECTION[order.direction];
    // The visibility rule of visibleTo (owner or member), in SQL.
    const ordered = await this.prisma.$queryRaw<{ id: string; key: string }[]>(Prisma.sql`
      SELECT s."id", (${key})::text AS "key"
      FROM "Session" s
      LEFT JOIN "SessionUsage" u ON u."sessionId" = s."id"
      WHERE (
        s."ownerId" = ${viewerId}::uuid
        OR EXISTS (
          SELECT 1 FROM "SessionMember" m WHERE m."sessionId" = s."id" AND m."userId" = ${viewerId}::uuid
        )
      ) ${after}
      ORDER BY ${key} ${dir}, s."id" ${dir}
      LIMIT ${take}`);
    const rows = await this.prisma.session.findMany({
      where: { AND: [visibleTo(viewerId), { id: { in: ordered.map((row) => row.id) } }] },
      select: {
        ...sessionSelect,
        members: { where: { userId: viewerId }, select: { role: true } },
      },
    });
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ordered.map(({ id, key: value }) => {
      const row = byId.get(id);
      return { view: row === undefined ? null : toView(row, viewerId), key: value };
    });
  }

  /** Creates a session owned by the viewer, with its first key when one is given (all or nothing). */
  async create(viewerId: string, input: NewSession): Promise<SessionView> {
    const name = parseName(input.name);
    const repoUrl = parseRepoUrl(input.repoUrl, this.repositories);
    const repoRef = parseRepoRef(input.repoRef);
    if (repoRef !== null && repoUrl === null) {
      throw new AppError("BAD_USER_INPUT", "repoRef needs a repoUrl", { field: "repoRef" });
    }
    const session = await this.prisma.$transaction(async (tx) => {
      const created = await tx.session.create({
        data: { ownerId: viewerId, name, repoUrl, repoRef },
        select: sessionSelect,
      });
      const key = input.providerKey;
      if (key !== null && key !== undefined) {
        await this.credentials.writeSessionKey(tx, viewerId, created.id, key.provider, key.secret);
      }
      return created;
    });
    return { ...session, viewerId, viewerRole: "OWNER" };
  }

  /** Renames a session. Owner only. */
  async rename(viewerId: string, sessionId: string, nameInput: string): Promise<SessionView> {
    const name = parseName(nameInput);
    const session = await this.access.require(viewerId, sessionId, "manage");
    const updated = await this.prisma.session.update({
      where: { id: sessionId },
      data: { name },
      select: sessionSelect,
    });
    return { ...updated, viewerId, viewerRole: session.viewerRole };
  }

  /** Deletes a session with its keys, agents, messages and usage (cascade), then its containers. Owner only. */
  async delete(viewerId: string, sessionId: string): Promise<void> {
    await this.access.require(viewerId, sessionId, "manage");
    await this.prisma.$transaction(async (tx) => {
      const keys = await tx.credential.findMany({
        where: { sessionId },
        select: { id: true, provider: true, kind: true, hint: true },
      });
      await tx.session.delete({ where: { id: sessionId } });
      await this.audit.record(
        { actorId: viewerId, action: "session.delete", targetType: "session", targetId: sessionId },
        tx,
      );
      for (const key of keys) {
        await this.audit.record(
          {
            actorId: viewerId,
            action: "session_key.remove",
            targetType: "credential",
            targetId: key.id,
            details: { sessionId, provider: key.provider, kind: key.kind, hint: key.hint },
          },
          tx,
        );
      }
    });
    // The worker removes the session's containers and workspaces; its reconciliation at start
    // catches any this misses (Redis away, say).
    await this.queues
      .enqueueControl({ type: "removeSession", sessionId })
      .catch((error: unknown) => {
        // The session is gone either way; the worker's reconciliation removes what is left.
        if (!(error instanceof AppError && error.code === "UNAVAILABLE")) throw error;
      });
  }
}
