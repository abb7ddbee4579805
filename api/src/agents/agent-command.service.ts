import {
  AGENT_KIND_LABELS,
  agentKindDescriptor,
  agentSupportsProvider,
  AppError,
  defaultProviderOf,
  PROVIDER_LABELS,
  providerDescriptor,
  providerOfModel,
  providersOf,
  type AgentKind,
  type Provider,
} from "@agentry/core";
import { directRows, directStatement, Prisma, type PrismaClient } from "@agentry/prisma";
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { parseName, refuseSecretLike } from "../graphql/limits.js";
import type { SessionAccessService } from "../sessions/session-access.service.js";
import type { AgentQueues } from "./agent-queues.js";
import {
  agentSelect,
  messageSelect,
  toMessageRecord,
  type AgentRecord,
  type MessageRecord,
} from "./agent.service.js";

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,99}$/;
export const MAX_MESSAGE_LENGTH = 32_000;
/** How long cancelMessage waits for the worker to stop a running message before it answers. */
const CANCEL_WAIT_MS = 10_000;
const CANCEL_POLL_MS = 100;

/** A user's message $1 to agent $2 from $3 with text $4, sent at $5: QUEUED. */
const INSERT_MESSAGE = directStatement(
  "insert_user_message",
  `INSERT INTO "Message" (id, "agentId", "authorId", role, text, status, attempts, "createdAt")
   VALUES ($1::uuid, $2::uuid, $3::uuid, 'USER', $4::text, 'QUEUED', 0,
     ($5::timestamptz AT TIME ZONE 'UTC'))`,
);

/** Session $1's budget and what it spent (numeric, as text). */
const SESSION_BUDGET = directStatement(
  "session_budget",
  `SELECT s."budgetUsd"::text, u."costUsd"::text AS "spentUsd"
   FROM "Session" s LEFT JOIN "SessionUsage" u ON u."sessionId" = s.id
   WHERE s.id = $1::uuid`,
);

/**
 * The provider an agent runs with (the registry decides): the one given; else the one the
 * model's name says; else, for a kind with one provider or no model, the kind's default.
 */
function chooseProvider(
  kind: AgentKind,
  model: string | undefined,
  provider: Provider | undefined,
): Provider | null {
  if (provider !== undefined) return provider;
  const named = model === undefined ? null : providerOfModel(model);
  if (named !== null) return named;
  return model === undefined || providersOf(kind).length === 1 ? defaultProviderOf(kind) : null;
}

/** Spawning agents and sending them messages: the writes that start work in the worker. */
export class AgentCommandService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly access: SessionAccessService,
    private readonly queues: AgentQueues,
  ) {}

  async spawn(
    viewerId: string,
    sessionId: string,
    kind: AgentKind,
    model: string | undefined,
    provider: Provider | undefined,
    name?: string,
  ): Promise<AgentRecord> {
    await this.access.require(viewerId, sessionId, "use");
    const given = name === undefined ? undefined : parseName(name);
    if (!agentKindDescriptor(kind).runnable) {
      throw new AppError(
        "BAD_USER_INPUT",
        `${AGENT_KIND_LABELS[kind]} agents are not available yet`,
        { field: "kind" },
      );
    }
    if (model !== undefined && !MODEL_NAME.test(model)) {
      throw new AppError("BAD_USER_INPUT", "model must be a model name such as claude-sonnet-4-5", {
        field: "model",
      });
    }
    if (model !== undefined) refuseSecretLike(model, "model");
    const chosen = chooseProvider(kind, model, provider);
    if (chosen === null) {
      throw new AppError(
        "BAD_USER_INPUT",
        "The model's name does not say its provider: give provider too",
        {
          field: "provider",
        },
      );
    }
    if (!agentSupportsProvider(kind, chosen)) {
      const usable = providersOf(kind)
        .map((p) => PROVIDER_LABELS[p])
        .join(", ");
      throw new AppError(
        "BAD_USER_INPUT",
        `${AGENT_KIND_LABELS[kind]} agents run with ${usable}, not ${PROVIDER_LABELS[chosen]}`,
        { field: provider === undefined ? "model" : "provider" },
      );
    }
    // Unnamed: its kind's name, numbered from the second of that kind in the session on.
    const others =
      given === undefined ? await this.prisma.agent.count({ where: { sessionId, kind } }) : 0;
    return this.prisma.agent.create({
      data: {
        sessionId,
        kind,
        name:
          given ??
          (others === 0 ? AGENT_KIND_LABELS[kind] : `${AGENT_KIND_LABELS[kind]} ${others + 1}`),
        provider: chosen,
        model: model ?? providerDescriptor(chosen).defaultModel,
        status: "IDLE",
      },
      select: agentSelect,
    });
  }

  /** Renames an agent (owner or editor of its session). */
  async rename(viewerId: string, agentId: string, nameInput: string): Promise<AgentRecord> {
    const name = parseName(nameInput);
    await this.access.requireAgent(viewerId, agentId, "use");
    return this.prisma.agent.update({
      where: { id: agentId },
      data: { name },
      select: agentSelect,
    });
  }

  /**
   * Stores the user's message (QUEUED) and enqueues its run, job id = message id. A session at
   * its budget refuses new messages here, before any work starts. Text shaped like a credential
   * is refused (it would be stored and shown as is). When the queue cannot take the run (Redis
   * down) the message is not kept and the sender gets UNAVAILABLE at once: nothing is left
   * QUEUED that no run would ever pick up.
   */
  async send(viewerId: string, agentId: string, text: string): Promise<MessageRecord> {
    const { session } = await this.access.requireAgent(viewerId, agentId, "use");
    if (text.trim() === "")
      throw new AppError("BAD_USER_INPUT", "text must not be empty", { field: "text" });
    if (text.length > MAX_MESSAGE_LENGTH) {
      throw new AppError(
        "BAD_USER_INPUT",
        `text is too long (at most ${MAX_MESSAGE_LENGTH} characters)`,
        {
          field: "text",
        },
      );
    }
    refuseSecretLike(text, "text");
    // The budget and what was spent, joined in one statement on the pool (on every message).
    const [budget] = await directRows<{ budgetUsd: string | null; spentUsd: string | null }>(
      this.prisma,
      SESSION_BUDGET,
      [session.id],
    );
    if (
      budget?.budgetUsd != null &&
      budget.spentUsd !== null &&
      new Prisma.Decimal(budget.spentUsd).gte(budget.budgetUsd)
    ) {
      throw new AppError(
        "BUDGET_EXCEEDED",
        `This session reached its budget of $${new Prisma.Decimal(budget.budgetUsd).toFixed(2)}; raise the budget to continue`,
        { budgetUsd: Number(budget.budgetUsd) },
      );
    }
    const message: MessageRecord = {
      id: randomUUID(),
      role: "user",
      text,
      status: "QUEUED",
      errorCode: null,
      errorMessage: null,
      keySource: null,
      replyToId: null,
      createdAt: new Date(),
    };
    await directRows(this.prisma, INSERT_MESSAGE, [
      message.id,
      agentId,
      viewerId,
      text,
      message.createdAt.toISOString(),
    ]);
    try {
      await this.queues.enqueueMessage({ messageId: message.id, agentId });
    } catch (error) {
      // Should the job land after all (a timed-out enqueue), the worker finds no message and
      // drops it; should this delete fail, the worker's reconciliation at start enqueues it.
      await this.prisma.message.deleteMany({ where: { id: message.id } }).catch(() => undefined);
      throw error;
    }
    return message;
  }

  /**
   * Stops a user message (owner or editor). A QUEUED one is CANCELLED at once (the agent row
   * locked, as the worker's claim does, so it cannot start meanwhile) and never runs. A RUNNING
   * one: the worker running it is asked to stop it and ends it CANCELLED (its calls so far
   * counted, its text kept); the answer waits for that, up to CANCEL_WAIT_MS, and is the message
   * as it then stands. One that already ended is returned as it ended: stopping is idempotent.
   */
  async cancel(viewerId: string, messageId: string): Promise<MessageRecord> {
    const row = await this.prisma.message.findUnique({
      where: { id: messageId },
      select: { role: true, agentId: true, agent: { select: { sessionId: true } } },
    });
    const session = row === null ? null : await this.access.find(viewerId, row.agent.sessionId);
    // Another's message is not told apart from none.
    if (row === null || session === null) throw new AppError("NOT_FOUND", "Message not found");
    await this.access.require(viewerId, session.id, "use");
    if (row.role !== "USER") {
      throw new AppError(
        "BAD_USER_INPUT",
        "This is an agent's reply; stop the message it answers instead",
        { field: "id" },
      );
    }
    const status = await this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM "Agent" WHERE id = ${row.agentId}::uuid FOR UPDATE`;
      const { count } = await tx.message.updateMany({
        where: { id: messageId, status: "QUEUED" },
        data: { status: "CANCELLED", finishedAt: new Date() },
      });
      if (count > 0) return "CANCELLED" as const;
      return (await tx.message.findUnique({ where: { id: messageId }, select: { status: true } }))
        ?.status;
    });
    if (status === "RUNNING") await this.stopRunning(messageId);
    const message = await this.prisma.message.findUnique({
      where: { id: messageId },
      select: messageSelect,
    });
    // Gone meanwhile (its agent or session deleted).
    if (message === null) throw new AppError("NOT_FOUND", "Message not found");
    return toMessageRecord(message);
  }

  /**
   * Removes an agent (owner or editor): a message it is running is stopped first (as
   * cancelMessage, its calls so far counted), then the agent goes with its messages (queued ones
   * never run). Its per-call usage records stay the session's, their agent and message cleared
   * (the schema's SetNull), so the session's totals, hourly rollup and series (which reads partial
   * hours from those records) are unchanged. The worker removes its environment, workspace and
   * event history (a control job; its reconciliation at start removes environments of agents
   * that are gone, should Redis be away now).
   */
  async removeAgent(viewerId: string, agentId: string): Promise<boolean> {
    await this.access.requireAgent(viewerId, agentId, "use");
    // Its waiting messages first (under the row lock the worker's claim takes), so none starts
    // once the running one is stopped.
    await this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM "Agent" WHERE id = ${agentId}::uuid FOR UPDATE`;
      await tx.message.updateMany({
        where: { agentId, status: "QUEUED" },
        data: { status: "CANCELLED", finishedAt: new Date() },
      });
    });
    const running = await this.prisma.message.findFirst({
      where: { agentId, role: "USER", status: "RUNNING" },
      select: { id: true },
    });
    if (running !== null) await this.stopRunning(running.id);
    await this.prisma.agent.deleteMany({ where: { id: agentId } });
    await this.queues.enqueueControl({ type: "removeAgent", agentId }).catch((error: unknown) => {
      // The agent is gone either way; the worker's reconciliation removes what is left.
      if (!(error instanceof AppError && error.code === "UNAVAILABLE")) throw error;
    });
    return true;
  }

  /** Asks the worker to stop a running message and waits (up to CANCEL_WAIT_MS) until it has. */
  private async stopRunning(messageId: string): Promise<void> {
    await this.queues.requestCancel(messageId);
    const deadline = Date.now() + CANCEL_WAIT_MS;
    while (Date.now() < deadline && (await this.statusOf(messageId)) === "RUNNING") {
      await sleep(CANCEL_POLL_MS);
    }
  }

  private async statusOf(messageId: string): Promise<string | undefined> {
    const row = await this.prisma.message.findUnique({
      where: { id: messageId },
      select: { status: true },
    });
    return row?.status;
  }

  /** The session's cost cap in USD, or null (the caller has checked the viewer may read it). */
  async budget(sessionId: string): Promise<number | null> {
    const row = await this.prisma.session.findUnique({
      where: { id: sessionId },
      select: { budgetUsd: true },
    });
    return row?.budgetUsd?.toNumber() ?? null;
  }

  /** Sets or clears the session's cost cap (owner only). */
  async setBudget(viewerId: string, sessionId: string, budgetUsd: number | null): Promise<void> {
    await this.access.require(viewerId, sessionId, "manage");
    if (budgetUsd !== null && (!Number.isFinite(budgetUsd) || budgetUsd < 0 || budgetUsd > 1e9)) {
      throw new AppError("BAD_USER_INPUT", "budgetUsd must be between 0 and 1,000,000,000", {
        field: "budgetUsd",
      });
    }
    await this.prisma.session.update({ where: { id: sessionId }, data: { budgetUsd } });
  }
}
