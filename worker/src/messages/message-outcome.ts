import { randomUUID } from "node:crypto";
import type { AgentKind, AppError, Resolution } from "@agentry/core";
import { directRows, directStatement } from "@agentry/prisma";
import type { MessageProcessorDeps } from "./message.processor.js";

// How a message's run ends in the database, on its agent's event stream and in the metrics.
// Every message passes through here three or four times, so each write is one statement on the
// pool (directRows): through the client engine each cost more CPU than its round trip (issue
// 12's messages/s profile), and a settle written as one statement needs no transaction.

/** A message being settled: its agent's kind and its run's start are for the metrics. */
interface SettledMessage {
  readonly id: string;
  readonly agentId: string;
  readonly startedAt: Date | null;
  readonly agent: { readonly kind: AgentKind };
}

type MessageEnd = "DONE" | "FAILED" | "CANCELLED";

/** A Date as the UTC `timestamp(3)` columns hold it, whatever the database's TimeZone. */
const utc = (at: Date): string => at.toISOString();

const SET_AGENT_STATUS = directStatement(
  "set_agent_status",
  `UPDATE "Agent" SET status = $2::"AgentStatus", "statusReason" = $3::text,
     "updatedAt" = ($4::timestamptz AT TIME ZONE 'UTC')
   WHERE id = $1::uuid
   RETURNING id`,
);

/**
 * Ends message $1 as $2 at $3 with error $4/$5 if it is still QUEUED or RUNNING, and then only,
 * stores reply $7 as the assistant message $6 answering it (when $9; its error code $8) and sets
 * its agent's status to $10 (reason $11).
 */
const SETTLE_MESSAGE = directStatement(
  "settle_message",
  `WITH settled AS (
     UPDATE "Message" SET status = $2::"MessageStatus",
       "finishedAt" = ($3::timestamptz AT TIME ZONE 'UTC'),
       "errorCode" = $4::text, "errorMessage" = $5::text
     WHERE id = $1::uuid AND status IN ('QUEUED', 'RUNNING')
     RETURNING id, "agentId"
   ), reply AS (
     INSERT INTO "Message" (id, "agentId", role, text, status, "replyToId", "errorCode", "createdAt")
     SELECT $6::uuid, "agentId", 'ASSISTANT'::"MessageRole", $7::text, $2::"MessageStatus", id,
       $8::text, ($3::timestamptz AT TIME ZONE 'UTC')
     FROM settled WHERE $9::boolean
   ), agent AS (
     UPDATE "Agent" SET status = $10::"AgentStatus", "statusReason" = $11::text,
       "updatedAt" = ($3::timestamptz AT TIME ZONE 'UTC')
     WHERE id = (SELECT "agentId" FROM settled)
   )
   SELECT count(*)::int AS settled FROM settled`,
);

/** The agent's row went (removeAgent) while one of its messages was being settled. */
const agentGone = (): Error => new Error("The agent no longer exists");

/** Records the agent's status and tells its subscribers (a STATUS event). */
export async function setAgentStatus(
  deps: Pick<MessageProcessorDeps, "prisma" | "events">,
  message: { id: string; agentId: string },
  status: AgentStatus,
  reason: string | null = null,
): Promise<void> {
  const updated = await directRows(deps.prisma, SET_AGENT_STATUS, [
    message.agentId,
    status,
    reason,
    utc(new Date()),
  ]);
  // As prisma.agent.update did: an agent removed meanwhile is not told about.
  if (updated.length === 0) throw agentGone();
  await tellStatus(deps, message, status, reason);
}

type AgentStatus = "STARTING" | "BUSY" | "IDLE" | "FAILED";

/**
 * Message $2 runs with key source $3 (credential $4, version $5): recorded on it, and its agent
 * $1 is STARTING (at $6).
 */
const START_RUN = directStatement(
  "start_run",
  `WITH key AS (
     UPDATE "Message" SET "keySource" = $3::"KeySource", "credentialId" = $4::uuid,
       "credentialVersion" = $5::int
     WHERE id = $2::uuid
   )
   UPDATE "Agent" SET status = 'STARTING', "statusReason" = NULL,
     "updatedAt" = ($6::timestamptz AT TIME ZONE 'UTC')
   WHERE id = $1::uuid
   RETURNING id`,
);

/**
 * A run begins: which key it runs with is recorded on the message and the agent is STARTING, in
 * one statement, then told (a STATUS event).
 */
export async function startRun(
  deps: Pick<MessageProcessorDeps, "prisma" | "events">,
  message: { id: string; agentId: string },
  key: Pick<Resolution, "source" | "credentialId" | "credentialVersion">,
): Promise<void> {
  const updated = await directRows(deps.prisma, START_RUN, [
    message.agentId,
    message.id,
    key.source,
    key.credentialId,
    key.credentialVersion,
    utc(new Date()),
  ]);
  if (updated.length === 0) throw agentGone();
  await tellStatus(deps, message, "STARTING", null);
}

/** Tells the agent's subscribers its status (a STATUS event), once it is recorded. */
async function tellStatus(
  deps: Pick<MessageProcessorDeps, "events">,
  message: { id: string; agentId: string },
  status: AgentStatus,
  reason: string | null,
): Promise<void> {
  await deps.events.append({
    agentId: message.agentId,
    messageId: message.id,
    at: new Date().toISOString(),
    type: "STATUS",
    status,
    ...(reason === null ? {} : { reason }),
  });
}

/**
 * Ends a still unfinished message (QUEUED or RUNNING) as `end`, with its error if any, stores its
 * reply (when there is text, or always for DONE) as the assistant message answering it, and sets
 * the agent's status after it — one statement, so all or nothing — then tells the status. False
 * when it had already ended (another worker that took over the same run settled it, after Redis
 * lost its queue): nothing is written, nothing told.
 */
async function settleOnce(
  deps: Pick<MessageProcessorDeps, "prisma" | "events">,
  message: SettledMessage,
  end: MessageEnd,
  error: AppError | null,
  reply: string,
): Promise<boolean> {
  // An agent that failed is FAILED with the reason; after anything else it is ready again.
  const agentFailed = error?.code === "AGENT_FAILED";
  const status = agentFailed ? "FAILED" : "IDLE";
  const reason = agentFailed ? error.message : null;
  const at = utc(new Date());
  const keepReply = end === "DONE" || reply !== "";
  // The reply carries the error code of a FAILED message (its text is what was written).
  const replyErrorCode = end === "FAILED" ? (error?.code ?? null) : null;
  const rows = await directRows<{ settled: number }>(deps.prisma, SETTLE_MESSAGE, [
    message.id,
    end,
    at,
    error?.code ?? null,
    error?.message ?? null,
    randomUUID(),
    reply,
    replyErrorCode,
    keepReply,
    status,
    reason,
  ]);
  if (rows[0]?.settled !== 1) return false;
  await tellStatus(deps, message, status, reason);
  return true;
}

/**
 * Settles a message DONE with its reply — once: a message already settled (by another worker
 * that took over the same run, after Redis lost its queue) is left as it is, and nothing is
 * told twice. Returns whether this call settled it.
 */
export async function completeMessage(
  deps: Pick<MessageProcessorDeps, "prisma" | "events" | "metrics">,
  message: SettledMessage,
  reply: string,
): Promise<boolean> {
  if (!(await settleOnce(deps, message, "DONE", null, reply))) return false;
  deps.metrics?.messageEnded(message.agent.kind, "DONE", message.startedAt);
  await deps.events.append({
    agentId: message.agentId,
    messageId: message.id,
    at: new Date().toISOString(),
    type: "DONE",
  });
  return true;
}

/**
 * Marks the message FAILED with a code and a user-facing message, keeping any partial reply —
 * once, as {@link completeMessage}. Returns whether this call settled it.
 */
export async function failMessage(
  deps: Pick<MessageProcessorDeps, "prisma" | "events" | "metrics">,
  message: SettledMessage,
  error: AppError,
  partialReply: string,
): Promise<boolean> {
  if (!(await settleOnce(deps, message, "FAILED", error, partialReply))) return false;
  deps.metrics?.messageEnded(message.agent.kind, error.code, message.startedAt);
  await deps.events.append({
    agentId: message.agentId,
    messageId: message.id,
    at: new Date().toISOString(),
    type: "ERROR",
    errorCode: error.code,
    message: error.message,
  });
  return true;
}

/**
 * Settles a stopped message CANCELLED (cancelMessage asked for it), keeping what it had written
 * as its reply — once, as {@link completeMessage}. Its calls so far were counted as they came.
 * The agent is ready again (IDLE) before the terminal CANCELLED event, as for DONE.
 */
export async function settleCancelled(
  deps: Pick<MessageProcessorDeps, "prisma" | "events" | "metrics">,
  message: SettledMessage,
  partialReply: string,
): Promise<boolean> {
  if (!(await settleOnce(deps, message, "CANCELLED", null, partialReply))) return false;
  deps.metrics?.messageEnded(message.agent.kind, "CANCELLED", message.startedAt);
  await deps.events.append({
    agentId: message.agentId,
    messageId: message.id,
    at: new Date().toISOString(),
    type: "CANCELLED",
  });
  return true;
}
