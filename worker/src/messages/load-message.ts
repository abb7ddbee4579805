import type { AgentKind, Provider } from "@agentry/core";
import type { Prisma, PrismaClient } from "@agentry/prisma";

/** A claimed message with what its run needs: its agent, the agent's session and the sender. */
export interface RunMessage {
  readonly id: string;
  readonly agentId: string;
  readonly authorId: string | null;
  readonly text: string;
  readonly startedAt: Date | null;
  readonly agent: {
    readonly sessionId: string;
    readonly kind: AgentKind;
    readonly provider: Provider;
    readonly model: string;
    readonly repoCommit: string | null;
    readonly session: {
      readonly repoUrl: string | null;
      readonly repoRef: string | null;
      readonly budgetUsd: Prisma.Decimal | null;
      /** The session's totals; null before its first recorded call. */
      readonly usage: { readonly costUsd: Prisma.Decimal } | null;
    };
  };
  /** Null when the sender's account was deleted after sending. */
  readonly author: {
    readonly disabledAt: Date | null;
    readonly monthlyBudgetUsd: Prisma.Decimal | null;
  } | null;
}

interface RunMessageRow {
  readonly id: string;
  readonly agentId: string;
  readonly authorId: string | null;
  readonly text: string;
  readonly startedAt: Date | null;
  readonly sessionId: string;
  readonly kind: AgentKind;
  readonly provider: Provider;
  readonly model: string;
  readonly repoCommit: string | null;
  readonly repoUrl: string | null;
  readonly repoRef: string | null;
  readonly budgetUsd: Prisma.Decimal | null;
  readonly spentUsd: Prisma.Decimal | null;
  readonly authorFound: boolean;
  readonly authorDisabledAt: Date | null;
  readonly authorMonthlyBudgetUsd: Prisma.Decimal | null;
}

/**
 * The message and everything its run reads, in one joined statement (a nested `include` of
 * agent, session, totals and author was five, on every message). Null when it is gone.
 */
export async function loadRunMessage(
  prisma: PrismaClient,
  messageId: string,
): Promise<RunMessage | null> {
  const rows = await prisma.$queryRaw<RunMessageRow[]>`
    SELECT m.id::text, m."agentId"::text, m."authorId"::text, m.text, m."startedAt",
      a."sessionId"::text, a.kind::text, a.provider::text, a.model, a."repoCommit",
      s."repoUrl", s."repoRef", s."budgetUsd", su."costUsd" AS "spentUsd",
      (u.id IS NOT NULL) AS "authorFound", u."disabledAt" AS "authorDisabledAt",
      u."monthlyBudgetUsd" AS "authorMonthlyBudgetUsd"
    FROM "Message" m
      JOIN "Agent" a ON a.id = m."agentId"
      JOIN "Session" s ON s.id = a."sessionId"
      LEFT JOIN "SessionUsage" su ON su."sessionId" = s.id
      LEFT JOIN "User" u ON u.id = m."authorId"
    WHERE m.id = ${messageId}::uuid`;
  const row = rows[0];
  if (row === undefined) return null;
  return {
    id: row.id,
    agentId: row.agentId,
    authorId: row.authorId,
    text: row.text,
    startedAt: row.startedAt,
    agent: {
      sessionId: row.sessionId,
      kind: row.kind,
      provider: row.provider,
      model: row.model,
      repoCommit: row.repoCommit,
      session: {
        repoUrl: row.repoUrl,
        repoRef: row.repoRef,
        budgetUsd: row.budgetUsd,
        usage: row.spentUsd === null ? null : { costUsd: row.spentUsd },
      },
    },
    author: row.authorFound
      ? { disabledAt: row.authorDisabledAt, monthlyBudgetUsd: row.authorMonthlyBudgetUsd }
      : null,
  };
}
