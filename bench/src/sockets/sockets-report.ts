import { formatRate, type SectionReport } from "../lib/report.js";
import { ratio } from "../lib/stats.js";
import type { MemorySample, ServerKind } from "./sockets-protocol.js";

// The idle-sockets bench's settings, figures and table.

export interface IdleSocketsSettings {
  readonly sockets: number;
  /** Sockets per member (the api's per-user cap, WS_MAX_SOCKETS_PER_USER, is 20 by default). */
  readonly socketsPerUser: number;
  /** Agents of the session; socket i subscribes to agent i mod agents. */
  readonly agents: number;
  readonly clientProcesses: number;
  readonly concurrencyPerProcess: number;
  /** Sockets opened, probed and closed before idle is measured (a server that has served). */
  readonly warmSockets: number;
  /** The target: RSS above idle for `sockets` sockets at most (bytes). */
  readonly targetBytes: number;
}

export interface SocketsRun {
  readonly path: ServerKind;
  readonly sockets: number;
  readonly openSeconds: number;
  /** The server before any socket, with them all open and subscribed, after they closed. */
  readonly idle: MemorySample;
  readonly held: MemorySample;
  readonly afterClose: MemorySample;
  readonly rssAboveIdle: number;
  readonly heapAboveIdle: number;
}

const MB = 2 ** 20;
const mb = (bytes: number) => (bytes / MB).toFixed(1);
const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const PATH_NAME: Record<ServerKind, string> = { agentry: "agentry", bare: "bare ws" };

export function report(runs: readonly SocketsRun[], settings: IdleSocketsSettings): SectionReport {
  const rows = runs.map((run) => [
    PATH_NAME[run.path],
    formatRate(run.sockets),
    formatRate(run.sockets / run.openSeconds),
    mb(run.idle.rss),
    mb(run.held.rss),
    mb(run.rssAboveIdle),
    kb(run.rssAboveIdle / run.sockets),
    mb(run.heapAboveIdle),
    kb(run.heapAboveIdle / run.sockets),
    mb(run.held.heapTotal - run.idle.heapTotal),
    mb(run.afterClose.heapUsed - run.idle.heapUsed),
  ]);
  const ours = runs.find((run) => run.path === "agentry");
  const bare = runs.find((run) => run.path === "bare");
  const ratios =
    ours === undefined || bare === undefined
      ? []
      : [
          {
            label: "RSS above idle per socket",
            value: ratio(ours.rssAboveIdle / ours.sockets, bare.rssAboveIdle / bare.sockets),
          },
          {
            label: "heap above idle per socket",
            value: ratio(ours.heapAboveIdle / ours.sockets, bare.heapAboveIdle / bare.sockets),
          },
        ];
  const target =
    ours === undefined
      ? []
      : [
          `target: ${formatRate(settings.sockets)} sockets in ≤ ${mb(settings.targetBytes)} MB of api RSS above idle — ${mb(ours.rssAboveIdle)} MB: ${ours.rssAboveIdle <= settings.targetBytes ? "met" : "missed"}`,
        ];
  return {
    id: "idleSockets",
    title: `Idle sockets: ${formatRate(settings.sockets)} authenticated graphql-ws connections, one agentEvents subscription each`,
    columns: [
      "path",
      "sockets",
      "opened/s",
      "idle RSS MB",
      "with sockets MB",
      "RSS above idle MB",
      "KB/socket",
      "heap above idle MB",
      "heap KB/socket",
      "heap committed MB",
      "heap after close MB",
    ],
    rows,
    ratios,
    notes: [
      ...target,
      `server in a process of its own, measured after full collections; sockets from ${settings.clientProcesses} other processes, ${settings.socketsPerUser} per member, subscribed to ${settings.agents} agents' events in turn; every subscription shown live (an event reached every socket) before measuring`,
      `"heap committed": V8's heap as reserved from the system (used, free room in its pages, the young generation), above idle; "heap after close": heap used once every socket closed, above idle (what closing did not give back)`,
    ],
    data: { settings, runs },
  };
}
