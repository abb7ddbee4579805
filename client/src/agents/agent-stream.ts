import type { AgentEventsSubscription, AgentStatus } from "../gql/graphql.js";

// An agent's live event stream folded into what the chat shows. Events carry a per-agent
// sequence number: the subscription replays kept events (afterSeq 0) and, after a reconnect,
// replays them again, so anything at or below the last seen number is a repeat and is dropped.

export type AgentEvent = AgentEventsSubscription["agentEvents"];

/** What one run (a user message) has produced so far. */
export interface RunState {
  /** The reply so far (the TEXT deltas joined). */
  readonly text: string;
  readonly finished: boolean;
  /** Stopped on request (cancelMessage) before it finished. */
  readonly cancelled?: boolean;
  readonly error?: { readonly code: string | null; readonly message: string | null };
  readonly calls: number;
  readonly tokens: number;
  readonly costUsd: number;
  /** Calls whose model has no price (not in costUsd). */
  readonly unpricedCalls: number;
  /** The latest tool activity while it works; null when none. */
  readonly tool: string | null;
}

export interface AgentStreamState {
  readonly lastSeq: number;
  /** The latest STATUS seen; undefined until one arrives. */
  readonly status?: AgentStatus;
  /** That STATUS event's reason (e.g. "Cloning <url>… receiving objects 45%"), if it had one. */
  readonly statusReason?: string | null;
  /** Runs by user message id. */
  readonly runs: Readonly<Record<string, RunState>>;
}

export const EMPTY_STREAM: AgentStreamState = { lastSeq: 0, runs: {} };

const EMPTY_RUN: RunState = {
  text: "",
  finished: false,
  calls: 0,
  tokens: 0,
  costUsd: 0,
  unpricedCalls: 0,
  tool: null,
};

function updateRun(
  state: AgentStreamState,
  messageId: string | null | undefined,
  update: (run: RunState) => RunState,
): Readonly<Record<string, RunState>> {
  if (!messageId) return state.runs;
  return { ...state.runs, [messageId]: update(state.runs[messageId] ?? EMPTY_RUN) };
}

/** Folds one event in; repeats (seq at or below the last seen) leave the state as it was. */
export function reduceAgentEvent(state: AgentStreamState, event: AgentEvent): AgentStreamState {
  if (event.seq <= state.lastSeq) return state;
  const next = { ...state, lastSeq: event.seq };
  switch (event.type) {
    case "TEXT":
      return {
        ...next,
        runs: updateRun(state, event.messageId, (run) => ({
          ...run,
          text: run.text + (event.text ?? ""),
        })),
      };
    case "TOOL":
      return {
        ...next,
        runs: updateRun(state, event.messageId, (run) => ({
          ...run,
          tool: event.toolDetail
            ? `${event.toolName ?? "tool"}: ${event.toolDetail}`
            : (event.toolName ?? "tool"),
        })),
      };
    case "USAGE": {
      const usage = event.usage;
      if (!usage) return next;
      const tokens =
        usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
      return {
        ...next,
        runs: updateRun(state, event.messageId, (run) => ({
          ...run,
          calls: run.calls + 1,
          tokens: run.tokens + tokens,
          costUsd: run.costUsd + (usage.costUsd ?? 0),
          unpricedCalls: run.unpricedCalls + (usage.costUsd === null ? 1 : 0),
        })),
      };
    }
    case "STATUS":
      return event.status
        ? { ...next, status: event.status, statusReason: event.message ?? null }
        : next;
    case "DONE":
      return {
        ...next,
        runs: updateRun(state, event.messageId, (run) => ({ ...run, finished: true, tool: null })),
      };
    case "CANCELLED":
      return {
        ...next,
        runs: updateRun(state, event.messageId, (run) => ({
          ...run,
          finished: true,
          cancelled: true,
          tool: null,
        })),
      };
    case "ERROR":
      return {
        ...next,
        runs: updateRun(state, event.messageId, (run) => ({
          ...run,
          finished: true,
          tool: null,
          error: { code: event.errorCode ?? null, message: event.message ?? null },
        })),
      };
  }
}
