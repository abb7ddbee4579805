import { ApolloServer, HeaderMap, type HTTPGraphQLResponse } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import type { PrismaClient } from "@agentry/prisma";
import { GraphQLError, OperationTypeNode, type GraphQLSchema } from "graphql";
import type { Redis } from "ioredis";
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { WebSocketServer } from "ws";
import { bearerToken } from "./auth/token.js";
import type { TokenRevocations } from "./auth/token-revocations.js";
import type { CostPolicy } from "./graphql/complexity.js";
import type { RequestContext } from "./graphql/context.js";
import { formatApolloError } from "./graphql/errors.js";
import { depthLimitRule, LIMITS } from "./graphql/limits.js";
import { loggingPlugin } from "./graphql/logging.js";
import { operationChecksPlugin } from "./graphql/operation-checks.js";
import { attachGraphQLWs } from "./graphql/ws.js";
import type { SocketLimits } from "./graphql/ws-limits.js";
import { clientAddress, type TrustedProxies } from "./http/client-address.js";
import { checkReadiness } from "./health/readiness.js";
import { applyCors } from "./http/cors.js";
import type { ApiMetrics } from "./metrics/api-metrics.js";
import { writeMetrics } from "./metrics/metrics-listener.js";
import { metricsPlugin } from "./metrics/metrics.plugin.js";
import type { AgentQueues } from "./agents/agent-queues.js";
import type { Services } from "./services.js";

/** What a running api needs: built by main.ts (or the test harness). */
export interface ApiDeps {
  readonly logger: Logger;
  readonly prisma: PrismaClient;
  /** A command connection (readiness PING). */
  readonly redis: Redis;
  readonly schema: GraphQLSchema;
  readonly services: Services;
  /** Producers to close once the server has drained. */
  readonly queues: AgentQueues;
  readonly limits: ApiLimits;
  /** Revoked tokens, announced by any api process: their graphql-ws connections are closed. */
  readonly revocations: TokenRevocations;
  /** Operators' metrics (README: Metrics), on this process's registry. */
  readonly metrics: ApiMetrics;
}

/** The api's abuse limits and exposure, from its configuration. */
export interface ApiLimits {
  /** Query cost: per operation, and per caller per minute. */
  readonly cost: CostPolicy;
  readonly sockets: SocketLimits;
  /** Reverse proxies whose X-Forwarded-For names the client (TRUSTED_PROXIES). */
  readonly trustedProxies: TrustedProxies;
  /** Introspection and "Did you mean …" suggestions (off in production unless enabled). */
  readonly schemaOpen: boolean;
  /** /metrics on the public port too (METRICS_ON_PUBLIC_PORT); else only on its own listener. */
  readonly metricsOnPublicPort: boolean;
}

export interface StartOptions {
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly host?: string;
  /** Browser origins allowed to call the api cross-origin (CORS); none by default. */
  readonly corsOrigins?: ReadonlySet<string>;
}

export interface RunningApi {
  /** The GraphQL endpoint over HTTP, e.g. http://127.0.0.1:4000/graphql. */
  readonly url: string;
  /** The same endpoint for graphql-ws, e.g. ws://127.0.0.1:4000/graphql. */
  readonly wsUrl: string;
  /** Stops accepting, drains graphql-ws and in-flight requests, stops Apollo. Leaves Prisma/Redis open. */
  close(): Promise<void>;
}

const GRAPHQL_PATH = "/graphql";

class BodyTooLargeError extends Error {}

/** Reads a request body up to `max` bytes; past that, drains (bounded) and throws BodyTooLargeError. */
async function readBody(req: IncomingMessage, max: number): Promise<string> {
  const declared = Number(req.headers["content-length"] ?? "0");
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = declared > max;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) tooLarge = true;
    // A client that keeps sending far past the cap is cut off instead of drained.
    if (size > max * 8) {
      req.destroy();
      break;
    }
    if (!tooLarge) chunks.push(chunk);
  }
  if (tooLarge) throw new BodyTooLargeError();
  return Buffer.concat(chunks).toString("utf8");
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(text);
}

const requestError = (message: string) => ({
  errors: [{ message, extensions: { code: "BAD_USER_INPUT" } }],
});

async function writeApolloResponse(
  res: ServerResponse,
  response: HTTPGraphQLResponse,
): Promise<void> {
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === "complete") {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

/**
 * Starts the api: one node:http server with GraphQL (Apollo) over HTTP and graphql-ws on the
 * same port and path, plus /healthz (liveness) and /readyz (Postgres and Redis answer).
 */
export async function startApi(deps: ApiDeps, options: StartOptions): Promise<RunningApi> {
  const { logger, schema, services } = deps;
  const httpServer = createServer();
  const wsServer = new WebSocketServer({
    server: httpServer,
    path: GRAPHQL_PATH,
    maxPayload: LIMITS.maxBodyBytes,
  });
  const ws = attachGraphQLWs(wsServer, {
    schema,
    services,
    logger,
    limits: deps.limits,
    revocations: deps.revocations,
    metrics: deps.metrics,
  });

  const apollo = new ApolloServer<RequestContext>({
    schema,
    introspection: deps.limits.schemaOpen,
    hideSchemaDetailsFromClientErrors: !deps.limits.schemaOpen,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    // main.ts owns shutdown (Apollo's own signal handlers would race it and re-raise the signal).
    stopOnTerminationSignals: false,
    formatError: formatApolloError,
    validationRules: [depthLimitRule()],
    logger: logger.child({ component: "apollo" }),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      {
        serverWillStart() {
          return Promise.resolve({
            async drainServer() {
              await ws.dispose();
            },
          });
        },
      },
      operationChecksPlugin(schema, deps.limits.cost),
      {
        // Subscriptions are served over graphql-ws. Over HTTP one would run as a query with no
        // event to resolve and fail as INTERNAL: refuse it as the client's mistake instead.
        requestDidStart() {
          return Promise.resolve({
            didResolveOperation({ operation }) {
              if (operation?.operation === OperationTypeNode.SUBSCRIPTION) {
                throw new GraphQLError(
                  "Subscriptions are served over graphql-ws (a WebSocket to this same URL), not over HTTP",
                  { extensions: { code: "BAD_USER_INPUT", http: { status: 400 } } },
                );
              }
              return Promise.resolve();
            },
          });
        },
      },
      loggingPlugin(),
      metricsPlugin(deps.metrics),
    ],
  });
  await apollo.start();

  const contextFor = async (req: IncomingMessage, requestId: string): Promise<RequestContext> => {
    const authorization = req.headers.authorization;
    const token = bearerToken(authorization);
    const viewer = token === undefined ? null : await services.auth.authenticate(token);
    return {
      requestId,
      viewer,
      tokenRefused: authorization !== undefined && viewer === null,
      clientAddress: clientAddress(req, deps.limits.trustedProxies),
      logger: logger.child({ requestId }),
      realtime: services.realtime,
    };
  };

  const handleGraphQL = async (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
  ): Promise<void> => {
    const requestId = randomUUID();
    res.setHeader("x-request-id", requestId);
    const method = (req.method ?? "GET").toUpperCase();
    let body: unknown;
    if (method === "POST") {
      let text: string;
      try {
        text = await readBody(req, LIMITS.maxBodyBytes);
      } catch (error) {
        if (!(error instanceof BodyTooLargeError)) throw error;
        sendJson(res, 413, requestError("The request body is too large (at most 1 MB)"), {
          connection: "close",
        });
        return;
      }
      const type = req.headers["content-type"] ?? "";
      if (/^application\/(graphql-response\+)?json/i.test(type)) {
        try {
          body = text === "" ? undefined : JSON.parse(text);
        } catch {
          sendJson(res, 400, requestError("The request body is not valid JSON"));
          return;
        }
      } else {
        body = text;
      }
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method, headers, search: url.search, body },
      context: () => contextFor(req, requestId),
    });
    await writeApolloResponse(res, response);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/healthz") {
      sendJson(res, 200, { status: "ok" });
      return;
    }
    if (url.pathname === "/readyz") {
      const readiness = await checkReadiness(deps);
      sendJson(res, readiness.ready ? 200 : 503, {
        status: readiness.ready ? "ready" : "unavailable",
        checks: readiness.checks,
      });
      return;
    }
    if (url.pathname === "/metrics" && deps.limits.metricsOnPublicPort) {
      await writeMetrics(deps.metrics.registry, res);
      return;
    }
    if (url.pathname === GRAPHQL_PATH) {
      if (applyCors(req, res, options.corsOrigins ?? new Set())) return;
      await handleGraphQL(req, res, url);
      return;
    }
    sendJson(res, 404, { error: "Not found" });
  };

  httpServer.on("request", (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      logger.error(
        {
          errorName: error instanceof Error ? error.name : typeof error,
          errorMessage: error instanceof Error ? error.message : undefined,
        },
        "request handling failed",
      );
      if (!res.headersSent)
        sendJson(res, 500, {
          errors: [{ message: "Internal server error", extensions: { code: "INTERNAL" } }],
        });
      else res.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(options.port, options.host ?? "127.0.0.1", () => {
      httpServer.off("error", reject);
      resolve();
    });
  });
  const address = httpServer.address() as AddressInfo;
  const wildcard = address.address === "0.0.0.0" || address.address === "::";
  const host = wildcard
    ? "localhost"
    : address.family === "IPv6"
      ? `[${address.address}]`
      : address.address;
  const base = `${host}:${address.port}${GRAPHQL_PATH}`;
  logger.info({ port: address.port, host: address.address }, "api listening");

  let closing: Promise<void> | undefined;
  return {
    url: `http://${base}`,
    wsUrl: `ws://${base}`,
    close: () => {
      // Apollo's drain plugins close the HTTP server (waiting for in-flight requests) and graphql-ws.
      closing ??= apollo.stop().then(() => deps.queues.close());
      return closing;
    },
  };
}
