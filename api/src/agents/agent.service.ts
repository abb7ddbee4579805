import type { PrismaClient } from "@agentry/prisma";
import type { AgentKind, KeySource, Provider } from "@agentry/core";
import { distinct, groupBy } from "../graphql/batching.js";
import type { AgentStatus, MessageStatus } from "../graphql/enums.js";

export interface AgentRecord {
  readonly id: string;
  readonly sessionId: string;
  readonly kind: AgentKind;
  readonly name: string;
  readonly provider: Provider;
  readonly model: string;
  readonly status: AgentStatus;
  readonly statusReason: string | null;
  readonly createdAt: Date;
}

export interface MessageRecord {
  readonly id: string;
  readonly role: "user" | "assistant";
  readonly text: string;
  readonly status: MessageStatus;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly keySource: KeySource | null;
  readonly replyToId: string | null;
  readonly createdAt: Date;
}

export const agentSelect = {
  id: true,
  sessionId: true,
  kind: true,
  name: true,
  provider: true,
  model: true,
  status: true,
  statusReason: true,
  createdAt: true,
} as const;

export const messageSelect = {
  id: true,
  role: true,
  text: true,
  status: true,
  errorCode: true,
  errorMessage: true,
  keySource: true,
  replyToId: true,
  createdAt: true,
} as const;

/** Reads agents and their messages (the caller has checked the viewer may read the session). */
export class AgentService {
  constructor(private readonly prisma: PrismaClient) {}

  /** One agent (the caller checks the viewer may read its session); null when there is none. */
  async byId(agentId: string): Promise<AgentRecord | null> {
    return this.prisma.agent.findUnique({ where: { id: agentId }, select: agentSelect });
  }

  /** Each session's agents, oldest first, in one query for all the sessions. */
  async forSessions(sessionIds: readonly string[]): Promise<Map<string, AgentRecord[]>> {
    const rows = await this.prisma.agent.findMany({
      where: { sessionId: { in: distinct(sessionIds) } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: agentSelect,
    });
    return groupBy(sessionIds, rows, (row) => row.sessionId);
  }

  /** The agent's messages, oldest first; only the last `last` when given. */
  async messages(agentId: string, last: number | undefined): Promise<MessageRecord[]> {
    const rows = await this.prisma.message.findMany({
      where: { agentId },
      orderBy: [
        { createdAt: last === undefined ? "asc" : "desc" },
        { id: last === undefined ? "asc" : "desc" },
      ],
      ...(last === undefined ? {} : { take: last }),
      select: messageSelect,
    });
    const ordered = last === undefined ? rows : rows.reverse();
    return ordered.map(toMessageRecord);
  }
}

type MessageRow = { readonly role: "USER" | "ASSISTANT" } & Omit<MessageRecord, "role">;

/** A message row as the api shows it (role in lower case, as the contract says). */
export function toMessageRecord(row: MessageRow): MessageRecord {
  return { ...row, role: row.role === "USER" ? "user" : "assistant" };
}
