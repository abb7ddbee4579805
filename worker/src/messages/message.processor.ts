import {
  AppError,
  isAppError,
  Topic,
  topicChannel,
  type AgentEvent,
  type AgentEventLog,
  type AgentRunInput,
  type AgentRunLog,
  type Provider,
  type ResolveDeps,
  type Resolution,
  type RunLogOutcome,
  type SessionUsagePayload,
} from "@agentry/core";
import { resolveForRun, type Vault } from "@agentry/core/secrets";
import type { PrismaClient } from "@agentry/prisma";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import {
  markCredentialRefused,
  storeRotatedCredential,
} from "../credentials/credential-updates.js";
import { refreshBeforeRun, type RefreshConfig } from "../credentials/refresh-before-run.js";
import type { WorkerMetrics } from "../metrics/worker-metrics.js";
import { resolveRepositoryToken } from "../repository/repository-token.js";
import type { WorkspaceRepository } from "../repository/workspace-repository.js";
import { recordUsage } from "../usage/usage.recorder.js";
import { loadRunMessage, type RunMessage } from "./load-message.js";
import { agentErrorToAppError } from "./message-errors.js";
import type { CancelRequests } from "./cancel-requests.js";
import {
  completeMessage,
  failMessage,
  setAgentStatus,
  settleCancelled,
  startRun,
} from "./message-outcome.js";
import type { MessageRuntime } from "./message-runtime.js";
import { checkMonthlyBudget, monthlyBudgetCrossed } from "./monthly-budget.js";
import { writeRunLog, type RunLogDraft } from "./run-log.js";
import {
  RUNTIME_WAIT_MS,
  runtimeAnswers,
  runtimeWhat,
  waitForRuntime,
  withRuntime,
} from "./runtime-wait.js";

export interface MessageProcessorDeps {
  readonly prisma: PrismaClient;
  readonly runtime: MessageRuntime;
  readonly events: AgentEventLog;
  /** Publishes sessionUsage totals (plain Redis PUBLISH, the api's pub/sub wire format). */
  readonly publisher: Redis;
  readonly topicNamespace: string;
  readonly resolve: ResolveDeps & { readonly vault: Vault };
  readonly baseUrls: AgentRunInput["baseUrls"];
  /** The time limit of one run. */
  readonly runTimeLimitMs: number;
  readonly logger: Logger;
  /** Operators' metrics (README: Metrics); none in tests that do not scrape. */
  readonly metrics?: WorkerMetrics;
  /** Clones the session's repository into a new agent's workspace; none: never cloned. */
  readonly repository?: WorkspaceRepository;
  /** Refreshing subscriptions near expiry before a run; none: the CLI refreshes them itself. */
  readonly refresh?: RefreshConfig;
  /** Stop requests (cancelMessage) for the messages run here; none: a run is never stopped. */
  readonly cancels?: CancelRequests;
  /** Agents' run logs (Agent.logs), written after each message settles; none: not kept. */
  readonly runLog?: AgentRunLog;
}

/**
 * How a run ended, for the job layer: done either way, retry later (a rate limit), or
 * interrupted (the runtime went away under the run and is back: settle it from its journal).
 */
export type RunOutcome =
  | { readonly kind: "done" }
  | { readonly kind: "retry"; readonly error: AppError }
  | { readonly kind: "interrupted"; readonly reason: string };

/**
 * Runs one claimed message: budget, credential, container, the agent's event stream, usage,
 * the reply. Every failure ends as a FAILED message with a code — except a rate limit that
 * still has attempts left, which the job layer retries with backoff. A stop asked for it
 * (cancelMessage) ends it CANCELLED: before the run, nothing runs; during it, the run is
 * aborted (its process tree killed), its calls so far counted and its text kept.
 */
export async function runClaimedMessage(
  deps: MessageProcessorDeps,
  messageId: string,
  attempt: number,
  canRetry: boolean,
): Promise<RunOutcome> {
  const cancel = new AbortController();
  // Listening for a stop, and the read of one asked before, overlap the message's own read:
  // runMessage waits for both before it looks at the signal.
  const watching: Promise<() => void> =
    deps.cancels === undefined
      ? Promise.resolve(() => undefined)
      : deps.cancels.watch(messageId, () => {
          cancel.abort();
        });
  const draft: RunLogDraft = {
    messageId,
    agentId: "",
    startedAt: new Date(),
    secret: "",
    output: "",
    calls: 0,
  };
  try {
    const outcome = await runMessage(deps, messageId, attempt, canRetry, cancel.signal, {
      watching,
      draft,
    });
    // After the message settled, and not awaited: the log never holds up the message path.
    if (deps.runLog !== undefined) writeRunLog(deps.runLog, deps.logger, draft);
    return outcome;
  } finally {
    (await watching)();
  }
}

/** Notes how the run ended, for its log entry. */
function ended(draft: RunLogDraft, outcome: RunLogOutcome, error: AppError | null = null): void {
  draft.ended = {
    outcome,
    error: error === null ? null : { code: error.code, message: error.message },
  };
}

async function runMessage(
  deps: MessageProcessorDeps,
  messageId: string,
  attempt: number,
  canRetry: boolean,
  cancelled: AbortSignal,
  { watching, draft }: { readonly watching: Promise<unknown>; readonly draft: RunLogDraft },
): Promise<RunOutcome> {
  const [message] = await Promise.all([loadRunMessage(deps.prisma, messageId), watching]);
  if (message === null) return { kind: "done" };
  draft.agentId = message.agentId;
  const log = deps.logger.child({ messageId, agentId: message.agentId, attempt });
  if (cancelled.aborted) {
    await settleCancelled(deps, message, "");
    ended(draft, "CANCELLED");
    return { kind: "done" };
  }
  if (message.authorId === null) {
    // The sender's account was deleted after sending: there is no one to resolve keys for.
    // Settle it, or it would hold its agent's later messages back forever.
    const error = new AppError("AGENT_FAILED", "The sender's account no longer exists");
    await failMessage(deps, message, error, "");
    ended(draft, "FAILED", error);
    return { kind: "done" };
  }
  if (message.author?.disabledAt != null) {
    // An admin disabled the sender (setUserDisabled): what they queued does not run. A run
    // already under way when they were disabled finishes.
    const error = new AppError(
      "FORBIDDEN",
      "The sender's account is disabled; this message was not run",
    );
    await failMessage(deps, message, error, "");
    ended(draft, "FAILED", error);
    return { kind: "done" };
  }
  const authorId = message.authorId;
  let runStarted = false;
  try {
    checkBudget(message);
    await checkMonthlyBudget(deps.prisma, authorId, message.author?.monthlyBudgetUsd ?? null);
    const resolvedForRun = await resolveForRun(deps.resolve, {
      sessionId: message.agent.sessionId,
      actingUserId: authorId,
      provider: message.agent.provider,
      agentKind: message.agent.kind,
    });
    const { resolution: resolved, secret } =
      deps.refresh === undefined
        ? resolvedForRun
        : await refreshBeforeRun(
            { prisma: deps.prisma, vault: deps.resolve.vault, logger: log, config: deps.refresh },
            resolvedForRun,
          );
    draft.secret = secret;
    log.info(
      { keySource: resolved.source, credentialVersion: resolved.credentialVersion },
      "run starts",
    );
    // Independent steps, side by side (a warm agent's ensure answers at once): the key's record
    // on the message with the STARTING status, and the agent's environment. Both settle before
    // anything else is told, so no later event can overtake STARTING.
    const steps = await Promise.allSettled([
      startRun(deps, message, resolved),
      withRuntime(
        deps.runtime,
        message.agentId,
        () =>
          deps.runtime.ensure({
            agentId: message.agentId,
            sessionId: message.agent.sessionId,
            kind: message.agent.kind,
          }),
        (error) => {
          log.warn(
            { err: { message: error instanceof Error ? error.message : String(error) } },
            `${runtimeWhat(deps.runtime)} does not answer; the message waits for it`,
          );
        },
      ),
    ]);
    for (const step of steps) if (step.status === "rejected") throw step.reason;
    const ensured = steps[1].status === "fulfilled" ? steps[1].value : undefined;
    await cloneOnFirstUse(deps, message, authorId, log, isFreshEnvironment(ensured));
    await setAgentStatus(deps, message, "BUSY");

    const input: AgentRunInput = {
      messageId,
      kind: message.agent.kind,
      attempt,
      text: message.text,
      provider: modelProvider(message.agent.provider),
      model: message.agent.model,
      credential: { kind: resolved.kind, secret },
      baseUrls: deps.baseUrls,
      maxCalls: null,
      timeLimitMs: deps.runTimeLimitMs,
    };
    if (stopAsked(cancelled)) {
      // Stopped while it got ready: nothing ran, nothing was spent.
      await settleCancelled(deps, message, "");
      ended(draft, "CANCELLED");
      return { kind: "done" };
    }
    runStarted = true;
    const result = await streamRun(deps, message, input, resolved, cancelled, draft);
    if (result.cancelled) {
      log.info("run stopped on request");
      await settleCancelled(deps, message, result.reply);
      ended(draft, "CANCELLED");
      return { kind: "done" };
    }
    if (result.error?.code === "RATE_LIMITED" && canRetry) {
      await deps.prisma.message.update({ where: { id: messageId }, data: { status: "QUEUED" } });
      await setAgentStatus(deps, message, "IDLE");
      log.warn("rate limited; the run will be retried");
      ended(draft, "RETRIED", result.error);
      return { kind: "retry", error: result.error };
    }
    if (
      result.error?.code === "INVALID_API_KEY" ||
      result.error?.code === "AUTHENTICATION_FAILED"
    ) {
      await markCredentialRefused(deps.prisma, resolved);
    }
    if (result.error !== null) {
      await failMessage(deps, message, result.error, result.reply);
      ended(draft, "FAILED", result.error);
    } else {
      await completeMessage(deps, message, result.reply);
      ended(draft, "DONE");
    }
  } catch (error) {
    if (stopAsked(cancelled)) {
      // Whatever broke, it was asked to stop: it ends as stopped, not as a failure.
      log.info(
        { err: { message: error instanceof Error ? error.message : String(error) } },
        "stopped",
      );
      await settleCancelled(deps, message, "");
      ended(draft, "CANCELLED");
      return { kind: "done" };
    }
    if (
      runStarted &&
      !isAppError(error) &&
      !(await runtimeAnswers(deps.runtime, message.agentId))
    ) {
      // The runtime went away under the run (the Docker engine stopped): what the run did is
      // in its journal, readable once the runtime is back.
      const what = runtimeWhat(deps.runtime);
      log.warn(
        { err: { message: error instanceof Error ? error.message : String(error) } },
        `${what} went away during the run; it is settled from its journal once ${what} is back`,
      );
      if (await waitForRuntime(deps.runtime, message.agentId, Date.now() + RUNTIME_WAIT_MS)) {
        return { kind: "interrupted", reason: `${what} stopped during this message` };
      }
    }
    if (isAppError(error) && error.code === "UNAVAILABLE" && error.details["retry"] === true) {
      // An expired subscription whose sign-in service did not answer: tried again with backoff
      // while attempts are left (nothing ran), then failed UNAVAILABLE.
      if (canRetry) {
        await deps.prisma.message.update({ where: { id: messageId }, data: { status: "QUEUED" } });
        log.warn("the subscription could not be refreshed; the message will be tried again");
        ended(draft, "RETRIED", error);
        return { kind: "retry", error };
      }
    }
    const appError = isAppError(error)
      ? error
      : new AppError("AGENT_FAILED", "The agent could not run this message");
    if (!isAppError(error)) log.error({ err: error }, "run failed");
    await markRefusedBeforeRun(deps.prisma, appError);
    await failMessage(deps, message, appError, "");
    ended(draft, "FAILED", appError);
  }
  return { kind: "done" };
}

/** Whether a stop was asked by now (a signal's state changes under awaits; narrowing misses it). */
const stopAsked = (signal: AbortSignal): boolean => signal.aborted;

/** An agent's provider as the agent protocol knows it (spawnAgent never makes a GIT agent). */
function modelProvider(provider: Provider): AgentRunInput["provider"] {
  if (provider === "GIT")
    throw new AppError("AGENT_FAILED", "No agent runs with a repository token");
  return provider;
}

/**
 * Before an agent's first message in a session with a repository (and after every clone that
 * failed): clone it into the agent's workspace with the repository token (session's, else the
 * sender's own), telling the client "Cloning …" meanwhile, and record the commit. A failure is
 * the message's (REPOSITORY_UNAVAILABLE saying why); repoCommit stays null, so the next message
 * tries again.
 */
async function cloneOnFirstUse(
  deps: MessageProcessorDeps,
  message: RunMessage,
  authorId: string,
  log: Logger,
  freshEnvironment: boolean,
): Promise<void> {
  const { repoUrl, repoRef } = message.agent.session;
  if (repoUrl === null || deps.repository === undefined) return;
  if (message.agent.repoCommit !== null) {
    // A new environment normally keeps its workspace; one whose workspace went with it (a
    // volume removed from outside) is cloned again.
    if (!freshEnvironment || (await deps.repository.hasClone(message.agentId))) return;
    log.warn("the agent's workspace lost its clone; cloning again");
  }
  await setAgentStatus(deps, message, "STARTING", `Cloning ${repoUrl}…`);
  const token = await resolveRepositoryToken(
    { prisma: deps.prisma, vault: deps.resolve.vault },
    { sessionId: message.agent.sessionId, actingUserId: authorId },
  );
  const startedAt = Date.now();
  // git's progress, told at most once a second, each told in turn (never two writes at once).
  let told = Date.now();
  let telling = Promise.resolve();
  const commit = await deps.repository.clone(
    message.agentId,
    { url: repoUrl, ref: repoRef },
    token?.secret ?? null,
    (progress) => {
      if (Date.now() - told < 1000) return;
      told = Date.now();
      telling = telling
        .then(() => setAgentStatus(deps, message, "STARTING", `Cloning ${repoUrl}… ${progress}`))
        .catch(() => undefined);
    },
  );
  await telling;
  await deps.prisma.agent.update({
    where: { id: message.agentId },
    data: { repoCommit: commit },
  });
  log.info(
    { commit, tokenSource: token?.source ?? null, ms: Date.now() - startedAt },
    "repository cloned",
  );
}

/** Whether runtime.ensure made the environment (EnsuredAgent.created). */
const isFreshEnvironment = (ensured: unknown): boolean =>
  typeof ensured === "object" &&
  ensured !== null &&
  (ensured as { created?: unknown }).created === true;

function checkBudget(message: RunMessage): void {
  const budget = message.agent.session.budgetUsd;
  const spent = message.agent.session.usage?.costUsd;
  if (budget !== null && spent !== undefined && spent.greaterThanOrEqualTo(budget)) {
    throw new AppError(
      "BUDGET_EXCEEDED",
      `This session reached its budget of $${budget.toFixed(2)}; raise the budget to continue`,
      { budgetUsd: budget.toNumber() },
    );
  }
}

interface StreamResult {
  readonly reply: string;
  readonly error: AppError | null;
  /** Stopped on request (cancelMessage) before the agent finished. */
  readonly cancelled: boolean;
}

async function streamRun(
  deps: MessageProcessorDeps,
  message: RunMessage,
  input: AgentRunInput,
  resolution: Resolution,
  cancelled: AbortSignal,
  draft: RunLogDraft,
): Promise<StreamResult> {
  const abort = new AbortController();
  const stop = AbortSignal.any([abort.signal, cancelled]);
  const budget = message.agent.session.budgetUsd;
  let reply = "";
  let error: AppError | null = null;
  let budgetStop: AppError | null = null;
  const base = { agentId: message.agentId, messageId: message.id };
  const at = () => new Date().toISOString();
  const onOutput = (stderrTail: string): void => {
    draft.output = stderrTail;
  };
  for await (const event of deps.runtime.run(message.agentId, input, { signal: stop, onOutput })) {
    switch (event.type) {
      case "text":
        reply += event.delta;
        await deps.events.append({ ...base, at: at(), type: "TEXT", text: event.delta });
        break;
      case "tool":
        await deps.events.append({
          ...base,
          at: at(),
          type: "TOOL",
          tool:
            event.detail === undefined
              ? { name: event.name }
              : { name: event.name, detail: event.detail },
        });
        break;
      case "usage": {
        draft.calls += 1;
        const recorded = await ingestUsage(deps, message, input.attempt, resolution, event);
        if (budget !== null && recorded !== null && recorded.costUsd >= budget.toNumber()) {
          // Crossed mid-message: the call that crossed is counted and no further call is made.
          // An agent that finishes anyway (its `done` already on its way) ends DONE; one the
          // stop cuts short ends BUDGET_EXCEEDED with what it had written.
          budgetStop = new AppError(
            "BUDGET_EXCEEDED",
            "This session reached its budget during the run; raise the budget to continue",
            { budgetUsd: budget.toNumber() },
          );
          abort.abort();
        }
        const monthly = message.author?.monthlyBudgetUsd ?? null;
        if (budgetStop === null && monthly !== null && recorded !== null) {
          budgetStop = monthlyBudgetCrossed(monthly, recorded.authorMonthCostUsd);
          // As the session's budget: the crossing call counted, no further call made.
          if (budgetStop !== null) abort.abort();
        }
        break;
      }
      case "error":
        deps.metrics?.agentError(input.provider, event.code, resolution.source);
        error ??= budgetStop ?? agentErrorToAppError(event, resolution);
        break;
      case "credential":
        // The CLI refreshed its subscription: the old refresh token no longer works, so the new
        // one must be kept. The secret goes nowhere else (no event, no log line).
        await storeRotatedCredential(
          { prisma: deps.prisma, vault: deps.resolve.vault, logger: deps.logger },
          resolution,
          event.secret,
        );
        break;
      case "done":
        break;
    }
  }
  // An agent whose `done` beat the stop finished: DONE. One cut short ends CANCELLED, unless the
  // budget stopped it first.
  return { reply, error, cancelled: cancelled.aborted && error !== null && budgetStop === null };
}

/** Records one usage event (idempotently) and publishes it and the session's new totals. */
export async function ingestUsage(
  deps: MessageProcessorDeps,
  message: {
    id: string;
    agentId: string;
    authorId?: string | null;
    agent: { sessionId: string };
  },
  attempt: number,
  resolution: Pick<Resolution, "source">,
  event: Extract<AgentEvent, { type: "usage" }>,
): Promise<(SessionUsagePayload & { readonly authorMonthCostUsd: number | null }) | null> {
  const recorded = await recordUsage(
    deps.prisma,
    {
      sessionId: message.agent.sessionId,
      agentId: message.agentId,
      messageId: message.id,
      attempt,
      keySource: resolution.source,
      authorId: message.authorId ?? null,
    },
    event,
  );
  if (!recorded.inserted) return null;
  deps.metrics?.callRecorded(event, recorded.costUsd, resolution.source);
  if (recorded.costDisagrees) {
    deps.logger.warn(
      {
        messageId: message.id,
        callIndex: event.callIndex,
        model: event.model,
        costUsd: recorded.costUsd,
        reportedCostUsd: event.reportedCostUsd,
      },
      "the agent's own cost report and our estimate differ by more than 5%",
    );
  }
  await deps.events.append({
    agentId: message.agentId,
    messageId: message.id,
    at: new Date().toISOString(),
    type: "USAGE",
    usage: {
      callIndex: event.callIndex,
      provider: event.provider,
      model: event.model,
      keySource: resolution.source,
      inputTokens: event.inputTokens,
      outputTokens: event.outputTokens,
      cacheReadTokens: event.cacheReadTokens,
      cacheWriteTokens: event.cacheWriteTokens,
      reasoningTokens: event.reasoningTokens,
      costUsd: recorded.costUsd,
    },
  });
  await deps.publisher.publish(
    topicChannel(Topic.SessionUsage, message.agent.sessionId, deps.topicNamespace),
    JSON.stringify(recorded.totals),
  );
  return { ...recorded.totals, authorMonthCostUsd: recorded.authorMonthCostUsd };
}

/**
 * resolveForRun refused to start with an expired credential that cannot be refreshed: mark it
 * refused (the version it saw), so its owner sees REFUSED and the fix. No run, no retry.
 */
async function markRefusedBeforeRun(prisma: PrismaClient, error: AppError): Promise<void> {
  if (error.code !== "AUTHENTICATION_FAILED") return;
  const { credentialId, credentialVersion } = error.details;
  if (typeof credentialId !== "string" || typeof credentialVersion !== "number") return;
  await markCredentialRefused(prisma, { credentialId, credentialVersion });
}
