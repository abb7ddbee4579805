import type { AgentKind, AppError } from "@agentry/core";
import type { MessageProcessorDeps } from "./message.processor.js";

// How a message's run ends in the database, on its agent's event stream and in the metrics.

/** A message being settled: its agent's kind and its run's start are for the metrics. */
interface SettledMessage {
  readonly id: string;
  readonly agentId: string;
  readonly startedAt: Date | null;
  readonly agent: { readonly kind: AgentKind };
}

/** Records the agent's status and tells its subscribers (a STATUS event). */
export async function setAgentStatus(
  deps: Pick<MessageProcessorDeps, "prisma" | "events">,
  message: { id: string; agentId: string },
  status: "STARTING" | "BUSY" | "IDLE" | "FAILED",
  reason: string | null = null,
): Promise<void> {
  await deps.prisma.agent.update({
    where: { id: message.agentId },
    data: { status, statusReason: reason },
  });
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
 * Settles a message DONE with its reply — once: a message already settled (by another worker
 * that took over the same run, after Redis lost its queue) is left as it is, and nothing is
 * told twice. Returns whether this call settled it.
 */
export async function completeMessage(
  deps: Pick<MessageProcessorDeps, "prisma" | "events" | "metrics">,
  message: SettledMessage,
  reply: string,
): Promise<boolean> {
  const settled = await deps.prisma.$transaction(async (tx) => {
    const { count } = await tx.message.updateMany({
      where: { id: message.id, status: { in: ["QUEUED", "RUNNING"] } },
      data: { status: "DONE", finishedAt: new Date(), errorCode: null, errorMessage: null },
    });
    if (count === 0) return false;
    await tx.message.create({
      data: {
        agentId: message.agentId,
        role: "ASSISTANT",
        text: reply,
        status: "DONE",
        replyToId: message.id,
      },
    });
    return true;
  });
  if (!settled) return false;
  deps.metrics?.messageEnded(message.agent.kind, "DONE", message.startedAt);
  await setAgentStatus(deps, message, "IDLE");
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
  const settled = await deps.prisma.$transaction(async (tx) => {
    const { count } = await tx.message.updateMany({
      where: { id: message.id, status: { in: ["QUEUED", "RUNNING"] } },
      data: {
        status: "FAILED",
        finishedAt: new Date(),
        errorCode: error.code,
        errorMessage: error.message,
      },
    });
    if (count === 0) return false;
    if (partialReply !== "") {
      await tx.message.create({
        data: {
          agentId: message.agentId,
          role: "ASSISTANT",
          text: partialReply,
          status: "FAILED",
          replyToId: message.id,
          errorCode: error.code,
        },
      });
    }
    return true;
  });
  if (!settled) return false;
  deps.metrics?.messageEnded(message.agent.kind, error.code, message.startedAt);
  const agentFailed = error.code === "AGENT_FAILED";
  await setAgentStatus(
    deps,
    message,
    agentFailed ? "FAILED" : "IDLE",
    agentFailed ? error.message : null,
  );
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
  const settled = await deps.prisma.$transaction(async (tx) => {
    const { count } = await tx.message.updateMany({
      where: { id: message.id, status: { in: ["QUEUED", "RUNNING"] } },
      data: { status: "CANCELLED", finishedAt: new Date(), errorCode: null, errorMessage: null },
    });
    if (count === 0) return false;
    if (partialReply !== "") {
      await tx.message.create({
        data: {
          agentId: message.agentId,
          role: "ASSISTANT",
          text: partialReply,
          status: "CANCELLED",
          replyToId: message.id,
        },
      });
    }
    return true;
  });
  if (!settled) return false;
  deps.metrics?.messageEnded(message.agent.kind, "CANCELLED", message.startedAt);
  await setAgentStatus(deps, message, "IDLE");
  await deps.events.append({
    agentId: message.agentId,
    messageId: message.id,
    at: new Date().toISOString(),
    type: "CANCELLED",
  });
  return true;
}
