import { createMutation, createQuery, createSubscription } from "@urql/solid";
import {
  createEffect,
  createMemo,
  createSignal,
  For,
  on,
  onCleanup,
  Show,
  type JSX,
} from "solid-js";
import {
  AgentEventsDocument,
  AgentMessagesDocument,
  CancelMessageDocument,
  RemoveAgentDocument,
  SendMessageDocument,
  type AgentKind,
  type AgentMessagesQuery,
  type AgentStatus,
  type Provider,
} from "../gql/graphql.js";
import { describeError, problemFrom, type Problem } from "../lib/errors.js";
import { formatCost, formatTokens } from "../lib/format.js";
import { agentStatusText, RAN_WITH_LABELS } from "../lib/labels.js";
import { useRegistry } from "../registry/registry-context.js";
import { credentialFixFor } from "../registry/registry.js";
import { ConfirmDialog } from "../ui/confirm-dialog.js";
import { Loading } from "../ui/loading.js";
import { ProblemNotice } from "../ui/problem-notice.js";
import {
  EMPTY_STREAM,
  reduceAgentEvent,
  type AgentStreamState,
  type RunState,
} from "./agent-stream.js";
import { LOGS_TELL, openAgentLogs } from "./logs-panel.js";
import { RenameAgent } from "./rename-agent.js";

type ChatMessage = NonNullable<AgentMessagesQuery["session"]>["agents"][number]["messages"][number];

export interface ChatAgent {
  readonly id: string;
  readonly label: string;
  /** Its name as stored (renameAgent changes it). */
  readonly name: string;
  readonly kind: AgentKind;
  readonly provider: Provider;
  readonly status: AgentStatus;
  readonly statusReason: string | null;
}

/** How many earlier messages the chat loads. */
export const CHAT_HISTORY = 100;

/** How long apart the chat asks again for a finished run's stored reply. */
const SETTLE_RETRY_MS = 150;

const MESSAGE_TYPES = { additionalTypenames: ["Message"] };
/** A removed agent: the session's agent list (and its messages) are read again. */
const AGENT_TYPES = { additionalTypenames: ["Agent", "Message"] };

/**
 * The conversation with one agent: its stored messages, the reply streaming in as it arrives
 * (agentEvents), each run's usage, and a composer. Mount one per agent (keyed): the event
 * stream's state belongs to that agent.
 */
export function Chat(props: {
  readonly sessionId: string;
  readonly agent: ChatAgent;
  readonly canSend: boolean;
  /** The agent's status changed (the session page refreshes its list). */
  readonly onStatus?: (status: AgentStatus) => void;
}): JSX.Element {
  const [removal, setRemoval] = createSignal<"confirming" | "removing">();
  const [removeProblem, setRemoveProblem] = createSignal<Problem>();
  const [, remove] = createMutation(RemoveAgentDocument);
  const removeAgent = async (): Promise<void> => {
    setRemoval("removing");
    setRemoveProblem(undefined);
    // The session's agent list is read again (AGENT_TYPES): this chat then goes with the agent.
    const result = await remove({ id: props.agent.id }, AGENT_TYPES);
    setRemoval(undefined);
    if (result.error) setRemoveProblem(problemFrom(result.error, { sessionId: props.sessionId }));
  };
  const [history, refetch] = createQuery({
    query: AgentMessagesDocument,
    variables: () => ({ sessionId: props.sessionId, last: CHAT_HISTORY }),
    context: MESSAGE_TYPES,
    requestPolicy: "cache-and-network",
  });
  const [events] = createSubscription(
    { query: AgentEventsDocument, variables: () => ({ agentId: props.agent.id, afterSeq: 0 }) },
    (previous: AgentStreamState | undefined, data) =>
      reduceAgentEvent(previous ?? EMPTY_STREAM, data.agentEvents),
  );
  const stream = (): AgentStreamState => events.data ?? EMPTY_STREAM;
  const stored = createMemo(() =>
    history.data?.session?.agents.find((a) => a.id === props.agent.id),
  );
  const messages = (): readonly ChatMessage[] => stored()?.messages ?? [];

  // A run that ends (DONE or ERROR) has stored its reply: load it in place of the stream. A
  // refetch can race the one sendMessage set off (and be answered from before the run ended),
  // so this keeps asking, a little apart, until the stored messages agree with the stream.
  const unsettled = createMemo(() => {
    const shown = new Map(messages().map((message) => [message.id, message.status]));
    return Object.entries(stream().runs).some(([id, run]) => {
      if (!run.finished) return false;
      const status = shown.get(id);
      // A run of a message not in the list yet (unless it fell out of the loaded window).
      if (status === undefined) return messages().length < CHAT_HISTORY;
      return status === "QUEUED" || status === "RUNNING";
    });
  });
  createEffect(() => {
    if (!unsettled() || history.fetching) return;
    const timer = setTimeout(() => {
      refetch({ requestPolicy: "network-only" });
    }, SETTLE_RETRY_MS);
    onCleanup(() => {
      clearTimeout(timer);
    });
  });
  const status = (): AgentStatus => stream().status ?? stored()?.status ?? props.agent.status;
  createEffect(
    on(
      () => stream().status,
      (current) => {
        if (current !== undefined) props.onStatus?.(current);
      },
      { defer: true },
    ),
  );
  const statusReason = (): string | null =>
    stream().status === undefined
      ? (stored()?.statusReason ?? props.agent.statusReason)
      : (stream().statusReason ?? null);

  // Keep the newest message in view while the person has not scrolled up to read.
  let log!: HTMLDivElement;
  let pinned = true;
  createEffect(
    on([() => messages().length, () => stream().lastSeq], () => {
      if (pinned) log.scrollTop = log.scrollHeight;
    }),
  );

  return (
    <section class="chat" aria-label={`Chat with ${props.agent.label}`}>
      <header class="chat-header">
        <h2>{props.agent.label}</h2>
        <div class="chat-header-side">
          <p
            class={`status status-${status().toLowerCase()}`}
            role="status"
            data-testid="agent-status"
          >
            <span class="status-dot" aria-hidden="true" />
            {agentStatusText(status(), statusReason())}
          </p>
          <Show when={props.canSend}>
            <RenameAgent
              agentId={props.agent.id}
              name={props.agent.name}
              onRenamed={() => props.onStatus?.(status())}
            />
            <button
              type="button"
              class="button button-small button-danger"
              disabled={removal() === "removing"}
              onClick={() => setRemoval("confirming")}
            >
              Remove agent
            </button>
          </Show>
        </div>
      </header>
      <Show when={removeProblem()}>{(current) => <ProblemNotice problem={current()} />}</Show>
      <ConfirmDialog
        open={removal() !== undefined}
        title={`Remove ${props.agent.label}?`}
        confirmLabel={removal() === "removing" ? "Removing…" : "Remove agent"}
        busy={removal() === "removing"}
        onConfirm={() => void removeAgent()}
        onCancel={() => {
          setRemoval(undefined);
        }}
      >
        <p>
          Its conversation ({messages().length} message{messages().length === 1 ? "" : "s"}) and its
          workspace are deleted; a reply it is writing is stopped first. What it has spent stays in
          the session's usage totals.
        </p>
      </ConfirmDialog>
      <div
        class="messages"
        ref={log}
        role="log"
        aria-label="Messages"
        aria-relevant="additions"
        tabIndex={0}
        onScroll={() => {
          pinned = log.scrollHeight - log.scrollTop - log.clientHeight < 48;
        }}
      >
        <ol class="message-list">
          <Show when={history.data === undefined && !history.error}>
            <li>
              <Loading label="Loading messages…" />
            </li>
          </Show>
          <Show when={history.data !== undefined && messages().length === 0}>
            <li class="muted empty-chat">No messages yet. Say hello below.</li>
          </Show>
          <For each={messages()}>
            {(message) => (
              <MessageItem
                message={message}
                run={stream().runs[message.id]}
                sessionId={props.sessionId}
                agent={props.agent}
                canStop={props.canSend}
              />
            )}
          </For>
        </ol>
      </div>
      <Show when={history.error}>
        {(error) => <ProblemNotice problem={problemFrom(error())} />}
      </Show>
      <Show
        when={props.canSend}
        fallback={
          <p class="muted">You can read this session; only its owner and editors send messages.</p>
        }
      >
        <Composer agentId={props.agent.id} label={props.agent.label} sessionId={props.sessionId} />
      </Show>
    </section>
  );
}

function MessageItem(props: {
  readonly message: ChatMessage;
  readonly run: RunState | undefined;
  readonly sessionId: string;
  readonly agent: ChatAgent;
  /** Whether the viewer may stop it (owner or editor). */
  readonly canStop: boolean;
}): JSX.Element {
  const registry = useRegistry();
  const [, cancel] = createMutation(CancelMessageDocument);
  const [stopping, setStopping] = createSignal(false);
  const [stopProblem, setStopProblem] = createSignal<Problem>();
  const stoppable = (): boolean =>
    user() &&
    props.canStop &&
    (props.message.status === "QUEUED" || props.message.status === "RUNNING") &&
    props.run?.finished !== true;
  const stop = async (): Promise<void> => {
    setStopping(true);
    setStopProblem(undefined);
    // The answer is the message as it ended (CANCELLED, or DONE when the reply beat the stop).
    const result = await cancel({ id: props.message.id }, MESSAGE_TYPES);
    setStopping(false);
    if (result.error) setStopProblem(problemFrom(result.error, { sessionId: props.sessionId }));
  };
  const user = (): boolean => props.message.role === "user";
  // The stream is shown until the stored reply replaces it (the user message is then DONE/FAILED).
  const streaming = (): boolean =>
    user() &&
    props.run !== undefined &&
    (props.message.status === "QUEUED" || props.message.status === "RUNNING");
  const problem = (): Problem | undefined => {
    if (!user()) return undefined;
    const failed =
      props.message.status === "FAILED"
        ? { code: props.message.errorCode, message: props.message.errorMessage }
        : props.run?.error;
    return failed === undefined
      ? undefined
      : describeError(failed, {
          sessionId: props.sessionId,
          keySource: props.message.keySource,
          // A refused subscription: the registry says how to get a fresh one for this agent.
          credentialFix: credentialFixFor(registry, props.agent.kind, props.agent.provider),
        });
  };
  return (
    <>
      <li
        class={`message message-${user() ? "user" : "assistant"}`}
        data-status={props.message.status}
      >
        <span class="visually-hidden">{user() ? "You:" : "Agent:"}</span>
        <div class="bubble">{props.message.text}</div>
        <Show when={user()}>
          <p class="message-meta">
            <MessageStatusText message={props.message} run={props.run} />
            <Show when={stoppable()}>
              {" "}
              <button
                type="button"
                class="button button-small"
                disabled={stopping()}
                aria-label={
                  // Its row may still say QUEUED while its reply already streams.
                  props.message.status === "QUEUED" &&
                  (props.run === undefined || (props.run.text === "" && props.run.calls === 0))
                    ? "Stop (not started)"
                    : "Stop reply"
                }
                onClick={() => void stop()}
              >
                {stopping() ? "Stopping…" : "Stop"}
              </button>
            </Show>
          </p>
        </Show>
        <Show when={stopProblem()}>{(current) => <ProblemNotice problem={current()} />}</Show>
        <Show when={problem()}>
          {(current) => (
            <ProblemNotice problem={current()}>
              <Show when={LOGS_TELL.has(current().code)}>
                <p>
                  <button type="button" class="button button-small" onClick={openAgentLogs}>
                    See the agent's logs
                  </button>
                </p>
              </Show>
            </ProblemNotice>
          )}
        </Show>
      </li>
      <Show when={streaming()}>
        <li class="message message-assistant message-streaming" aria-busy="true">
          <span class="visually-hidden">Agent (replying):</span>
          <div class="bubble" data-testid="streaming-reply">
            {props.run?.text}
            <span class="cursor" aria-hidden="true" />
          </div>
          <Show when={props.run?.tool}>{(tool) => <p class="message-meta">{tool()}</p>}</Show>
        </li>
      </Show>
    </>
  );
}

function MessageStatusText(props: {
  readonly message: ChatMessage;
  readonly run: RunState | undefined;
}): JSX.Element {
  const usage = (): string | undefined => {
    const run = props.run;
    // A reply stopped before any provider call finished spent nothing; say so.
    if (props.message.status === "CANCELLED" && run?.calls === 0) return "no calls made";
    if (run === undefined || run.calls === 0) return undefined;
    const calls = `${run.calls} call${run.calls === 1 ? "" : "s"}`;
    return `${formatTokens(run.tokens)} tokens · ${calls} · ${formatCost(run.costUsd)}`;
  };
  const state = (): string => {
    switch (props.message.status) {
      case "QUEUED":
        // The message's row may say QUEUED a moment after its run's first events arrived.
        return props.run === undefined || (props.run.text === "" && props.run.calls === 0)
          ? "Queued"
          : "Working…";
      case "RUNNING":
        return "Working…";
      case "FAILED":
        return "Failed";
      case "DONE":
        return "Done";
      case "CANCELLED":
        return "Stopped";
    }
  };
  const ranWith = (): string | undefined =>
    props.message.keySource
      ? `ran with the ${RAN_WITH_LABELS[props.message.keySource]}`
      : undefined;
  return <>{[state(), ranWith(), usage()].filter(Boolean).join(" · ")}</>;
}

function Composer(props: {
  readonly agentId: string;
  readonly label: string;
  readonly sessionId: string;
}): JSX.Element {
  const [, send] = createMutation(SendMessageDocument);
  const [text, setText] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [problem, setProblem] = createSignal<Problem>();
  let input!: HTMLTextAreaElement;

  const submit = async (): Promise<void> => {
    const value = text().trim();
    if (value === "" || busy()) return;
    setBusy(true);
    setProblem(undefined);
    const result = await send({ agentId: props.agentId, text: value }, MESSAGE_TYPES);
    setBusy(false);
    if (result.data) {
      setText("");
      input.focus();
    } else if (result.error) {
      setProblem(problemFrom(result.error, { sessionId: props.sessionId }));
    }
  };

  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <Show when={problem()}>{(current) => <ProblemNotice problem={current()} />}</Show>
      <label for="chat-input" class="visually-hidden">
        Message to {props.label}
      </label>
      <textarea
        id="chat-input"
        ref={input}
        rows={2}
        placeholder={`Message ${props.label}`}
        aria-describedby="chat-input-hint"
        value={text()}
        onInput={(event) => setText(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            void submit();
          }
        }}
      />
      <button type="submit" class="button button-primary" disabled={busy() || text().trim() === ""}>
        {busy() ? "Sending…" : "Send"}
      </button>
      <p id="chat-input-hint" class="composer-hint">
        Enter sends; Shift+Enter starts a new line.
      </p>
    </form>
  );
}
