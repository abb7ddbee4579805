import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type ExecutionArgs,
  type FormattedExecutionResult,
  type GraphQLSchema,
} from "graphql";
import type { Disposable } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { WebSocketServer } from "ws";
import { bearerToken } from "../auth/token.js";
import type { Services } from "../services.js";
import { assertComplexity } from "./complexity.js";
import type { RequestContext, Viewer } from "./context.js";
import { classifyError, toFormattedError, type ClassifiedError } from "./errors.js";
import { depthLimitRule } from "./limits.js";
import { logOperation, logUnexpected } from "./logging.js";

/** graphql-js' own request errors carry no code; give them the one Apollo would. */
const withCode = (errors: readonly GraphQLError[], code: string): GraphQLError[] =>
  errors.map(
    (error) =>
      new GraphQLError(error.message, {
        ...(error.nodes === undefined ? {} : { nodes: error.nodes }),
        ...(error.source === undefined ? {} : { source: error.source }),
        ...(error.positions === undefined ? {} : { positions: error.positions }),
        originalError: error,
        extensions: { ...error.extensions, code },
      }),
  );

/** What a graphql-ws connection carries besides the socket: who authenticated it. */
// A type alias (not an interface): graphql-ws wants it assignable to a record.
type ConnectionExtra = { viewer?: Viewer };

/** Per operation: what the log line needs at completion. */
interface OperationState {
  /** Carries the operation's request id. */
  readonly logger: Logger;
  readonly started: number;
  readonly operationName: string | null;
  readonly operationType: string | null;
  errors: ClassifiedError[];
}

const VALIDATION_RULES = [...specifiedRules, depthLimitRule()];

/**
 * graphql-ws on the api's WebSocket server. A connection authenticates once, in onConnect, with
 * `connectionParams.authorization: "Bearer <token>"`; without a valid token it is closed with
 * 4403. Every operation is parsed and validated with the HTTP path's limits (depth,
 * complexity), and its errors are shaped by the same table as HTTP's.
 */
export function attachGraphQLWs(
  wsServer: WebSocketServer,
  deps: { readonly schema: GraphQLSchema; readonly services: Services; readonly logger: Logger },
): Disposable {
  const { schema, services, logger } = deps;
  const operations = new Map<string, OperationState>();
  // Operation ids are per connection; the socket object keys them apart.
  const keyOf = (socket: object, id: string): string => `${socketIds.get(socket) ?? "?"}:${id}`;
  const socketIds = new WeakMap<object, string>();

  const finish = (key: string, viewer: Viewer | undefined): void => {
    const state = operations.get(key);
    if (state === undefined) return;
    operations.delete(key);
    logOperation(state.logger, {
      transport: "ws",
      operationName: state.operationName,
      operationType: state.operationType,
      userId: viewer?.userId ?? null,
      durationMs: performance.now() - state.started,
      errors: state.errors,
    });
  };

  const classify = (state: OperationState | undefined, errors: readonly unknown[]) => {
    return errors.map((error) => {
      const classified = classifyError(error);
      if (classified.unexpected) logUnexpected(state?.logger ?? logger, error);
      state?.errors.push(classified);
      return toFormattedError(error);
    });
  };

  return useServer<Record<string, unknown> | undefined, ConnectionExtra>(
    {
      schema,
      onConnect: async (ctx) => {
        socketIds.set(ctx.extra.socket, randomUUID());
        const authorization = ctx.connectionParams?.["authorization"];
        const token = typeof authorization === "string" ? bearerToken(authorization) : undefined;
        const viewer = token === undefined ? null : await services.auth.authenticate(token);
        if (viewer === null) {
          logger.info({ transport: "ws" }, "connection refused: no valid token");
          return false;
        }
        ctx.extra.viewer = viewer;
        return true;
      },
      onSubscribe: async (ctx, id, payload) => {
        const requestId = randomUUID();
        const operationLogger = logger.child({ requestId });
        const key = keyOf(ctx.extra.socket, id);
        const state: OperationState = {
          logger: operationLogger,
          started: performance.now(),
          // The name is logged once the document shows it: payload.operationName is whatever the
          // client sent, which need not name anything (and could be anything).
          operationName: null,
          operationType: null,
          errors: [],
        };
        operations.set(key, state);
        let document;
        try {
          document = parse(payload.query);
        } catch (error) {
          if (error instanceof GraphQLError) return withCode([error], "GRAPHQL_PARSE_FAILED");
          // The parser recurses per nesting level: a document nested thousands deep overflows the
          // stack, which would close the whole connection as an internal error.
          if (error instanceof RangeError) {
            return [
              new GraphQLError("The query is nested too deeply to parse", {
                extensions: { code: "BAD_USER_INPUT" },
              }),
            ];
          }
          throw error;
        }
        const validationErrors = validate(schema, document, VALIDATION_RULES);
        if (validationErrors.length > 0)
          return withCode(validationErrors, "GRAPHQL_VALIDATION_FAILED");
        const operation = getOperationAST(document, payload.operationName);
        if (operation === null || operation === undefined) {
          return [
            new GraphQLError("Unable to identify the operation", {
              extensions: { code: "BAD_USER_INPUT" },
            }),
          ];
        }
        operations.set(key, {
          ...state,
          operationName: operation.name?.value ?? null,
          operationType: operation.operation,
        });
        const coerced = getVariableValues(
          schema,
          operation.variableDefinitions ?? [],
          payload.variables ?? {},
        );
        if (coerced.errors !== undefined) return withCode(coerced.errors, "BAD_USER_INPUT");
        try {
          assertComplexity(
            schema,
            document,
            payload.operationName ?? undefined,
            payload.variables ?? undefined,
          );
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        // A token revoked since the connection opened starts nothing new.
        const viewer = ctx.extra.viewer;
        const current =
          viewer !== undefined && (await services.auth.isTokenActive(viewer.tokenId))
            ? viewer
            : null;
        const contextValue: RequestContext = {
          requestId,
          viewer: current,
          tokenRefused: current === null,
          logger: operationLogger,
          realtime: services.realtime,
        };
        const args: ExecutionArgs = {
          schema,
          document,
          contextValue,
          ...(payload.operationName === undefined || payload.operationName === null
            ? {}
            : { operationName: payload.operationName }),
          ...(payload.variables === undefined || payload.variables === null
            ? {}
            : { variableValues: payload.variables }),
        };
        return args;
      },
      onNext: (ctx, id, _payload, _args, result) => {
        if (result.errors === undefined || result.errors.length === 0) return undefined;
        const state = operations.get(keyOf(ctx.extra.socket, id));
        const formatted: FormattedExecutionResult = { errors: classify(state, result.errors) };
        if (result.data !== undefined) formatted.data = result.data;
        return formatted;
      },
      onError: (ctx, id, _payload, errors) => {
        const key = keyOf(ctx.extra.socket, id);
        const formatted = classify(operations.get(key), errors);
        finish(key, ctx.extra.viewer);
        return formatted;
      },
      onComplete: (ctx, id) => {
        finish(keyOf(ctx.extra.socket, id), ctx.extra.viewer);
      },
      onClose: (ctx) => {
        const prefix = `${socketIds.get(ctx.extra.socket) ?? "?"}:`;
        for (const key of [...operations.keys()]) {
          if (key.startsWith(prefix)) finish(key, ctx.extra.viewer);
        }
      },
    },
    wsServer,
  );
}
