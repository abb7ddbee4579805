import { AppError } from "@agentry/core";
import {
  getNullableType,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  isListType,
  type DocumentNode,
  type GraphQLSchema,
} from "graphql";
import type * as QueryComplexity from "graphql-query-complexity";
import type { ComplexityEstimator } from "graphql-query-complexity";
import { createRequire } from "node:module";
import type { RequestContext } from "./context.js";
import type { QueryCostLimiter } from "./query-cost-limiter.js";

// graphql-query-complexity's ESM build imports graphql's ESM files (graphql/index.mjs), while
// everything else here (type-graphql, graphql-ws) gets graphql's CommonJS build; graphql refuses a
// schema from the "other" copy. Its CommonJS build shares the one graphql everything else uses.
const { fieldExtensionsEstimator, getComplexity, simpleEstimator } = createRequire(import.meta.url)(
  "graphql-query-complexity",
) as typeof QueryComplexity;

/** Selections the library evaluates at most (fragments expanded) before it gives up counting. */
const MAX_QUERY_NODES = 10_000;

/**
 * How many items a list field with no length of its own is taken to return (a session's agents,
 * keys or members). Lists whose length an argument or a server-side cap decides declare it with
 * `listComplexity` (usageSeries by its range, messages by `last`, connections by `first`).
 */
export const ASSUMED_LIST_LENGTH = 20;

/**
 * The cost of a list field of `length` items (a number, or computed from the field's arguments):
 * its children once per item. Declared on the field (type-graphql's `complexity` option).
 */
export const listComplexity =
  (length: number | ((args: Readonly<Record<string, unknown>>) => number)): ComplexityEstimator =>
  ({ args, childComplexity }) =>
    1 + childComplexity * (typeof length === "number" ? length : length(args));

// Any other list: its children as often as ASSUMED_LIST_LENGTH says (a list is never 1 point).
const listEstimator: ComplexityEstimator = ({ field, childComplexity }) =>
  isListType(getNullableType(field.type)) ? 1 + childComplexity * ASSUMED_LIST_LENGTH : undefined;

/**
 * The cost of an operation: the values it can resolve. 1 per field, each list's children
 * multiplied by the items it can return (its declared length, else ASSUMED_LIST_LENGTH);
 * Infinity past MAX_QUERY_NODES selections. Undefined when the request is invalid in a way
 * execution reports better (no such operation, bad variables).
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
      estimators: [
        fieldExtensionsEstimator(),
        listEstimator,
        simpleEstimator({ defaultComplexity: 1 }),
      ],
    });
  } catch (error) {
    // With valid variables the library refuses (as a GraphQLError) only a query past
    // maxQueryNodes, which it stops counting: too complex, never "unknown, let it run".
    if (error instanceof GraphQLError) return Number.POSITIVE_INFINITY;
    throw error;
  }
}

const refusal = (error: AppError, status: number, headers?: Record<string, string>) =>
  new GraphQLError(error.message, {
    originalError: error,
    extensions: {
      code: error.code,
      http: {
        status,
        ...(headers === undefined ? {} : { headers: new Map(Object.entries(headers)) }),
      },
    },
  });

/** Throws BAD_USER_INPUT (HTTP 400) when `cost` (undefined: not counted) is more than `max`. */
export function assertWithinCost(cost: number | undefined, max: number): void {
  if (cost === undefined || cost <= max) return;
  const error = Number.isFinite(cost)
    ? new AppError(
        "BAD_USER_INPUT",
        `The query is too complex: cost ${cost}, at most ${max} (every list counts its items: ask for fewer, or a shorter range)`,
        { cost, max },
      )
    : new AppError(
        "BAD_USER_INPUT",
        `The query is too complex: over ${MAX_QUERY_NODES} fields, cost at most ${max}`,
        { max },
      );
  throw refusal(error, 400);
}

/** What a refused operation's caller is: a user, or (signed out) a client address. */
export const costPayer = (context: Pick<RequestContext, "viewer" | "clientAddress">): string =>
  context.viewer === null ? `address:${context.clientAddress}` : `user:${context.viewer.userId}`;

export interface CostPolicy {
  /** Highest cost one operation may have. */
  readonly maxCost: number;
  /** Each caller's per-minute spending of expensive operations. */
  readonly limiter: QueryCostLimiter;
}

/**
 * Spends `cost` of the payer's per-minute allowance of expensive operations; RATE_LIMITED (HTTP
 * 429, with retryAfter) when it is used up.
 */
export async function chargeCost(policy: CostPolicy, payer: string, cost: number): Promise<void> {
  const refused = await policy.limiter.charge(payer, cost);
  if (refused !== undefined) {
    throw refusal(refused, 429, { "retry-after": String(refused.details["retryAfter"]) });
  }
}
