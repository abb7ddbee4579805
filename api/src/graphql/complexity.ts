import { AppError } from "@agentry/core";
import type { ApolloServerPlugin } from "@apollo/server";
import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  type DocumentNode,
  type GraphQLSchema,
} from "graphql";
import type * as QueryComplexity from "graphql-query-complexity";
import { createRequire } from "node:module";
import { LIMITS } from "./limits.js";

// graphql-query-complexity's ESM build imports graphql's ESM files (graphql/index.mjs), while
// everything else here (type-graphql, Apollo) gets graphql's CommonJS build; graphql refuses a
// schema from the "other" copy. Its CommonJS build shares the one graphql everything else uses.
const { fieldExtensionsEstimator, getComplexity, simpleEstimator } = createRequire(import.meta.url)(
  "graphql-query-complexity",
) as typeof QueryComplexity;

/** Selections the library evaluates at most (fragments expanded) before it gives up counting. */
const MAX_QUERY_NODES = 10_000;

/**
 * The cost of an operation: 1 per field, unless the field declares its own (connections count
 * their children `first` times); Infinity past MAX_QUERY_NODES selections. Undefined when the
 * request is invalid in a way execution reports better (no such operation, bad variables).
 */
export function operationComplexity(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown> | undefined,
): number | undefined {
  const operation = getOperationAST(document, operationName);
  if (operation === null || operation === undefined) return undefined;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  if (coerced.errors !== undefined) return undefined;
  try {
    return getComplexity({
      schema,
      query: document,
      ...(operationName === undefined ? {} : { operationName }),
      variables: variables ?? {},
      maxQueryNodes: MAX_QUERY_NODES,
      estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch (error) {
    // With valid variables the library refuses (as a GraphQLError) only a query past
    // maxQueryNodes, which it stops counting: too complex, never "unknown, let it run".
    if (error instanceof GraphQLError) return Number.POSITIVE_INFINITY;
    throw error;
  }
}

/** Throws BAD_USER_INPUT when the operation costs more than `max`. */
export function assertComplexity(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown> | undefined,
  max: number = LIMITS.maxComplexity,
): void {
  const cost = operationComplexity(schema, document, operationName, variables);
  if (cost !== undefined && cost > max) {
    const error = Number.isFinite(cost)
      ? new AppError("BAD_USER_INPUT", `The query is too complex: cost ${cost}, at most ${max}`, {
          cost,
          max,
        })
      : new AppError(
          "BAD_USER_INPUT",
          `The query is too complex: over ${MAX_QUERY_NODES} fields, cost at most ${max}`,
          { max },
        );
    throw new GraphQLError(error.message, {
      originalError: error,
      extensions: { code: "BAD_USER_INPUT", http: { status: 400 } },
    });
  }
}

/** Refuses operations over the complexity cap before they execute. */
export function complexityPlugin(schema: GraphQLSchema): ApolloServerPlugin {
  return {
    requestDidStart() {
      return Promise.resolve({
        didResolveOperation({ request, document }) {
          assertComplexity(schema, document, request.operationName ?? undefined, request.variables);
          return Promise.resolve();
        },
      });
    },
  };
}
