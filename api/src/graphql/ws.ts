import { GraphQLError, OperationTypeNode, type FormattedExecutionResult } from "graphql";
import type { Disposable } from "graphql-ws";
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { WebSocket, WebSocketServer } from "ws";
import { bearerToken } from "../auth/token.js";
import type { TokenRevocations } from "../auth/token-revocations.js";
import { clientAddress } from "../http/client-address.js";
import type { ApiMetrics } from "../metrics/api-metrics.js";
import { VIEWER_INDEPENDENT_SUBSCRIPTIONS } from "../realtime/realtime.service.js";
import type { ApiLimits } from "../server.js";
import type { Services } from "../services.js";
import type { Viewer } from "./context.js";
import type { OperationPipeline, OperationTrace } from "./operation-pipeline.js";
import { createSharedSubscribe } from "./shared-subscribe.js";
import { SocketLimiter, TOO_MANY_CONNECTIONS } from "./ws-limits.js";
import { serveGraphQLWs } from "./ws-transport.js";

/** What a graphql-ws connection carries besides the socket: who authenticated it, from where. */
// A type alias (not an interface): graphql-ws wants it assignable to a record.
type ConnectionExtra = { viewer?: Viewer; clientAddress?: string };

/** The close code for a revoked token's connections (as for a refused token). */
const FORBIDDEN = 4403;

/**
 * graphql-ws on the api's WebSocket server. A connection authenticates once, in onConnect, with
 * `connectionParams.authorization: "Bearer <token>"`; without a valid token it is closed with
 * 4403, and so is every connection of a token revoked later (on any api process). A user holds
 * at most `maxSocketsPerUser` connections here (more are closed with 4429), each with at most
 * `maxOperationsPerSocket` operations at once, started at most `operationsPerMinute` a minute.
 * Every operation takes the HTTP path's pipeline (operation-pipeline.ts): the same cached
 * documents, limits (depth, text, cost), context, error shapes and log line.
 */
export function attachGraphQLWs(
  wsServer: WebSocketServer,
  deps: {
    readonly pipeline: OperationPipeline;
    readonly services: Services;
    readonly logger: Logger;
    readonly limits: ApiLimits;
    readonly revocations: TokenRevocations;
    readonly metrics: ApiMetrics;
  },
): Disposable {
  const { pipeline, services, logger, limits } = deps;
  const operations = new Map<string, OperationTrace>();
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

  const finish = (key: string): void => {
    const trace = operations.get(key);
    if (trace === undefined) return;
    operations.delete(key);
    const socketId = key.slice(0, key.indexOf(":"));
    const revoked = closingAfterReplies.get(socketId);
    if (revoked !== undefined && !answering(socketId)) {
      closingAfterReplies.delete(socketId);
      revoked.close(FORBIDDEN, "Token revoked");
    }
    pipeline.end(trace);
  };

  const server = serveGraphQLWs<Record<string, unknown> | undefined, ConnectionExtra>(
    {
      // An event of agentEvents or sessionUsage is executed once for all its subscribers.
      subscribe: createSharedSubscribe(VIEWER_INDEPENDENT_SUBSCRIPTIONS),
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
        const trace = pipeline.begin("ws");
        operations.set(keyOf(ctx.extra.socket, id), trace);
        // A token revoked since the connection opened starts nothing new.
        const viewer = ctx.extra.viewer;
        const current =
          viewer !== undefined && (await services.auth.isTokenLive(viewer.tokenId)) ? viewer : null;
        const prepared = await pipeline.prepare(
          trace,
          {
            query: payload.query,
            operationName: payload.operationName,
            variables: payload.variables,
          },
          {
            viewer: current,
            tokenRefused: current === null,
            clientAddress: ctx.extra.clientAddress ?? "unknown",
          },
          { transport: "ws" },
        );
        // The log line names the connection's user, whether or not the token still works.
        trace.viewer = viewer ?? null;
        return prepared.ok ? prepared.args : [...prepared.errors];
      },
      onNext: (ctx, id, _payload, _args, result) => {
        if (result.errors === undefined || result.errors.length === 0) return undefined;
        const trace = operations.get(keyOf(ctx.extra.socket, id));
        const formatted: FormattedExecutionResult = {
          errors: pipeline.format(trace, result.errors),
        };
        if (result.data !== undefined) formatted.data = result.data;
        return formatted;
      },
      onError: (ctx, id, _payload, errors) => {
        const key = keyOf(ctx.extra.socket, id);
        const formatted = pipeline.format(operations.get(key), errors);
        finish(key);
        return formatted;
      },
      onComplete: (ctx, id) => {
        finish(keyOf(ctx.extra.socket, id));
      },
      onClose: (ctx) => {
        const prefix = `${socketIds.get(ctx.extra.socket) ?? "?"}:`;
        for (const key of [...operations.keys()]) {
          if (key.startsWith(prefix)) finish(key);
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
    { logger },
  );
  return {
    dispose: async () => {
      stopListening();
      await server.dispose();
    },
  };
}
