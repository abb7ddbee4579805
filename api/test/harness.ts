import "reflect-metadata";
import {
  AgentEventLog,
  createLogger,
  createOutageLog,
  createSealingVault,
  parseKeyRing,
  Topic,
  topicChannel,
  verifyKeyRing,
  type AgentEventInput,
  type AgentEventPayload,
  type TopicPayloads,
} from "@agentry/core";
import { createPrismaClient, type PrismaClient } from "@agentry/prisma";
import { createTestDatabase, type TestDatabase } from "@agentry/prisma/testing";
import { createClient, type Client, type FormattedExecutionResult } from "graphql-ws";
import { Redis } from "ioredis";
import { randomBytes } from "node:crypto";
import WebSocket from "ws";
import { composeApi } from "../src/app.js";
import { loadApiConfig } from "../src/config.js";
import type { ApiMetrics } from "../src/metrics/api-metrics.js";
import type { RealtimeOptions } from "../src/realtime/realtime.service.js";
import { parseOrigins } from "../src/http/cors.js";
import { createRedisClients } from "../src/redis-clients.js";
import { startApi } from "../src/server.js";

// The api, for real, in this process: a fresh migrated database, the local Redis under a
// namespace of its own, a random encryption key, cheap scrypt, and every log line captured.
// One per test file (`beforeAll(startTestApi)`, `afterAll(api.close)`); tests make their own
// users and sessions, so nothing depends on order.

/** One GraphQL error as the client sees it. */
export interface GqlError {
  readonly message: string;
  readonly extensions?: {
    readonly code?: string;
    readonly details?: Readonly<Record<string, unknown>>;
    readonly [key: string]: unknown;
  };
  readonly path?: readonly (string | number)[];
  readonly locations?: readonly { line: number; column: number }[];
}

/** A raw GraphQL-over-HTTP response. */
export interface GqlResponse<T> {
  readonly status: number;
  readonly headers: Headers;
  readonly data: T | null | undefined;
  readonly errors: readonly GqlError[] | undefined;
  /** The body as received, for assertions that nothing leaked anywhere in it. */
  readonly text: string;
}

export interface TestUser {
  readonly token: string;
  readonly user: { readonly id: string; readonly email: string; readonly role: "USER" | "ADMIN" };
  readonly email: string;
  readonly password: string;
}

/** A graphql-ws client for one connection. */
export interface TestWs {
  readonly client: Client;
  /** Resolves when the socket closes, with the close code (4403: refused). */
  readonly closed: Promise<{ readonly code: number; readonly reason: string }>;
  /** Subscribes; results (data or errors) arrive in order through `next()`. */
  subscribe<T>(query: string, variables?: Record<string, unknown>): TestSubscription<T>;
  dispose(): Promise<void>;
}

export interface TestSubscription<T> {
  /** The next result; rejects when the subscription errors out (e.g. validation). */
  next(): Promise<FormattedExecutionResult<T, unknown>>;
  /** Resolves when the server completes the subscription. */
  readonly completed: Promise<void>;
  unsubscribe(): void;
}

export interface TestApiOptions {
  /** Extra environment for the api's config (e.g. system keys, ALLOW_SYSTEM_KEYS). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * The address that becomes admin at sign-up. Default: a random one that `signUpAdmin()` uses,
   * so `signUp()` always makes plain users. Null: no ADMIN_EMAIL (the first user is admin).
   */
  readonly adminEmail?: string | null;
  readonly realtime?: RealtimeOptions;
  /** Points the api's own Redis connections elsewhere (e.g. a dead port, to see /readyz fail). */
  readonly apiRedisUrl?: string;
  /**
   * Runs the api (its connections, queues and the test's own client) on this Redis, with the
   * connection settings main.ts uses: they reconnect when it comes back (outage tests).
   */
  readonly redisUrl?: string;
  /**
   * Another api process on `shareWith`'s database, encryption key and namespace, with clients
   * of its own (as a second replica would have). Its close() leaves the shared database and
   * Redis keys to `shareWith`.
   */
  readonly shareWith?: TestApi;
  /** The api's metrics, to scrape (default: a registry of its own that the test cannot see). */
  readonly metrics?: ApiMetrics;
}

export interface TestApi {
  readonly url: string;
  readonly wsUrl: string;
  /** The api's own database (the same client the api uses). */
  readonly prisma: PrismaClient;
  /** A Redis connection of the test's own (not the api's). */
  readonly redis: Redis;
  /** This api's pub/sub channel and key prefix. */
  readonly namespace: string;
  /** The ENCRYPTION_KEY the api runs with (to check ciphertexts in tests). */
  readonly encryptionKey: string;
  /** The api's database URL (a worker under test connects to the same database). */
  readonly databaseUrl: string;
  /** POSTs a GraphQL operation over real HTTP; `token` goes in `Authorization: Bearer`. */
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<GqlResponse<T>>;
  /** As gql, but fails the test on any error; returns `data`. */
  ok<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<T>;
  /** As gql, but expects errors; returns the first (and the response). */
  fail(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<GqlError & { readonly response: GqlResponse<unknown> }>;
  /** Signs up a fresh plain user (unique email, random password). */
  signUp(overrides?: { readonly email?: string; readonly password?: string }): Promise<TestUser>;
  /** Signs up the admin (the ADMIN_EMAIL of this api); once per api. */
  signUpAdmin(): Promise<TestUser>;
  /** Opens a graphql-ws connection; with a token, it authenticates with it. */
  ws(token?: string): TestWs;
  /** Publishes on a topic as the worker does (Redis PUBLISH of JSON on topicChannel). */
  publish<K extends Topic>(topic: K, id: string, payload: TopicPayloads[K]): Promise<void>;
  /** Appends to an agent's event log (sequence number, history, publish) as the worker does. */
  appendAgentEvent(event: AgentEventInput): Promise<AgentEventPayload>;
  /** Every log line so far, as written (JSON text). */
  logs(): readonly string[];
  /**
   * Stops the api server the way SIGTERM does (drains graphql-ws and in-flight requests, closes the
   * port), leaving database and Redis up for inspection. close() is still needed afterwards.
   */
  stopServer(): Promise<void>;
  /** Closes test sockets, stops the api, closes Redis connections and drops the database. */
  close(): Promise<void>;
}

const DEFAULT_REDIS_URL = process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379";

// Tests sign up many users from one address and run many costly queries: the abuse limits are
// out of their way unless a test sets them (as the limit tests do).
const GENEROUS_LIMITS = {
  AUTH_ATTEMPTS_PER_ADDRESS: "10000000",
  AUTH_FAILURES_PER_ACCOUNT: "10000000",
  QUERY_COST_PER_MINUTE: "1000000000",
};
const random = (bytes = 6): string => randomBytes(bytes).toString("hex");

export async function startTestApi(options: TestApiOptions = {}): Promise<TestApi> {
  const shared = options.shareWith;
  const db: TestDatabase =
    shared === undefined
      ? await createTestDatabase("agentry_api_test")
      : sharedDatabase(shared.databaseUrl);
  const encryptionKey = shared?.encryptionKey ?? randomBytes(32).toString("hex");
  const adminEmail =
    options.adminEmail === undefined ? `admin-${random()}@test.example` : options.adminEmail;
  const redisUrl = options.redisUrl ?? DEFAULT_REDIS_URL;
  const config = loadApiConfig({
    NODE_ENV: "test",
    DATABASE_URL: db.url,
    REDIS_URL: redisUrl,
    ...GENEROUS_LIMITS,
    ENCRYPTION_KEY: encryptionKey,
    SCRYPT_COST: "16",
    LOG_LEVEL: "debug",
    ...(adminEmail === null ? {} : { ADMIN_EMAIL: adminEmail }),
    ...options.env,
  });
  const lines: string[] = [];
  const logger = createLogger({
    name: "api",
    level: config.LOG_LEVEL,
    destination: {
      write: (line: string) => {
        lines.push(line.trimEnd());
      },
    },
  });
  const namespace = shared?.namespace ?? `test:${random()}:`;
  const outages = createOutageLog(logger, "redis");
  let redis: Redis;
  let redisSubscriber: Redis;
  if (options.apiRedisUrl === undefined) {
    ({ redis, redisSubscriber } = createRedisClients(redisUrl, outages));
    await Promise.all([redis.connect(), redisSubscriber.connect()]);
  } else {
    // A dead Redis must fail fast (readiness checks), not retry forever.
    const redisOptions = { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null };
    redis = new Redis(options.apiRedisUrl, redisOptions);
    redisSubscriber = new Redis(options.apiRedisUrl, redisOptions);
    for (const client of [redis, redisSubscriber]) {
      client.on("error", (error: Error) => {
        logger.warn({ errorMessage: error.message }, "redis connection error");
      });
    }
  }
  const testRedis = new Redis(redisUrl);
  // During an outage test its reconnection failures are expected, not worth a line each.
  testRedis.on("error", () => undefined);
  const ring = parseKeyRing(encryptionKey);
  await verifyKeyRing(db.prisma, ring);
  const deps = await composeApi({
    config,
    logger,
    prisma: db.prisma,
    redis,
    redisSubscriber,
    vault: createSealingVault(ring.current),
    namespace,
    outages,
    ...(options.realtime === undefined ? {} : { realtime: options.realtime }),
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
  });
  const running = await startApi(deps, { port: 0, corsOrigins: parseOrigins(config.CORS_ORIGINS) });
  const eventLog = new AgentEventLog(testRedis, namespace);
  const sockets = new Set<TestWs>();

  const gql = async <T>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<GqlResponse<T>> => {
    const response = await fetch(running.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify({ query, ...(variables === undefined ? {} : { variables }) }),
    });
    const text = await response.text();
    let body: { data?: T | null; errors?: GqlError[] } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // not JSON; `text` has it
    }
    return {
      status: response.status,
      headers: response.headers,
      data: body.data,
      errors: body.errors,
      text,
    };
  };

  const api: TestApi = {
    url: running.url,
    wsUrl: running.wsUrl,
    prisma: db.prisma,
    redis: testRedis,
    namespace,
    encryptionKey,
    databaseUrl: db.url,
    gql,
    async ok<T>(query: string, variables?: Record<string, unknown>, token?: string): Promise<T> {
      const response = await gql<T>(query, variables, token);
      if (response.errors !== undefined || response.data === null || response.data === undefined) {
        throw new Error(`GraphQL errors (HTTP ${response.status}): ${response.text}`);
      }
      return response.data;
    },
    async fail(query: string, variables?: Record<string, unknown>, token?: string) {
      const response = await gql<unknown>(query, variables, token);
      const first = response.errors?.[0];
      if (first === undefined) throw new Error(`Expected an error, got: ${response.text}`);
      return { ...first, response };
    },
    async signUp(overrides = {}) {
      const email = overrides.email ?? `user-${random()}@test.example`;
      const password = overrides.password ?? `pw-${random(12)}`;
      const data = await api.ok<{ signUp: { token: string; user: TestUser["user"] } }>(
        `mutation ($email: String!, $password: String!) {
          signUp(email: $email, password: $password) { token user { id email role } }
        }`,
        { email, password },
      );
      return { token: data.signUp.token, user: data.signUp.user, email, password };
    },
    signUpAdmin() {
      if (adminEmail === null)
        throw new Error("This test api has no ADMIN_EMAIL; the first signUp() is admin");
      return api.signUp({ email: adminEmail });
    },
    ws(token?: string): TestWs {
      let resolveClosed: (value: { code: number; reason: string }) => void = () => undefined;
      const closed = new Promise<{ code: number; reason: string }>((resolve) => {
        resolveClosed = resolve;
      });
      const client = createClient({
        url: running.wsUrl,
        webSocketImpl: WebSocket,
        lazy: false,
        retryAttempts: 0,
        connectionParams: token === undefined ? {} : { authorization: `Bearer ${token}` },
        on: {
          closed: (event) => {
            const { code, reason } = event as { code: number; reason: string };
            resolveClosed({ code, reason });
          },
        },
        // The refusal is asserted through `closed`; keep it from surfacing as an unhandled error.
        onNonLazyError: () => undefined,
      });
      const socket: TestWs = {
        client,
        closed,
        subscribe<T>(query: string, variables?: Record<string, unknown>): TestSubscription<T> {
          const queue: FormattedExecutionResult<T, unknown>[] = [];
          const waiting: {
            resolve: (r: FormattedExecutionResult<T, unknown>) => void;
            reject: (e: unknown) => void;
          }[] = [];
          let failure: unknown;
          let resolveCompleted: () => void = () => undefined;
          const completed = new Promise<void>((resolve) => {
            resolveCompleted = resolve;
          });
          const unsubscribe = client.subscribe<T>(
            { query, ...(variables === undefined ? {} : { variables }) },
            {
              next: (result) => {
                const waiter = waiting.shift();
                if (waiter === undefined) queue.push(result);
                else waiter.resolve(result);
              },
              error: (error: unknown) => {
                failure = error ?? new Error("subscription error");
                for (const waiter of waiting.splice(0)) waiter.reject(failure);
                resolveCompleted();
              },
              complete: () => {
                resolveCompleted();
              },
            },
          );
          return {
            next: () => {
              const queued = queue.shift();
              if (queued !== undefined) return Promise.resolve(queued);
              if (failure !== undefined)
                return Promise.reject(
                  failure instanceof Error ? failure : new Error(JSON.stringify(failure)),
                );
              return new Promise((resolve, reject) => {
                waiting.push({ resolve, reject });
              });
            },
            completed,
            unsubscribe,
          };
        },
        async dispose() {
          sockets.delete(socket);
          await client.dispose();
        },
      };
      sockets.add(socket);
      return socket;
    },
    async publish(topic, id, payload) {
      await testRedis.publish(topicChannel(topic, id, namespace), JSON.stringify(payload));
    },
    appendAgentEvent: (event) => eventLog.append(event),
    logs: () => [...lines],
    stopServer: () => running.close(),
    async close() {
      await Promise.all([...sockets].map((socket) => socket.dispose()));
      await running.close();
      redis.disconnect();
      redisSubscriber.disconnect();
      // Agent event logs (sequence, history) live under this api's namespace; its owner drops them.
      if (shared === undefined) {
        const keys: string[] = [];
        for await (const batch of testRedis.scanStream({ match: `${namespace}*`, count: 500 })) {
          keys.push(...(batch as string[]));
        }
        if (keys.length > 0) await testRedis.del(...keys);
      }
      await testRedis.quit();
      await db.drop();
    },
  };
  return api;
}

/** A client of its own on another api's database; dropping it only disconnects. */
function sharedDatabase(url: string): TestDatabase {
  const prisma = createPrismaClient(url, { poolSize: 5 });
  return { url, prisma, drop: () => prisma.$disconnect() };
}

export { Topic };
