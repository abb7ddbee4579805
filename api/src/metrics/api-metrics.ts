import { collectDefaultMetrics, Counter, Gauge, Histogram, type Registry } from "prom-client";
import { OperationLabels, typeLabel } from "./operation-labels.js";

// The api's metrics for operators (README: Metrics), on a registry of the caller's (one per
// process, built in main.ts). Every label has a bounded set of values: transport, operation
// type, an error code from the error table, and operation names capped by OperationLabels.
// Never a user, session or token: the scrape is for dashboards, not for finding anyone.

/** How many distinct operation names get a series of their own. */
export const MAX_OPERATION_NAMES = 100;

/** An operation as it ended (its log line, OperationLog, has these fields and more). */
export interface FinishedOperation {
  readonly transport: "http" | "ws";
  /** The name in the document; null when unnamed or not resolved. */
  readonly operationName: string | null;
  /** query, mutation or subscription; null when the document did not parse or validate. */
  readonly operationType: string | null;
  readonly durationMs: number;
  /** extensions.code of each error. */
  readonly errors: readonly { readonly code: string }[];
}

export interface ApiMetrics {
  readonly registry: Registry;
  /** Counts an operation (HTTP or graphql-ws) once it has ended. */
  operationFinished(operation: FinishedOperation): void;
  /** Where the graphql-ws gauges read from: open connections, subscriptions being served. */
  watchWebSockets(counts: { connections(): number; subscriptions(): number }): void;
}

export interface ApiMetricsOptions {
  /** Default {@link MAX_OPERATION_NAMES}. */
  readonly maxOperationNames?: number;
}

export function createApiMetrics(registry: Registry, options: ApiMetricsOptions = {}): ApiMetrics {
  collectDefaultMetrics({ register: registry });
  const labels = new OperationLabels(options.maxOperationNames ?? MAX_OPERATION_NAMES);
  const labelNames = ["transport", "operation", "type"] as const;
  const operations = new Counter({
    name: "agentry_api_graphql_operations_total",
    help: "GraphQL operations ended, by transport (http, ws), operation name and type",
    labelNames,
    registers: [registry],
  });
  const errors = new Counter({
    name: "agentry_api_graphql_errors_total",
    help: "GraphQL operations that ended with an error, once per distinct extensions.code",
    labelNames: [...labelNames, "code"],
    registers: [registry],
  });
  const duration = new Histogram({
    name: "agentry_api_graphql_operation_duration_seconds",
    help: "Time from request to response of GraphQL queries and mutations",
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  let webSockets = { connections: () => 0, subscriptions: () => 0 };
  new Gauge({
    name: "agentry_api_ws_connections",
    help: "Open graphql-ws connections (WebSockets on /graphql)",
    registers: [registry],
    collect() {
      this.set(webSockets.connections());
    },
  });
  new Gauge({
    name: "agentry_api_ws_subscriptions",
    help: "Subscriptions being served over graphql-ws",
    registers: [registry],
    collect() {
      this.set(webSockets.subscriptions());
    },
  });

  return {
    registry,
    operationFinished(operation) {
      const type = typeLabel(operation.operationType);
      const series = {
        transport: operation.transport,
        operation: labels.label(operation.operationName, operation.operationType),
        type,
      };
      operations.inc(series);
      // A subscription's time is how long the client listened: no latency to chart.
      if (type !== "subscription") duration.observe(series, operation.durationMs / 1000);
      for (const code of new Set(operation.errors.map((error) => error.code))) {
        errors.inc({ ...series, code });
      }
    },
    watchWebSockets(counts) {
      webSockets = counts;
    },
  };
}
