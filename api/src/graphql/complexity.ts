import { AppError } from "@agentry/core";
import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError, type DocumentNode, type GraphQLSchema } from "graphql";
import type * as QueryComplexity from "graphql-query-complexity";
import { createRequire } from "node:module";
import { LIMITS } from "./limits.js";

// graphql-query-complexity's ESM build imports graphql's ESM files (graphql/index.mjs), while
// everything else here (type-graphql, Apollo) gets graphql's CommonJS build; graphql refuses a
// schema from the "other" copy. Its CommonJS build shares the one graphql everything else uses.
const { fieldExtensionsEstimator, getComplexity, simpleEstimator } = createRequire(import.meta.url)(
  "graphql-query-complexity",
) as typeof QueryComplexity;

/**
 * The cost of an operation: 1 per field, unless the field declares its own (connections count
 * their children `first` times). Undefined when the request is invalid in a way execution
 * reports better (bad variables).
 */
export function operationComplexity(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown> | undefined,
): number | undefined {
  try {
    return getComplexity({
      schema,
      query: document,
      ...(operationName === undefined ? {} : { operationName }),
      variables: variables ?? {},
      estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch (error) {
    // Invalid variables: execution reports them properly. Anything else is a bug: surface it.
    if (error instanceof GraphQLError) return undefined;
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
    const error = new AppError(
      "BAD_USER_INPUT",
      `The query is too complex: cost ${cost}, at most ${max}`,
      {
        cost,
        max,
      },
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
