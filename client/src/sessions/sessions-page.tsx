import { A, useSearchParams } from "@solidjs/router";
import { createQuery } from "@urql/solid";
import { createMemo, createSignal, For, Match, Show, Switch, type JSX } from "solid-js";
import { SessionsDocument } from "../gql/graphql.js";
import { problemFrom } from "../lib/errors.js";
import { formatCost, formatTokens } from "../lib/format.js";
import { Loading } from "../ui/loading.js";
import { Page } from "../ui/page.js";
import { ProblemNotice } from "../ui/problem-notice.js";
import {
  defaultDirection,
  parseDirection,
  parseSortKey,
  serverOrder,
  sortSessions,
  sortsPageOnly,
  type SortKey,
} from "./session-sort.js";

export const SESSIONS_PAGE_SIZE = 20;

const COLUMNS: readonly { key: SortKey; label: string; numeric: boolean }[] = [
  { key: "name", label: "Name", numeric: false },
  { key: "agents", label: "Agents", numeric: true },
  { key: "tokens", label: "Tokens", numeric: true },
  { key: "calls", label: "API calls", numeric: true },
  { key: "cost", label: "Est. cost", numeric: true },
];

const SESSION_TYPES = { additionalTypenames: ["Session"] };

/**
 * Your sessions with their usage, a page at a time, sorted by the api across all pages (by name,
 * tokens, calls or cost) or within the page (by agents).
 */
export function SessionsPage(): JSX.Element {
  const [search, setSearch] = useSearchParams();
  const sortKey = (): SortKey => parseSortKey(search["sort"]);
  const direction = () => parseDirection(search["dir"], sortKey());
  const sort = (): string => `${sortKey()}:${direction()}`;
  // Cursors of the pages walked through (the last is the current page's `after`), for the sort
  // they were walked in: a new sort starts again at the first page, in the same render, so no
  // cursor is ever sent with an ordering it does not belong to.
  const [paging, setPaging] = createSignal<{ sort: string; cursors: (string | null)[] }>({
    sort: sort(),
    cursors: [null],
  });
  const cursors = (): (string | null)[] => (paging().sort === sort() ? paging().cursors : [null]);
  const setCursors = (update: (list: (string | null)[]) => (string | null)[]): void => {
    setPaging({ sort: sort(), cursors: update(cursors()) });
  };
  const after = (): string | null => cursors().at(-1) ?? null;
  const [sessions] = createQuery({
    query: SessionsDocument,
    variables: () => ({
      first: SESSIONS_PAGE_SIZE,
      after: after(),
      orderBy: serverOrder(sortKey(), direction()),
    }),
    context: SESSION_TYPES,
    requestPolicy: "cache-and-network",
  });
  const rows = createMemo(() => {
    const nodes = (sessions.data?.sessions.edges ?? []).map((edge) => edge.node);
    return sortsPageOnly(sortKey()) ? sortSessions(nodes, sortKey(), direction()) : nodes;
  });
  const pageCount = (): number =>
    Math.max(1, Math.ceil((sessions.data?.sessions.totalCount ?? 0) / SESSIONS_PAGE_SIZE));

  const sortBy = (key: SortKey): void => {
    const flip = sortKey() === key;
    const dir = flip ? (direction() === "asc" ? "desc" : "asc") : defaultDirection(key);
    setSearch({ sort: key, dir });
  };
  const ariaSort = (key: SortKey): "ascending" | "descending" | undefined =>
    sortKey() === key ? (direction() === "asc" ? "ascending" : "descending") : undefined;

  return (
    <Page
      title="Sessions"
      actions={
        <A href="/sessions/new" class="button button-primary">
          New session
        </A>
      }
    >
      <Switch>
        <Match when={sessions.data === undefined && sessions.error}>
          {(error) => <ProblemNotice problem={problemFrom(error())} />}
        </Match>
        <Match when={sessions.data === undefined}>
          <Loading label="Loading sessions…" />
        </Match>
        <Match when={sessions.data?.sessions.totalCount === 0}>
          <div class="empty card">
            <p>No sessions yet. A session holds agents, their keys and their usage.</p>
            <A href="/sessions/new" class="button button-primary">
              Create your first session
            </A>
          </div>
        </Match>
        <Match when={sessions.data}>
          <Show when={sortsPageOnly(sortKey())}>
            <p class="muted" id="sort-note">
              Sorting by agents applies to the sessions on this page.
            </p>
          </Show>
          <table
            class="table sessions-table"
            aria-describedby={sortsPageOnly(sortKey()) ? "sort-note" : undefined}
          >
            <caption class="visually-hidden">
              Your sessions, {sessions.data?.sessions.totalCount} in all
            </caption>
            <thead>
              <tr>
                <For each={COLUMNS}>
                  {(column) => (
                    <th
                      scope="col"
                      aria-sort={ariaSort(column.key)}
                      classList={{ numeric: column.numeric }}
                    >
                      <button
                        type="button"
                        class="sort-button"
                        onClick={() => {
                          sortBy(column.key);
                        }}
                      >
                        {column.label}
                        <span class="sort-indicator" aria-hidden="true">
                          {ariaSort(column.key) === "ascending"
                            ? "▲"
                            : ariaSort(column.key) === "descending"
                              ? "▼"
                              : ""}
                        </span>
                      </button>
                    </th>
                  )}
                </For>
              </tr>
            </thead>
            <tbody>
              <For each={rows()}>
                {(session) => (
                  <tr>
                    <th scope="row" data-label="Name">
                      <A href={`/sessions/${session.id}`} class="session-link">
                        {session.name}
                      </A>
                      <Show when={session.repoUrl}>
                        {(repo) => <span class="repo">{repo()}</span>}
                      </Show>
                      <Show when={session.viewerRole !== "OWNER"}>
                        <span class="badge">shared · {session.viewerRole.toLowerCase()}</span>
                      </Show>
                    </th>
                    <td class="numeric" data-label="Agents">
                      {session.agents.length}
                    </td>
                    <td class="numeric" data-label="Tokens">
                      {formatTokens(session.usage.totalTokens)}
                    </td>
                    <td class="numeric" data-label="API calls">
                      {session.usage.apiCalls.toLocaleString("en-US")}
                    </td>
                    <td class="numeric" data-label="Est. cost">
                      {formatCost(session.usage.estimatedCostUsd)}
                      <Show when={session.usage.unpricedCalls > 0}>
                        <span
                          class="unpriced"
                          title={`${session.usage.unpricedCalls} call(s) to models without a known price are not in the estimate`}
                        >
                          *
                        </span>
                      </Show>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
          <nav class="pagination" aria-label="Pages of sessions">
            <button
              type="button"
              class="button"
              disabled={cursors().length === 1 || sessions.fetching}
              onClick={() => {
                setCursors((list) => list.slice(0, -1));
              }}
            >
              Previous
            </button>
            <span aria-live="polite">
              Page {cursors().length} of {pageCount()}
            </span>
            <button
              type="button"
              class="button"
              disabled={!sessions.data?.sessions.pageInfo.hasNextPage || sessions.fetching}
              onClick={() => {
                const end = sessions.data?.sessions.pageInfo.endCursor;
                if (end) setCursors((list) => [...list, end]);
              }}
            >
              Next
            </button>
          </nav>
        </Match>
      </Switch>
    </Page>
  );
}
