import type { AppError } from "@agentry/core";
import type { MessageProcessorDeps } from "./message.processor.js";

// How a message's run ends in the database and on its agent's event stream.

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
  });
}

export async function completeMessage(
  deps: Pick<MessageProcessorDeps, "prisma" | "events">,
  message: { id: string; agentId: string },
  reply: string,
) {
  await deps.prisma.$transaction([
    deps.prisma.message.create({
      data: {
        agentId: message.agentId,
        role: "ASSISTANT",
        text: reply,
        status: "DONE",
        replyToId: message.id,
      },
    }),
    deps.prisma.message.update({
      where: { id: message.id },
      data: { status: "DONE", finishedAt: new Date(), errorCode: null, errorMessage: null },
    }),
  ]);
  await setAgentStatus(deps, message, "IDLE");
  await deps.events.append({
    agentId: message.agentId,
    messageId: message.id,
    at: new Date().toISOString(),
    type: "DONE",
  });
}

/** Marks the message FAILED with a code and a user-facing message, keeping any partial reply. */
export async function failMessage(
  deps: Pick<MessageProcessorDeps, "prisma" | "events">,
  message: { id: string; agentId: string },
  error: AppError,
  partialReply: string,
): Promise<void> {
  await deps.prisma.$transaction([
    ...(partialReply === ""
      ? []
      : [
          deps.prisma.message.create({
            data: {
              agentId: message.agentId,
              role: "ASSISTANT" as const,
              text: partialReply,
              status: "FAILED" as const,
              replyToId: message.id,
              errorCode: error.code,
            },
          }),
        ]),
    deps.prisma.message.update({
      where: { id: message.id },
      data: {
        status: "FAILED",
        finishedAt: new Date(),
        errorCode: error.code,
        errorMessage: error.message,
      },
    }),
  ]);
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
}
