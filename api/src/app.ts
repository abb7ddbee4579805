import {
  AgentEventLog,
  AgentRunLog,
  createOutageLog,
  SignInStore,
  systemKeysFromEnv,
  type OutageLog,
  type SealingVault,
} from "@agentry/core";
import type { PrismaClient } from "@agentry/prisma";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { Registry } from "prom-client";
import type { ApiConfig } from "./config.js";
import { createAgentQueues } from "./agents/agent-queues.js";
import { SignInGuard } from "./auth/sign-in-guard.js";
import { createTokenRevocations } from "./auth/token-revocations.js";
import { createCredentialChecks } from "./credentials/credential-checks.js";
import { createTopicPubSub } from "./graphql/pubsub.js";
import { QueryCostLimiter } from "./graphql/query-cost-limiter.js";
import { parseTrustedProxies } from "./http/client-address.js";
import { createApiMetrics, type ApiMetrics } from "./metrics/api-metrics.js";
import { buildApiSchema } from "./graphql/schema.js";
import type { RealtimeOptions } from "./realtime/realtime.service.js";
import type { ApiDeps, ApiLimits } from "./server.js";
import { createServices } from "./services.js";

/** The clients the api runs on, built by main.ts (or the test harness). */
export interface ApiInfra {
  readonly config: ApiConfig;
  readonly logger: Logger;
  readonly prisma: PrismaClient;
  /** Commands, PUBLISH and the readiness PING. */
  readonly redis: Redis;
  /** Subscriptions only (a subscribed Redis connection can do nothing else). */
  readonly redisSubscriber: Redis;
  readonly vault: SealingVault;
  /** Prefix of pub/sub channels and agent-event keys; "" in production, unique per test file. */
  readonly namespace?: string;
  readonly realtime?: RealtimeOptions;
  /** Where Redis outages are logged once each (the Redis clients report to it too). */
  readonly outages?: OutageLog;
  /** The process's metrics (main.ts builds them on its registry); default: a registry of their own. */
  readonly metrics?: ApiMetrics;
}

/** Whether clients may see the schema (introspection, suggestions): off in production by default. */
export const schemaOpen = (config: ApiConfig): boolean =>
  config.GRAPHQL_INTROSPECTION ?? config.NODE_ENV !== "production";

/** Builds services and schema on the clients: everything startApi needs. */
export async function composeApi(infra: ApiInfra): Promise<ApiDeps> {
  const { config, logger, prisma, redis } = infra;
  const namespace = infra.namespace ?? "";
  const pubsub = createTopicPubSub({
    subscribeClient: infra.redisSubscriber,
    namespace,
    logger: logger.child({ component: "realtime" }),
  });
  const outages = infra.outages ?? createOutageLog(logger, "redis");
  const queues = createAgentQueues(config.REDIS_URL, namespace, outages);
  const credentialChecks = createCredentialChecks({
    redisUrl: config.REDIS_URL,
    namespace,
    verifyTimeoutMs: config.VERIFY_TIMEOUT_MS,
    logger: logger.child({ component: "credential-checks" }),
    outages,
  });
  const revocations = createTokenRevocations({
    publisher: redis,
    subscriber: infra.redisSubscriber,
    namespace,
    logger,
  });
  const limits: ApiLimits = {
    cost: {
      maxCost: config.QUERY_COST_MAX,
      limiter: new QueryCostLimiter(redis, namespace, config.QUERY_COST_PER_MINUTE),
    },
    sockets: {
      maxOperationsPerSocket: config.WS_MAX_SUBSCRIPTIONS_PER_SOCKET,
      maxSocketsPerUser: config.WS_MAX_SOCKETS_PER_USER,
      operationsPerMinute: config.WS_SUBSCRIBES_PER_MINUTE,
    },
    trustedProxies: parseTrustedProxies(config.TRUSTED_PROXIES),
    schemaOpen: schemaOpen(config),
    metricsOnPublicPort: config.METRICS_ON_PUBLIC_PORT,
  };
  const services = createServices({
    prisma,
    queues,
    credentialChecks,
    signInFlows: new SignInStore(redis, namespace),
    signIn: { anthropicAuthorizeUrl: config.ANTHROPIC_OAUTH_AUTHORIZE_URL },
    vault: infra.vault,
    pubsub,
    agentEventHistory: new AgentEventLog(redis, namespace),
    agentRunLogs: new AgentRunLog(redis, namespace),
    logger,
    auth: {
      adminEmail: config.ADMIN_EMAIL,
      tokenTtlDays: config.TOKEN_TTL_DAYS,
      scrypt: { N: config.SCRYPT_COST, r: 8, p: 1 },
    },
    signInGuard: new SignInGuard(redis, namespace, {
      attemptsPerAddress: config.AUTH_ATTEMPTS_PER_ADDRESS,
      failuresPerAccount: config.AUTH_FAILURES_PER_ACCOUNT,
    }),
    revocations,
    resolve: { systemKeys: systemKeysFromEnv(config), allowSystemKeys: config.ALLOW_SYSTEM_KEYS },
    repositories: { allowLoopback: config.REPOSITORY_ALLOW_LOOPBACK },
    credentialExpiringDays: config.CREDENTIAL_EXPIRING_DAYS,
    credentialRotationDays: config.CREDENTIAL_ROTATION_DAYS,
    ...(infra.realtime === undefined ? {} : { realtime: infra.realtime }),
  });
  const schema = await buildApiSchema(services);
  const metrics = infra.metrics ?? createApiMetrics(new Registry());
  return {
    logger,
    prisma,
    redis,
    schema,
    services,
    queues,
    credentialChecks,
    limits,
    revocations,
    metrics,
  };
}
