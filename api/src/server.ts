import type { PrismaClient } from "@agentry/prisma";
import type { GraphQLSchema } from "graphql";
import type { Redis } from "ioredis";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { WebSocketServer } from "ws";
import { bearerToken } from "./auth/token.js";
import type { TokenRevocations } from "./auth/token-revocations.js";
import type { CostPolicy } from "./graphql/complexity.js";
import { LIMITS } from "./graphql/limits.js";
import { OperationPipeline, type Caller } from "./graphql/operation-pipeline.js";
import { attachGraphQLWs } from "./graphql/ws.js";
import type { SocketLimits } from "./graphql/ws-limits.js";
import { clientAddress, type TrustedProxies } from "./http/client-address.js";
import { createGraphQLHttpHandler } from "./http/graphql-http.js";
import { checkReadiness } from "./health/readiness.js";
import { applyCors } from "./http/cors.js";
import type { ApiMetrics } from "./metrics/api-metrics.js";
import { writeMetrics } from "./metrics/metrics-listener.js";
import type { AgentQueues } from "./agents/agent-queues.js";
import type { CredentialChecks } from "./credentials/credential-checks.js";
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
  /** Credential checks' producer and listener, closed with the queues. */
  readonly credentialChecks: CredentialChecks;
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
  /** Stops accepting, drains graphql-ws and in-flight requests. Leaves Prisma/Redis open. */
  close(): Promise<void>;
}

const GRAPHQL_PATH = "/graphql";

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

/** How long a stop waits for requests in flight before it closes their connections. */
const DRAIN_GRACE_MS = 10_000;

/** Stops accepting, lets requests in flight finish (closing idle connections), then closes the rest. */
async function drainHttp(httpServer: ReturnType<typeof createServer>): Promise<void> {
  const closed = new Promise<void>((resolve) => {
    httpServer.close(() => {
      resolve();
    });
  });
  httpServer.closeIdleConnections();
  const force = setTimeout(() => {
    httpServer.closeAllConnections();
  }, DRAIN_GRACE_MS);
  try {
    await closed;
  } finally {
    clearTimeout(force);
  }
}

/**
 * Starts the api: one node:http server with GraphQL over HTTP and graphql-ws on the same port
 * and path, both on one operation pipeline, plus /healthz (liveness) and /readyz (Postgres and
 * Redis answer).
 */
export async function startApi(deps: ApiDeps, options: StartOptions): Promise<RunningApi> {
  const { logger, schema, services } = deps;
  const httpServer = createServer();
  const wsServer = new WebSocketServer({
    server: httpServer,
    path: GRAPHQL_PATH,
    maxPayload: LIMITS.maxBodyBytes,
  });
  const pipeline = new OperationPipeline({
    schema,
    services,
    logger,
    cost: deps.limits.cost,
    schemaOpen: deps.limits.schemaOpen,
    metrics: deps.metrics,
  });
  const ws = attachGraphQLWs(wsServer, {
    pipeline,
    services,
    logger,
    limits: deps.limits,
    revocations: deps.revocations,
    metrics: deps.metrics,
  });
  const handleGraphQL = createGraphQLHttpHandler({
    pipeline,
    callerOf: async (req: IncomingMessage): Promise<Caller> => {
      const authorization = req.headers.authorization;
      const token = bearerToken(authorization);
      const viewer = token === undefined ? null : await services.auth.authenticate(token);
      return {
        viewer,
        tokenRefused: authorization !== undefined && viewer === null,
        clientAddress: clientAddress(req, deps.limits.trustedProxies),
      };
    },
  });

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
      closing ??= Promise.all([ws.dispose(), drainHttp(httpServer)]).then(() =>
        Promise.all([deps.queues.close(), deps.credentialChecks.close()]).then(() => undefined),
      );
      return closing;
    },
  };
}
