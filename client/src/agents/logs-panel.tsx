import { createQuery } from "@urql/solid";
import { createEffect, createSignal, For, Match, on, onCleanup, Show, Switch } from "solid-js";
import type { JSX } from "solid-js";
import { AgentLogsDocument, type RunOutcome } from "../gql/graphql.js";
import { problemFrom } from "../lib/errors.js";
import { formatDateTime } from "../lib/format.js";
import { ProblemNotice } from "../ui/problem-notice.js";

const OUTCOME_LABELS: Record<RunOutcome, string> = {
  DONE: "Done",
  FAILED: "Failed",
  CANCELLED: "Stopped",
  RETRIED: "Retried later",
};

/** The worker writes a run's entry just after its message settles: read again a moment later. */
const SETTLE_DELAY_MS = 800;

/** The panel's element id: openAgentLogs finds it by it. */
const PANEL_ID = "agent-logs";

/** Failures whose cause the agent's own output tells best. */
export const LOGS_TELL = new Set(["INVALID_API_KEY", "AUTHENTICATION_FAILED", "AGENT_FAILED"]);

/** Opens the Logs panel on this page (it loads as it opens) and brings it into view. */
export function openAgentLogs(): void {
  const panel = document.getElementById(PANEL_ID);
  if (!(panel instanceof HTMLDetailsElement)) return;
  panel.open = true;
  panel.scrollIntoView({ block: "start" });
  panel.querySelector("summary")?.focus();
}

/** "850 ms", "12.3 s", "4 min 05 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, "0")} s`;
}

/**
 * Under the chat, folded away: the agent's recent runs (newest first) with how each ended, its
 * error, duration and provider calls, and what the agent program printed (secrets redacted by
 * the worker) on request. Where to look when a message fails. Read when opened, and again as the
 * agent's messages settle while it is open.
 */
export function LogsPanel(props: {
  readonly agentId: string;
  /** Changes as the agent's messages settle: the log is read again. */
  readonly refreshKey: unknown;
}): JSX.Element {
  const [open, setOpen] = createSignal(false);
  const [logs, refetch] = createQuery({
    query: AgentLogsDocument,
    variables: () => ({ id: props.agentId }),
    requestPolicy: "network-only",
    pause: () => !open(),
  });
  const reread = () => {
    refetch({ requestPolicy: "network-only" });
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  createEffect(
    on(
      () => props.refreshKey,
      () => {
        if (!open()) return;
        reread();
        clearTimeout(timer);
        timer = setTimeout(reread, SETTLE_DELAY_MS);
      },
      { defer: true },
    ),
  );
  onCleanup(() => {
    clearTimeout(timer);
  });
  const [shown, setShown] = createSignal<string>();
  const runs = () => logs.data?.agent?.logs ?? [];

  return (
    <details
      class="card logs-panel"
      data-testid="agent-logs"
      id={PANEL_ID}
      onToggle={(event) => {
        const isOpen = event.currentTarget.open;
        setOpen(isOpen);
        if (isOpen && logs.data !== undefined) reread();
      }}
    >
      <summary>
        <h3>Logs</h3> <span class="muted">recent runs, their errors and output</span>
      </summary>
      <div class="logs-body">
        <div class="changes-header">
          <p class="muted">Secrets are removed from the output before it is kept.</p>
          <button type="button" class="button button-small" onClick={reread}>
            Refresh
          </button>
        </div>
        <Switch>
          <Match when={logs.data === undefined ? logs.error : undefined}>
            {(error) => <ProblemNotice problem={problemFrom(error())} />}
          </Match>
          <Match when={logs.data === undefined}>
            <p class="muted">Reading the log…</p>
          </Match>
          <Match when={runs().length === 0}>
            <p class="muted" data-testid="agent-logs-empty">
              No runs yet: each message the agent runs is listed here.
            </p>
          </Match>
          <Match when={runs().length > 0}>
            <ol class="run-log-list">
              <For each={runs()}>
                {(run) => {
                  const key = () => `${run.messageId}:${run.startedAt}`;
                  return (
                    <li
                      class="run-log"
                      classList={{ "run-log-failed": run.outcome === "FAILED" }}
                      data-testid="agent-log"
                    >
                      <button
                        type="button"
                        class="change-file"
                        aria-expanded={shown() === key()}
                        onClick={() => setShown(shown() === key() ? undefined : key())}
                      >
                        <span class="run-log-time">{formatDateTime(run.startedAt)}</span>
                        <span class={`run-outcome run-outcome-${run.outcome.toLowerCase()}`}>
                          {OUTCOME_LABELS[run.outcome]}
                          <Show when={run.errorCode}>{(code) => ` · ${code()}`}</Show>
                        </span>
                        <span class="muted">{formatDuration(run.durationMs)}</span>
                        <span class="muted">
                          {run.calls} {run.calls === 1 ? "call" : "calls"}
                        </span>
                      </button>
                      <Show when={run.errorMessage}>
                        {(message) => <p class="run-log-error">{message()}</p>}
                      </Show>
                      <Show when={shown() === key()}>
                        <Show
                          when={run.output !== ""}
                          fallback={<p class="muted">The agent printed nothing.</p>}
                        >
                          <pre
                            class="diff run-log-output"
                            data-testid="agent-log-output"
                            tabIndex={0}
                            aria-label="What the agent printed"
                          >
                            {run.output}
                          </pre>
                        </Show>
                      </Show>
                    </li>
                  );
                }}
              </For>
            </ol>
          </Match>
        </Switch>
      </div>
    </details>
  );
}
