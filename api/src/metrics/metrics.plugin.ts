import type { ApolloServerPlugin } from "@apollo/server";
import type { RequestContext } from "../graphql/context.js";
import { classifyError } from "../graphql/errors.js";
import type { ApiMetrics } from "./api-metrics.js";

/** Apollo plugin: counts each GraphQL-over-HTTP operation, its time and its error codes. */
export function metricsPlugin(metrics: ApiMetrics): ApolloServerPlugin<RequestContext> {
  return {
    requestDidStart() {
      const started = performance.now();
      let errors: { readonly code: string }[] = [];
      return Promise.resolve({
        didEncounterErrors({ errors: raised }) {
          errors = raised.map((error) => ({ code: classifyError(error).code }));
          return Promise.resolve();
        },
        willSendResponse({ operationName, operation }) {
          metrics.operationFinished({
            transport: "http",
            operationName: operationName ?? null,
            operationType: operation?.operation ?? null,
            durationMs: performance.now() - started,
            errors,
          });
          return Promise.resolve();
        },
      });
    },
  };
}
