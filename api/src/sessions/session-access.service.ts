import { AppError } from "@agentry/core";
import { directRows, directStatement, type PrismaClient } from "@agentry/prisma";
import type { SessionRole } from "../graphql/enums.js";

/** A session row as the api uses it. */
export interface SessionRecord {
  readonly id: string;
  readonly ownerId: string;
  readonly name: string;
  readonly repoUrl: string | null;
  readonly repoRef: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A session seen by one viewer: holding one proves the viewer may read it. */
export interface SessionView extends SessionRecord {
  readonly viewerId: string;
  readonly viewerRole: SessionRole;
}

/** A session row with the viewer's membership role, read with an agent (requireAgent). */
interface AgentSessionRow extends SessionRecord {
  readonly memberRole: "EDITOR" | "VIEWER" | null;
}

/** Agent $1's session with viewer $2's membership role (null: none), joined in one statement. */
const AGENT_SESSION = directStatement(
  "agent_session",
  `SELECT s.id::text, s."ownerId"::text, s.name, s."repoUrl", s."repoRef",
     s."createdAt" AT TIME ZONE 'UTC' AS "createdAt",
     s."updatedAt" AT TIME ZONE 'UTC' AS "updatedAt", mem.role::text AS "memberRole"
   FROM "Agent" a
     JOIN "Session" s ON s.id = a."sessionId"
     LEFT JOIN "SessionMember" mem ON mem."sessionId" = s.id AND mem."userId" = $2::uuid
   WHERE a.id = $1::uuid`,
);

/**
 * What an action needs: `read` (any member), `use` (owner or EDITOR: run agents), `manage`
 * (owner only: keys, name, members, delete).
 */
export type SessionNeed = "read" | "use" | "manage";

export const sessionSelect = {
  id: true,
  ownerId: true,
  name: true,
  repoUrl: true,
  repoRef: true,
  createdAt: true,
  updatedAt: true,
} as const;

const ALLOWED: Readonly<Record<SessionNeed, readonly SessionRole[]>> = {
  read: ["OWNER", "EDITOR", "VIEWER"],
  use: ["OWNER", "EDITOR"],
  manage: ["OWNER"],
};

const FORBIDDEN_MESSAGE: Readonly<Record<SessionNeed, string>> = {
  read: "You cannot read this session",
  use: "Viewers cannot use this session; ask its owner to make you an editor",
  manage: "Only the session's owner can do this",
};

/** The viewer's sessions: owned, or shared with them through SessionMember. */
export const visibleTo = (userId: string) => ({
  OR: [{ ownerId: userId }, { members: { some: { userId } } }],
});

/**
 * The one place that decides who may see and do what in a session. Anyone who is neither the
 * owner nor a member gets NOT_FOUND (the session's existence is not revealed), admins included.
 */
export class SessionAccessService {
  constructor(private readonly prisma: PrismaClient) {}

  /** The session as `viewerId` sees it; null when absent or not theirs. */
  async find(viewerId: string, sessionId: string): Promise<SessionView | null> {
    const row = await this.prisma.session.findFirst({
      where: { id: sessionId, ...visibleTo(viewerId) },
      select: {
        ...sessionSelect,
        members: { where: { userId: viewerId }, select: { role: true } },
      },
    });
    return row === null ? null : toView(row, viewerId);
  }

  /**
   * Which of `userIds` may read the session (its owner, its members), in one query: the
   * re-checks of many live subscriptions at once. Empty when the session is gone.
   */
  async readersAmong(sessionId: string, userIds: readonly string[]): Promise<Set<string>> {
    const row = await this.prisma.session.findUnique({
      where: { id: sessionId },
      select: {
        ownerId: true,
        members: { where: { userId: { in: [...userIds] } }, select: { userId: true } },
      },
    });
    if (row === null) return new Set();
    const readers = new Set(row.members.map((member) => member.userId));
    if (userIds.includes(row.ownerId)) readers.add(row.ownerId);
    return readers;
  }

  /** The session, when the viewer may do `need` in it; NOT_FOUND / FORBIDDEN otherwise. */
  async require(viewerId: string, sessionId: string, need: SessionNeed): Promise<SessionView> {
    const session = await this.find(viewerId, sessionId);
    if (session === null) throw new AppError("NOT_FOUND", "Session not found");
    if (!ALLOWED[need].includes(session.viewerRole))
      throw new AppError("FORBIDDEN", FORBIDDEN_MESSAGE[need]);
    return session;
  }

  /** An agent and its session, when the viewer may do `need` in that session; NOT_FOUND otherwise. */
  async requireAgent(
    viewerId: string,
    agentId: string,
    need: SessionNeed,
  ): Promise<{ readonly agentId: string; readonly session: SessionView }> {
    // One statement on the pool (directRows): every sendMessage and agentEvents subscription
    // passes here.
    const rows = await directRows<AgentSessionRow>(this.prisma, AGENT_SESSION, [agentId, viewerId]);
    const [row] = rows;
    let session: SessionView | null = null;
    if (row !== undefined) {
      const { memberRole, ...record } = row;
      session = toView(
        { ...record, members: memberRole === null ? [] : [{ role: memberRole }] },
        viewerId,
      );
    }
    if (session === null) throw new AppError("NOT_FOUND", "Agent not found");
    if (!ALLOWED[need].includes(session.viewerRole))
      throw new AppError("FORBIDDEN", FORBIDDEN_MESSAGE[need]);
    return { agentId, session };
  }
}

/**
 * A session row with the viewer's membership row (selected with `where: { userId: viewerId }`)
 * as the viewer's view; null when the viewer is neither owner nor member.
 */
export function toView(
  row: SessionRecord & { readonly members: readonly { readonly role: "EDITOR" | "VIEWER" }[] },
  viewerId: string,
): SessionView | null {
  const { members, ...record } = row;
  const viewerRole: SessionRole | undefined = row.ownerId === viewerId ? "OWNER" : members[0]?.role;
  return viewerRole === undefined ? null : { ...record, viewerId, viewerRole };
}
