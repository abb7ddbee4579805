import { formatMs, formatRate, formatRatio, type SectionReport } from "../lib/report.js";
import { ratio } from "../lib/stats.js";
import type { LoadResult } from "./load-protocol.js";

export interface HttpSettings {
  /** Concurrent connections of the load generator. */
  readonly connections: number;
  /** Seconds of load before each measured run (JIT, caches, pools). */
  readonly warmupS: number;
  /** Seconds of each measured run. */
  readonly durationS: number;
  /** Sessions in the scene; the page asks for all of them. */
  readonly sessions: number;
}

export type QueryName = "me" | "page";
export type TargetName = "bare graphql-js" | "bare, documents cached" | "agentry";

export interface HttpRun {
  readonly query: QueryName;
  readonly target: TargetName;
  readonly result: LoadResult;
  /** CPU time of the bench's process (where every server runs) per response, µs. */
  readonly serverCpuUsPerRequest: number;
}

const QUERY_LABELS: Readonly<Record<QueryName, string>> = {
  me: "{ me { id } }",
  page: "sessions page",
};

/** The targets for `{ me { id } }`. */
const TARGET_PER_SECOND = 3_000;
const TARGET_RATIO = 0.5;

export function report(
  runs: readonly HttpRun[],
  statements: readonly { readonly first: number; readonly statements: number }[],
  settings: HttpSettings,
): SectionReport {
  const find = (query: QueryName, target: TargetName) =>
    runs.find((run) => run.query === query && run.target === target)?.result;
  const ratios = (["me", "page"] as const).flatMap((query) => {
    const ours = find(query, "agentry");
    const bare = find(query, "bare graphql-js");
    const cached = find(query, "bare, documents cached");
    if (ours === undefined) return [];
    return [
      {
        label: `${QUERY_LABELS[query]}: req/s / bare graphql-js`,
        value: ratio(ours.perSecond, bare?.perSecond ?? Number.NaN),
      },
      {
        label: `${QUERY_LABELS[query]}: req/s / bare with documents cached`,
        value: ratio(ours.perSecond, cached?.perSecond ?? Number.NaN),
      },
      {
        label: `${QUERY_LABELS[query]}: p50 / bare graphql-js`,
        value: ratio(ours.latencyMs.p50, bare?.latencyMs.p50 ?? Number.NaN),
      },
      {
        label: `${QUERY_LABELS[query]}: p99 / bare graphql-js`,
        value: ratio(ours.latencyMs.p99, bare?.latencyMs.p99 ?? Number.NaN),
      },
    ];
  });
  const [fewest, most] = [statements[0], statements.at(-1)];
  if (fewest !== undefined && most !== undefined) {
    ratios.push({
      label: `SQL statements, page of ${most.first} / page of ${fewest.first}`,
      value: ratio(most.statements, fewest.statements),
    });
  }
  const me = find("me", "agentry");
  const meBare = find("me", "bare graphql-js");
  return {
    id: "graphqlHttp",
    title: `GraphQL over HTTP, ${settings.connections} connections from another process (autocannon), one api process`,
    columns: [
      "query",
      "server",
      "req/s",
      "p50 ms",
      "p90 ms",
      "p99 ms",
      "server CPU µs/req",
      "non-2xx",
    ],
    rows: [
      ...runs.map((run) => [
        QUERY_LABELS[run.query],
        run.target,
        formatRate(run.result.perSecond),
        formatMs(run.result.latencyMs.p50),
        formatMs(run.result.latencyMs.p90),
        formatMs(run.result.latencyMs.p99),
        formatRate(run.serverCpuUsPerRequest),
        String(run.result.non2xx + run.result.errors),
      ]),
      ...statements.map(({ first, statements: count }) => [
        `SQL statements, sessions(first: ${first})`,
        "agentry",
        String(count),
        "",
        "",
        "",
        "",
        "",
      ]),
    ],
    ratios,
    notes: [
      `target for { me { id } }: ≥ ${formatRate(TARGET_PER_SECOND)} req/s and ≥ ${formatRatio(TARGET_RATIO)} the bare server's — here ${formatRate(me?.perSecond ?? Number.NaN)} req/s, ${formatRatio(ratio(me?.perSecond ?? Number.NaN, meBare?.perSecond ?? Number.NaN))}`,
      `each run: ${settings.warmupS} s of load to warm up, then ${settings.durationS} s measured; the load generator shares the machine's cores with the servers, Postgres and Redis`,
      "the bare servers answer from memory (no token, no database); the api reads its token from memory after the first request and the page from Postgres",
      "server CPU: the bench process's CPU time (api and bare servers run in it, one at a time) per response",
    ],
    data: { settings, runs, statements },
  };
}
