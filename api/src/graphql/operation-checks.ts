import type { GraphQLSchema, OperationDefinitionNode } from "graphql";
import {
  assertWithinCost,
  chargeCost,
  costPayer,
  operationComplexity,
  type CostPolicy,
} from "./complexity.js";
import type { RequestContext } from "./context.js";
import type { ValidDocument } from "./document-cache.js";
import { badTextError } from "./text-input.js";

/**
 * What every operation passes before it runs, over HTTP and graphql-ws alike, in this order:
 * its arguments are text (BAD_USER_INPUT), its cost is within the cap (BAD_USER_INPUT) and
 * within its caller's per-minute allowance (RATE_LIMITED). A cached document's own part of
 * these (its literals, the cost of an operation without variables) is worked out once.
 */
export async function checkOperation(
  schema: GraphQLSchema,
  policy: CostPolicy,
  request: {
    readonly valid: ValidDocument;
    /** The operation that runs; null when the document does not say which (refused later). */
    readonly operation: OperationDefinitionNode | null;
    readonly operationName: string | undefined;
    readonly variables: Record<string, unknown> | undefined;
    readonly context: Pick<RequestContext, "viewer" | "clientAddress">;
  },
): Promise<void> {
  const { valid, operation, operationName, variables } = request;
  const badField = valid.textCheck(variables ?? {});
  if (badField !== undefined) throw badTextError(badField);
  if (operation === null) return;
  let cost: number | undefined;
  if ((operation.variableDefinitions ?? []).length === 0) {
    // No variables: the cost is the document's alone.
    const key = operation.name?.value ?? "";
    if (valid.costs.has(key)) cost = valid.costs.get(key);
    else {
      cost = operationComplexity(schema, valid.document, operationName, undefined);
      valid.costs.set(key, cost);
    }
  } else {
    cost = operationComplexity(schema, valid.document, operationName, variables);
  }
  assertWithinCost(cost, policy.maxCost);
  await chargeCost(policy, costPayer(request.context), cost ?? 0);
}
