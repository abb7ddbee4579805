import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  OperationTypeNode,
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
import type { WebSocket, WebSocketServer } from "ws";
import { bearerToken } from "../auth/token.js";
import type { TokenRevocations } from "../auth/token-revocations.js";
import { clientAddress } from "../http/client-address.js";
import type { ApiMetrics } from "../metrics/api-metrics.js";
import type { ApiLimits } from "../server.js";
import type { Services } from "../services.js";
import type { RequestContext, Viewer } from "./context.js";
import { classifyError, toFormattedError, type ClassifiedError } from "./errors.js";
import { depthLimitRule } from "./limits.js";
import { logOperation, logUnexpected } from "./logging.js";
import { checkOperation } from "./operation-checks.js";
import { SocketLimiter, TOO_MANY_CONNECTIONS } from "./ws-limits.js";

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

/** What a graphql-ws connection carries besides the socket: who authenticated it, from where. */
// A type alias (not an interface): graphql-ws wants it assignable to a record.
type ConnectionExtra = { viewer?: Viewer; clientAddress?: string };

/** The close code for a revoked token's connections (as for a refused token). */
const FORBIDDEN = 4403;

/** Per operation: what the log line needs at completion. */
interface OperationState {
  /** Carries the operation's request id. */
  readonly logger: Logger;
  readonly started: number;
  readonly operationName: string | null;
  readonly operationType: string | null;
  errors: ClassifiedError[];
}

// graphql-js' suggestions name fields and types the client did not ask about.
const withoutSuggestions = (errors: readonly GraphQLError[]): GraphQLError[] =>
  errors.map(
    (error) =>
      new GraphQLError(error.message.replace(/ ?Did you mean(.+?)\?$/, ""), {
        ...(error.nodes === undefined ? {} : { nodes: error.nodes }),
        ...(error.source === undefined ? {} : { source: error.source }),
        ...(error.positions === undefined ? {} : { positions: error.positions }),
        extensions: error.extensions,
      }),
  );

/**
 * graphql-ws on the api's WebSocket server. A connection authenticates once, in onConnect, with
 * `connectionParams.authorization: "Bearer <token>"`; without a valid token it is closed with
 * 4403, and so is every connection of a token revoked later (on any api process). A user holds
 * at most `maxSocketsPerUser` connections here (more are closed with 4429), each with at most
 * `maxOperationsPerSocket` operations at once, started at most `operationsPerMinute` a minute.
 * Every operation is parsed and validated with the HTTP path's limits (depth, text, cost), and
 * its errors are shaped by the same table as HTTP's.
 */
export function attachGraphQLWs(
  wsServer: WebSocketServer,
  deps: {
    readonly schema: GraphQLSchema;
    readonly services: Services;
    readonly logger: Logger;
    readonly limits: ApiLimits;
    readonly revocations: TokenRevocations;
    readonly metrics: ApiMetrics;
  },
): Disposable {
  const { schema, services, logger, limits } = deps;
  const validationRules = [
    ...specifiedRules,
    depthLimitRule(),
    ...(limits.schemaOpen ? [] : [NoSchemaIntrospectionCustomRule]),
  ];
  const operations = new Map<string, OperationState>();
  deps.metrics.watchWebSockets({
    connections: () => wsServer.clients.size,
    subscriptions: () =>
      [...operations.values()].filter((op) => op.operationType === OperationTypeNode.SUBSCRIPTION)
        .length,
  });
  // Operation ids are per connection; the socket object keys them apart.
  const socketIds = new WeakMap<object, string>();
  const keyOf = (socket: object, id: string): string => `${socketIds.get(socket) ?? "?"}:${id}`;
  const sockets = new SocketLimiter(limits.sockets);
  // The open connections of each token, to close them when it is revoked.
  const socketsByToken = new Map<string, Set<WebSocket>>();
  // Revoked connections still answering a query or mutation (signOut itself, say): they close
  // once it is answered.
  const closingAfterReplies = new Map<string, WebSocket>();
  const answering = (socketId: string): boolean =>
    [...operations].some(
      ([key, state]) =>
        key.startsWith(`${socketId}:`) && state.operationType !== OperationTypeNode.SUBSCRIPTION,
    );
  const closeRevoked = (socket: WebSocket): void => {
    const socketId = socketIds.get(socket) ?? "?";
    if (answering(socketId)) closingAfterReplies.set(socketId, socket);
    else socket.close(FORBIDDEN, "Token revoked");
  };
  const stopListening = deps.revocations.onRevoked((tokenId) => {
    for (const socket of socketsByToken.get(tokenId) ?? []) closeRevoked(socket);
  });

  const finish = (key: string, viewer: Viewer | undefined): void => {
    const state = operations.get(key);
    if (state === undefined) return;
    operations.delete(key);
    const socketId = key.slice(0, key.indexOf(":"));
    const revoked = closingAfterReplies.get(socketId);
    if (revoked !== undefined && !answering(socketId)) {
      closingAfterReplies.delete(socketId);
      revoked.close(FORBIDDEN, "Token revoked");
    }
    const entry = {
      transport: "ws",
      operationName: state.operationName,
      operationType: state.operationType,
      userId: viewer?.userId ?? null,
      durationMs: performance.now() - state.started,
      errors: state.errors,
    } as const;
    logOperation(state.logger, entry);
    deps.metrics.operationFinished(entry);
  };

  const classify = (state: OperationState | undefined, errors: readonly unknown[]) => {
    return errors.map((error) => {
      const classified = classifyError(error);
      if (classified.unexpected) logUnexpected(state?.logger ?? logger, error);
      state?.errors.push(classified);
      return toFormattedError(error);
    });
  };

  const server = useServer<Record<string, unknown> | undefined, ConnectionExtra>(
    {
      schema,
      onConnect: async (ctx) => {
        socketIds.set(ctx.extra.socket, randomUUID());
        ctx.extra.clientAddress = clientAddress(ctx.extra.request, limits.trustedProxies);
        const authorization = ctx.connectionParams?.["authorization"];
        const token = typeof authorization === "string" ? bearerToken(authorization) : undefined;
        const viewer = token === undefined ? null : await services.auth.authenticate(token);
        if (viewer === null) {
          logger.info({ transport: "ws" }, "connection refused: no valid token");
          return false;
        }
        // Gone while the token was checked: onClose has run already, so nothing is counted.
        if (ctx.extra.socket.readyState !== ctx.extra.socket.OPEN) return false;
        if (!sockets.admitSocket(viewer.userId)) {
          logger.info(
            { transport: "ws", userId: viewer.userId },
            "connection refused: too many connections",
          );
          ctx.extra.socket.close(
            TOO_MANY_CONNECTIONS,
            `Too many connections: at most ${limits.sockets.maxSocketsPerUser} per user`,
          );
          return false;
        }
        ctx.extra.viewer = viewer;
        const ofToken = socketsByToken.get(viewer.tokenId) ?? new Set<WebSocket>();
        ofToken.add(ctx.extra.socket);
        socketsByToken.set(viewer.tokenId, ofToken);
        return true;
      },
      onSubscribe: async (ctx, id, payload) => {
        // Counted before anything else is done: ctx.subscriptions holds every operation in
        // flight on this socket, this one included.
        const refused = sockets.refuseOperation(
          ctx.extra.socket,
          Object.keys(ctx.subscriptions).length,
        );
        if (refused !== undefined) {
          return [new GraphQLError(refused.message, { originalError: refused })];
        }
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
        const validationErrors = validate(schema, document, validationRules);
        if (validationErrors.length > 0) {
          return withCode(
            limits.schemaOpen ? validationErrors : withoutSuggestions(validationErrors),
            "GRAPHQL_VALIDATION_FAILED",
          );
        }
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
        // A token revoked since the connection opened starts nothing new.
        const viewer = ctx.extra.viewer;
        const current =
          viewer !== undefined && (await services.auth.isTokenActive(viewer.tokenId))
            ? viewer
            : null;
        const address = ctx.extra.clientAddress ?? "unknown";
        try {
          await checkOperation(schema, limits.cost, {
            document,
            operationName: payload.operationName ?? undefined,
            variables: payload.variables ?? undefined,
            context: { viewer: current, clientAddress: address },
          });
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        const contextValue: RequestContext = {
          requestId,
          viewer: current,
          tokenRefused: current === null,
          clientAddress: address,
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
        closingAfterReplies.delete(socketIds.get(ctx.extra.socket) ?? "?");
        const viewer = ctx.extra.viewer;
        if (viewer !== undefined) {
          sockets.releaseSocket(viewer.userId);
          const ofToken = socketsByToken.get(viewer.tokenId);
          ofToken?.delete(ctx.extra.socket);
          if (ofToken?.size === 0) socketsByToken.delete(viewer.tokenId);
        }
      },
    },
    wsServer,
  );
  return {
    dispose: async () => {
      stopListening();
      await server.dispose();
    },
  };
}
