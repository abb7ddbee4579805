import type { ApolloServerPlugin } from "@apollo/server";
import type { DocumentNode, GraphQLSchema } from "graphql";
import { checkOperationCost, costPayer, type CostPolicy } from "./complexity.js";
import type { RequestContext } from "./context.js";
import { assertTextInput } from "./text-input.js";

/**
 * What every operation passes before it runs, over HTTP and graphql-ws alike, in this order:
 * its arguments are text (BAD_USER_INPUT), its cost is within the cap (BAD_USER_INPUT) and
 * within its caller's per-minute allowance (RATE_LIMITED).
 */
export async function checkOperation(
  schema: GraphQLSchema,
  cost: CostPolicy,
  request: {
    readonly document: DocumentNode;
    readonly operationName: string | undefined;
    readonly variables: Record<string, unknown> | undefined;
    readonly context: Pick<RequestContext, "viewer" | "clientAddress">;
  },
): Promise<void> {
  assertTextInput(request.document, request.variables);
  await checkOperationCost(schema, cost, {
    document: request.document,
    operationName: request.operationName,
    variables: request.variables,
    payer: costPayer(request.context),
  });
}

/** checkOperation for Apollo (HTTP), once the operation is known and before it executes. */
export function operationChecksPlugin(
  schema: GraphQLSchema,
  cost: CostPolicy,
): ApolloServerPlugin<RequestContext> {
  return {
    requestDidStart({ contextValue }) {
      return Promise.resolve({
        async didResolveOperation({ request, document }) {
          await checkOperation(schema, cost, {
            document,
            operationName: request.operationName ?? undefined,
            variables: request.variables,
            context: contextValue,
          });
        },
      });
    },
  };
}
