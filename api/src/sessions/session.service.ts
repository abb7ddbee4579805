import type { AgentQueues } from "../agents/agent-queues.js";
import type { Provider } from "@agentry/core";
import type { PrismaClient } from "@agentry/prisma";
import type { AuditService } from "../audit/audit.service.js";
import type { CredentialService } from "../credentials/credential.service.js";
import { afterCursor, newestFirst, toPage, type Page } from "../graphql/connection.js";
import { parseName, parseRepoUrl } from "../graphql/limits.js";
import {
  sessionSelect,
  toView,
  visibleTo,
  type SessionAccessService,
  type SessionView,
} from "./session-access.service.js";

export interface NewSession {
  readonly name: string;
  readonly repoUrl?: string | null | undefined;
  readonly providerKey?:
    { readonly provider: Provider; readonly secret: string } | null | undefined;
}

/** Sessions: create, list, rename, delete. Who may do what is SessionAccessService's call. */
export class SessionService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly access: SessionAccessService,
    private readonly credentials: CredentialService,
    private readonly audit: AuditService,
    private readonly queues: Pick<AgentQueues, "enqueueControl">,
  ) {}

  /** The session when the viewer may read it; null otherwise (absent and not-yours look alike). */
  get(viewerId: string, sessionId: string): Promise<SessionView | null> {
    return this.access.find(viewerId, sessionId);
  }

  /** The session when the viewer owns it; NOT_FOUND / FORBIDDEN otherwise. */
  requireOwned(viewerId: string, sessionId: string): Promise<SessionView> {
    return this.access.require(viewerId, sessionId, "manage");
  }

  /** The viewer's sessions, owned and shared, newest first. */
  async list(
    viewerId: string,
    first: number,
    after: string | null | undefined,
  ): Promise<Page<SessionView>> {
    const visible = visibleTo(viewerId);
    const [rows, totalCount] = await Promise.all([
      this.prisma.session.findMany({
        where: { AND: [visible, afterCursor(after)] },
        orderBy: newestFirst(),
        take: first + 1,
        select: {
          ...sessionSelect,
          members: { where: { userId: viewerId }, select: { role: true } },
        },
      }),
      this.prisma.session.count({ where: visible }),
    ]);
    const views = rows.flatMap((row) => {
      const view = toView(row, viewerId);
      return view === null ? [] : [view];
    });
    return toPage(views, first, totalCount, (view) => view);
  }

  /** Creates a session owned by the viewer, with its first key when one is given (all or nothing). */
  async create(viewerId: string, input: NewSession): Promise<SessionView> {
    const name = parseName(input.name);
    const repoUrl = parseRepoUrl(input.repoUrl);
    const session = await this.prisma.$transaction(async (tx) => {
      const created = await tx.session.create({
        data: { ownerId: viewerId, name, repoUrl },
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
    await this.queues.enqueueControl({ type: "removeSession", sessionId });
  }
}
