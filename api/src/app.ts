import { AgentEventLog, systemKeysFromEnv, type Vault } from "@agentry/core";
import type { PrismaClient } from "@agentry/prisma";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { ApiConfig } from "./config.js";
import { createAgentQueues } from "./agents/agent-queues.js";
import { createTopicPubSub } from "./graphql/pubsub.js";
import { buildApiSchema } from "./graphql/schema.js";
import type { RealtimeOptions } from "./realtime/realtime.service.js";
import type { ApiDeps } from "./server.js";
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
  readonly vault: Vault;
  /** Prefix of pub/sub channels and agent-event keys; "" in production, unique per test file. */
  readonly namespace?: string;
  readonly realtime?: RealtimeOptions;
}

/** Builds services and schema on the clients: everything startApi needs. */
export async function composeApi(infra: ApiInfra): Promise<ApiDeps> {
  const { config, logger, prisma, redis } = infra;
  const namespace = infra.namespace ?? "";
  const pubsub = createTopicPubSub({
    publishClient: redis,
    subscribeClient: infra.redisSubscriber,
    namespace,
  });
  const queues = createAgentQueues(config.REDIS_URL, namespace);
  const services = createServices({
    prisma,
    queues,
    vault: infra.vault,
    pubsub,
    agentEventHistory: new AgentEventLog(redis, namespace),
    logger,
    auth: {
      adminEmail: config.ADMIN_EMAIL,
      tokenTtlDays: config.TOKEN_TTL_DAYS,
      scrypt: { N: config.SCRYPT_COST, r: 8, p: 1 },
    },
    resolve: { systemKeys: systemKeysFromEnv(config), allowSystemKeys: config.ALLOW_SYSTEM_KEYS },
    ...(infra.realtime === undefined ? {} : { realtime: infra.realtime }),
  });
  const schema = await buildApiSchema(services);
  return { logger, prisma, redis, schema, services, queues };
}
