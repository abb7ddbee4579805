import { A, useParams, useSearchParams } from "@solidjs/router";
import { createQuery } from "@urql/solid";
import { createMemo, createSignal, For, Match, Show, Switch, type JSX } from "solid-js";
import { Chat } from "../agents/chat.js";
import { ChangesPanel } from "../agents/changes-panel.js";
import { LogsPanel } from "../agents/logs-panel.js";
import { NextKey } from "../agents/next-key.js";
import { SpawnAgentForm } from "../agents/spawn-agent-form.js";
import { SessionDocument, type SessionQuery } from "../gql/graphql.js";
import { problemFrom } from "../lib/errors.js";
import { maskedHint } from "../lib/format.js";
import { agentStatusText } from "../lib/labels.js";
import { useRegistry } from "../registry/registry-context.js";
import type { Registry } from "../registry/registry.js";
import { ageOf } from "../ui/credential-summary.js";
import { Loading } from "../ui/loading.js";
import { createMediaQuery, PHONE_QUERY } from "../ui/media-query.js";
import { Page } from "../ui/page.js";
import { ProblemNotice } from "../ui/problem-notice.js";
import { UsageCounter } from "../usage/usage-counter.js";

type SessionAgent = NonNullable<SessionQuery["session"]>["agents"][number];

const SESSION_TYPES = { additionalTypenames: ["Agent"] };

/** "Chat · claude-haiku-4-5", "reviewer · claude-haiku-4-5": its name (else its kind's) and model. */
export const agentLabel = (
  registry: Registry,
  agent: Pick<SessionAgent, "kind" | "model" | "name">,
): string =>
  `${agent.name === "" ? registry.agentKindLabel(agent.kind) : agent.name} · ${agent.model}`;

/** A session: its live usage, its agents (spawn one), and the chat with the chosen agent. */
export function SessionPage(): JSX.Element {
  const params = useParams<{ id: string }>();
  const registry = useRegistry();
  const [search, setSearch] = useSearchParams<{ agent?: string }>();
  const phone = createMediaQuery(PHONE_QUERY);
  const [spawnOpen, setSpawnOpen] = createSignal(false);
  const [result, refetch] = createQuery({
    query: SessionDocument,
    variables: () => ({ id: params.id }),
    context: SESSION_TYPES,
    requestPolicy: "cache-and-network",
  });
  const session = () => result.data?.session;
  const agents = (): readonly SessionAgent[] => session()?.agents ?? [];
  // The agent in ?agent=, else the newest.
  const selected = createMemo(() => {
    const all = agents();
    return all.find((agent) => agent.id === search.agent) ?? all.at(-1);
  });
  const canEdit = (): boolean => session()?.viewerRole !== "VIEWER";

  return (
    <Switch>
      <Match when={result.data === undefined && result.error}>
        {(error) => (
          <Page title="Session">
            <ProblemNotice problem={problemFrom(error())} />
          </Page>
        )}
      </Match>
      <Match when={result.data === undefined}>
        <Loading label="Loading the session…" />
      </Match>
      <Match when={result.data !== undefined && session() === null}>
        <Page title="Session not found">
          <p>
            This session does not exist or is not shared with you.{" "}
            <A href="/">Back to your sessions</A>.
          </p>
        </Page>
      </Match>
      <Match when={session()}>
        {(current) => (
          <Page
            title={current().name}
            actions={
              <A
                href={`/sessions/${current().id}/settings/key`}
                class="button icon-button"
                aria-label="Session settings"
                title="Session settings"
              >
                <GearIcon />
                <span class="icon-button-text">Settings</span>
              </A>
            }
          >
            <Show when={current().repoUrl}>{(repo) => <p class="repo">{repo()}</p>}</Show>
            <Show when={current().keys.length > 0}>
              <p class="session-keys" data-testid="session-keys">
                Session keys:{" "}
                <For each={current().keys}>
                  {(key, index) => (
                    <>
                      {index() > 0 ? ", " : ""}
                      {registry.credentialName(key.provider, key.kind)} ({maskedHint(key.hint)},{" "}
                      {ageOf(key.secretSetAt)})
                      <Show when={key.rotationDue}>
                        {" "}
                        <span class="badge credential-rotate">Rotate it</span>
                      </Show>
                    </>
                  )}
                </For>{" "}
                <A href={`/sessions/${current().id}/settings/key`}>Manage</A>
              </p>
            </Show>
            <UsageCounter sessionId={current().id} initial={current().usage} />
            <div class="session-layout">
              <aside class="agents-panel" aria-label="Agents">
                <h2>Agents</h2>
                <Show when={agents().length > 0} fallback={<p class="muted">No agents yet.</p>}>
                  <ul class="agent-list">
                    <For each={agents()}>
                      {(agent) => (
                        <li>
                          <a
                            href={`?agent=${agent.id}`}
                            class="agent-item"
                            aria-current={selected()?.id === agent.id ? "true" : undefined}
                            onClick={(event) => {
                              event.preventDefault();
                              setSearch({ agent: agent.id });
                            }}
                          >
                            <span class="agent-name">
                              {agent.name === "" ? registry.agentKindLabel(agent.kind) : agent.name}
                            </span>
                            <span class="agent-model">
                              {agent.name !== "" &&
                              agent.name !== registry.agentKindLabel(agent.kind)
                                ? `${registry.agentKindLabel(agent.kind)} · `
                                : ""}
                              {registry.providerLabel(agent.provider)} · {agent.model}
                            </span>
                            <span class={`status status-${agent.status.toLowerCase()}`}>
                              <span class="status-dot" aria-hidden="true" />
                              {agentStatusText(agent.status, agent.statusReason)}
                            </span>
                          </a>
                        </li>
                      )}
                    </For>
                  </ul>
                </Show>
                <Show when={canEdit()}>
                  {/* On a phone the chat comes first and the form waits behind a button. */}
                  <Show when={phone()}>
                    <button
                      type="button"
                      class="button spawn-toggle"
                      aria-expanded={spawnOpen()}
                      aria-controls="spawn-agent"
                      onClick={() => setSpawnOpen(!spawnOpen())}
                    >
                      {spawnOpen() ? "Hide the spawn form" : "Spawn an agent"}
                    </button>
                  </Show>
                  <div id="spawn-agent" hidden={phone() && !spawnOpen()}>
                    <SpawnAgentForm
                      sessionId={current().id}
                      onSpawned={(agentId) => {
                        setSpawnOpen(false);
                        setSearch({ agent: agentId });
                      }}
                    />
                  </div>
                </Show>
              </aside>
              <Show
                when={selected()?.id}
                keyed
                fallback={
                  <section class="chat chat-empty">
                    <p class="muted">Spawn an agent to start a conversation.</p>
                  </section>
                }
              >
                {(agentId) => (
                  <div class="chat-column">
                    <Show when={canEdit()}>
                      <NextKey
                        sessionId={current().id}
                        agentKind={selected()?.kind ?? "CHAT"}
                        provider={selected()?.provider ?? "ANTHROPIC"}
                        refreshKey={selected()?.status}
                      />
                    </Show>
                    <Chat
                      sessionId={current().id}
                      agent={{
                        id: agentId,
                        name: selected()?.name ?? "",
                        label:
                          selected() === undefined
                            ? ""
                            : agentLabel(registry, selected() as SessionAgent),
                        kind: selected()?.kind ?? "CHAT",
                        provider: selected()?.provider ?? "ANTHROPIC",
                        status: selected()?.status ?? "IDLE",
                        statusReason: selected()?.statusReason ?? null,
                      }}
                      canSend={canEdit()}
                      onStatus={() => {
                        refetch({ requestPolicy: "network-only" });
                      }}
                    />
                    <Show when={current().repoUrl}>
                      <ChangesPanel
                        agentId={agentId}
                        refreshKey={selected()?.status}
                        canPush={canEdit()}
                      />
                    </Show>
                    <LogsPanel agentId={agentId} refreshKey={selected()?.status} />
                  </div>
                )}
              </Show>
            </div>
          </Page>
        )}
      </Match>
    </Switch>
  );
}

function GearIcon(): JSX.Element {
  return (
    <svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
      <path
        fill="currentColor"
        d="M19.14 12.94a7.49 7.49 0 0 0 .05-.94 7.49 7.49 0 0 0-.05-.94l2.03-1.58a.5.5 0 0 0 .12-.64l-1.92-3.32a.5.5 0 0 0-.6-.22l-2.39.96a7.03 7.03 0 0 0-1.62-.94l-.36-2.54A.5.5 0 0 0 13.91 2h-3.84a.5.5 0 0 0-.49.42l-.36 2.54a7.03 7.03 0 0 0-1.62.94l-2.39-.96a.5.5 0 0 0-.6.22L2.69 8.48a.5.5 0 0 0 .12.64l2.03 1.58a7.49 7.49 0 0 0 0 1.88l-2.03 1.58a.5.5 0 0 0-.12.64l1.92 3.32a.5.5 0 0 0 .6.22l2.39-.96c.5.38 1.04.7 1.62.94l.36 2.54a.5.5 0 0 0 .49.42h3.84a.5.5 0 0 0 .49-.42l.36-2.54a7.03 7.03 0 0 0 1.62-.94l2.39.96a.5.5 0 0 0 .6-.22l1.92-3.32a.5.5 0 0 0-.12-.64ZM12 15.5A3.5 3.5 0 1 1 12 8.5a3.5 3.5 0 0 1 0 7Z"
      />
    </svg>
  );
}
