import type { AgentKind, Provider } from "@agentry/core";
import { directRows, directStatement, Prisma, type PrismaClient } from "@agentry/prisma";

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
  /** numeric, as pg hands it: a string. */
  readonly budgetUsd: string | null;
  readonly spentUsd: string | null;
  readonly authorFound: boolean;
  readonly authorDisabledAt: Date | null;
  readonly authorMonthlyBudgetUsd: string | null;
}

const LOAD_RUN_MESSAGE = directStatement(
  "load_run_message",
  `SELECT m.id::text, m."agentId"::text, m."authorId"::text, m.text,
     m."startedAt" AT TIME ZONE 'UTC' AS "startedAt",
     a."sessionId"::text, a.kind::text, a.provider::text, a.model, a."repoCommit",
     s."repoUrl", s."repoRef", s."budgetUsd"::text, su."costUsd"::text AS "spentUsd",
     (u.id IS NOT NULL) AS "authorFound", u."disabledAt" AT TIME ZONE 'UTC' AS "authorDisabledAt",
     u."monthlyBudgetUsd"::text AS "authorMonthlyBudgetUsd"
   FROM "Message" m
     JOIN "Agent" a ON a.id = m."agentId"
     JOIN "Session" s ON s.id = a."sessionId"
     LEFT JOIN "SessionUsage" su ON su."sessionId" = s.id
     LEFT JOIN "User" u ON u.id = m."authorId"
   WHERE m.id = $1::uuid`,
);

const decimal = (value: string | null): Prisma.Decimal | null =>
  value === null ? null : new Prisma.Decimal(value);

/**
 * The message and everything its run reads, in one joined statement on the pool (a nested
 * `include` of agent, session, totals and author was five, each through the client engine, on
 * every message). Null when it is gone.
 */
export async function loadRunMessage(
  prisma: PrismaClient,
  messageId: string,
): Promise<RunMessage | null> {
  const [row] = await directRows<RunMessageRow>(prisma, LOAD_RUN_MESSAGE, [messageId]);
  if (row === undefined) return null;
  const spentUsd = decimal(row.spentUsd);
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
        budgetUsd: decimal(row.budgetUsd),
        usage: spentUsd === null ? null : { costUsd: spentUsd },
      },
    },
    author: row.authorFound
      ? {
          disabledAt: row.authorDisabledAt,
          monthlyBudgetUsd: decimal(row.authorMonthlyBudgetUsd),
        }
      : null,
  };
}
