import type { SessionOrder, SessionOrderField } from "../gql/graphql.js";

// How the sessions list is sorted. The api orders sessions (by creation, name, cost, tokens or
// calls) across all pages; the number of agents is not an api ordering, so that column sorts
// the page on screen only.

export const SORT_KEYS = ["newest", "name", "agents", "tokens", "calls", "cost"] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDirection = "asc" | "desc";

export interface SortableSession {
  readonly name: string;
  readonly createdAt: string;
  readonly agents: readonly unknown[];
  readonly usage: {
    readonly totalTokens: number;
    readonly apiCalls: number;
    readonly estimatedCostUsd: number;
  };
}

const COMPARE = {
  newest: (a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt),
  name: (a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: "base", numeric: true }),
  agents: (a, b) => a.agents.length - b.agents.length,
  tokens: (a, b) => a.usage.totalTokens - b.usage.totalTokens,
  calls: (a, b) => a.usage.apiCalls - b.usage.apiCalls,
  cost: (a, b) => a.usage.estimatedCostUsd - b.usage.estimatedCostUsd,
} as const satisfies Record<SortKey, (a: SortableSession, b: SortableSession) => number>;

const SERVER_FIELD = {
  newest: "CREATED_AT",
  name: "NAME",
  agents: null,
  tokens: "TOKENS",
  calls: "API_CALLS",
  cost: "COST",
} as const satisfies Record<SortKey, SessionOrderField | null>;

/**
 * The api's orderBy for a sort; null when the api cannot order by it (the page is then listed
 * newest first and sorted on screen, see sortSessions).
 */
export function serverOrder(key: SortKey, direction: SortDirection): SessionOrder | null {
  const field = SERVER_FIELD[key];
  return field === null ? null : { field, direction: direction === "asc" ? "ASC" : "DESC" };
}

/** Whether a sort orders only the sessions on the current page. */
export const sortsPageOnly = (key: SortKey): boolean => SERVER_FIELD[key] === null;

/** Which way a column sorts when first chosen: names A→Z, numbers and dates biggest first. */
export const defaultDirection = (key: SortKey): SortDirection => (key === "name" ? "asc" : "desc");

export function parseSortKey(value: unknown): SortKey {
  return typeof value === "string" && (SORT_KEYS as readonly string[]).includes(value)
    ? (value as SortKey)
    : "newest";
}

export function parseDirection(value: unknown, key: SortKey): SortDirection {
  return value === "asc" || value === "desc" ? value : defaultDirection(key);
}

/** A sorted copy of one page (for sorts the api cannot do); ties keep the api's order. */
export function sortSessions<T extends SortableSession>(
  sessions: readonly T[],
  key: SortKey,
  direction: SortDirection,
): T[] {
  const sign = direction === "asc" ? 1 : -1;
  return sessions
    .map((session, index) => ({ session, index }))
    .sort((a, b) => sign * COMPARE[key](a.session, b.session) || a.index - b.index)
    .map(({ session }) => session);
}
