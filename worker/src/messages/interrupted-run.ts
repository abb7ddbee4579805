import { AppError, messageCancelRequested, parseAgentEvent, type AgentEvent } from "@agentry/core";
import { setTimeout as sleep } from "node:timers/promises";
import { agentErrorToAppError } from "./message-errors.js";
import { completeMessage, failMessage, settleCancelled } from "./message-outcome.js";
import { ingestUsage, type MessageProcessorDeps } from "./message.processor.js";

const TERMINAL = new Set<AgentEvent["type"]>(["done", "error"]);

/**
 * A worker died while this message ran. The agent process may have outlived it (the resident
 * agent in its environment keeps going), so its journal is the record of what happened: every
 * provider call in it is counted (idempotently — some may have been counted before the crash),
 * and the message ends as the journal ends. A run whose journal never reached `done` is failed
 * as interrupted rather than re-run: an agent's tools may have side effects, and a silent re-run
 * would repeat them and bill the calls again.
 */
export async function recoverInterruptedRun(
  deps: MessageProcessorDeps,
  messageId: string,
  attempt: number,
  options: {
    readonly settleMs: number;
    /** What interrupted the run, for its failure message (default: the worker stopped). */
    readonly interruption?: string;
  } = { settleMs: 30_000 },
): Promise<void> {
  const message = await deps.prisma.message.findUnique({
    where: { id: messageId },
    include: { agent: true },
  });
  if (message === null) return;
  const log = deps.logger.child({ messageId, agentId: message.agentId, attempt });
  // A stop asked for it (cancelMessage) while no worker was listening: no reason to wait for the
  // orphan to finish; it is stopped, counted, and ends CANCELLED.
  const stopAsked = () =>
    messageCancelRequested(deps.publisher, deps.topicNamespace, messageId).catch(() => false);
  let cancelled = await stopAsked();

  // The orphaned run may still be in its provider call: give it time to end. A journal with no
  // event yet is a run waiting for its first token (a slow model), not a dead one; only no
  // journal at all means the run never started.
  const deadline = Date.now() + options.settleMs;
  let journal = await readJournal(deps, message.agentId, messageId, attempt);
  let environmentStopped = false;
  while (
    !cancelled &&
    journal !== null &&
    !journal.some((e) => TERMINAL.has(e.type)) &&
    Date.now() < deadline
  ) {
    // An environment that is not running has no run going on in it: nothing more will come.
    environmentStopped = !(await environmentRuns(deps, message.agentId));
    if (environmentStopped) break;
    await sleep(250);
    cancelled = await stopAsked();
    journal = await readJournal(deps, message.agentId, messageId, attempt);
  }
  if (!environmentStopped && journal !== null && !journal.some((e) => TERMINAL.has(e.type))) {
    // Still going past the wait: stop it, so it cannot make a call nobody counts, and take
    // whatever it journaled up to the stop.
    log.warn(
      cancelled
        ? "a stop was asked for the orphaned run; stopping the agent's environment"
        : "the orphaned run outlived the wait; stopping the agent's environment",
    );
    await deps.runtime.stop(message.agentId);
    journal = await readJournal(deps, message.agentId, messageId, attempt);
  }
  const events = journal ?? [];

  const source = message.keySource ?? "SYSTEM";
  let reply = "";
  let terminal: AgentEvent | null = null;
  for (const event of events) {
    if (event.type === "usage") await ingestUsage(deps, message, attempt, { source }, event);
    else if (event.type === "text") reply += event.delta;
    else if (event.type === "done" || event.type === "error") terminal = event;
  }
  log.warn(
    { journalEvents: events.length, ended: terminal?.type ?? "interrupted" },
    "recovered run",
  );

  if (terminal?.type === "done") {
    await completeMessage(deps, message, reply);
  } else if (cancelled || (await stopAsked())) {
    await settleCancelled(deps, message, reply);
  } else if (terminal?.type === "error") {
    const key = { source, provider: message.agent.provider, hint: "" };
    await failMessage(deps, message, agentErrorToAppError(terminal, key), reply);
  } else {
    await failMessage(
      deps,
      message,
      new AppError(
        "AGENT_FAILED",
        `Interrupted: ${options.interruption ?? "the worker stopped during this message"}; send it again`,
      ),
      reply,
    );
  }
}

async function readJournal(
  deps: MessageProcessorDeps,
  agentId: string,
  messageId: string,
  attempt: number,
): Promise<AgentEvent[] | null> {
  const text = await deps.runtime.readJournal(agentId, messageId, attempt).catch(() => null);
  if (text === null) return null;
  return text.split("\n").flatMap((line) => {
    const event = line === "" ? null : parseAgentEvent(line);
    return event === null ? [] : [event];
  });
}

/** Whether the agent's environment is running (or the runtime cannot say: assume it is). */
async function environmentRuns(deps: MessageProcessorDeps, agentId: string): Promise<boolean> {
  return deps.runtime.inspect(agentId).then(
    (inspection) => inspection.state === "running",
    () => true,
  );
}
