import { startTestApi, type TestApi } from "@agentry/api/testing";
import { countStatements } from "@agentry/api/testing/statements";
import { randomBytes } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import type { Cleanups } from "../lib/cleanup.js";
import { createSession, spawnChatAgent } from "../lib/gql.js";
import { deleteNamespace } from "../lib/redis-keys.js";
import { type SectionReport } from "../lib/report.js";
import { startBareGraphQLServer, type BareGraphQLServer } from "./bare-graphql-server.js";
import { report, type HttpRun, type HttpSettings, type TargetName } from "./graphql-http-report.js";
import { generateLoad } from "./load-generator.js";

// GraphQL over HTTP under load: `{ me { id } }` (the least an authenticated request does) and a
// page of sessions with their agents, keys, key source and usage, each sent by N connections
// from a process of their own (autocannon) to one api process, against a bare graphql-js
// server on the same schema with the same answers, in the same run. Plus the SQL statements
// one page costs, for 2 sessions and for 20.

export type { HttpSettings } from "./graphql-http-report.js";

const ME = `query Me { me { id } }`;
const page = (first: number) => `query SessionsPage {
  sessions(first: ${first}) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        id name createdAt
        agents { id kind provider model status }
        keys { id provider kind hint }
        keySource(provider: ANTHROPIC)
        usage { apiCalls totalTokens estimatedCostUsd }
      }
    }
  }
}`;

/** The owner's sessions: every other one has its own key, an agent or two, and usage. */
async function setScene(api: TestApi, sessions: number): Promise<string> {
  const owner = await api.signUp();
  for (let index = 0; index < sessions; index += 1) {
    const busy = index % 2 === 0;
    const key = {
      provider: "ANTHROPIC",
      secret: `sk-ant-api03-${randomBytes(30).toString("base64url")}`,
    };
    const sessionId = await createSession(
      api,
      owner.token,
      busy ? key : undefined,
      `bench: page ${index}`,
    );
    if (!busy) continue;
    for (let agent = 0; agent < (index % 4 === 0 ? 2 : 1); agent += 1) {
      await spawnChatAgent(api, owner.token, sessionId);
    }
    await api.prisma.sessionUsage.create({
      data: { sessionId, apiCalls: index + 1, inputTokens: BigInt(100 * index) },
    });
  }
  return owner.token;
}

/** The response's data, failing on any error: a load run of errors measures nothing. */
async function answerOf(url: string, query: string, token?: string): Promise<unknown> {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: unknown };
  if (response.status !== 200 || body.errors !== undefined) {
    throw new Error(`${url} answered ${response.status}: ${JSON.stringify(body.errors)}`);
  }
  return body.data;
}

export async function benchGraphQLHttp(
  cleanups: Cleanups,
  settings: HttpSettings,
): Promise<SectionReport> {
  // Logs at info, as in production: one line per operation.
  const api = await startTestApi({ env: { LOG_LEVEL: "info" } });
  const closeApi = cleanups.defer("http api", async () => {
    await deleteNamespace(api.redis, api.namespace);
    await api.close();
  });
  const servers: BareGraphQLServer[] = [];
  try {
    const token = await setScene(api, settings.sessions);
    const queries = { me: ME, page: page(settings.sessions) } as const;
    const me = (await answerOf(api.url, queries.me, token)) as { me: unknown };
    const sessions = (await answerOf(api.url, queries.page, token)) as { sessions: unknown };
    const answers = { me: me.me, sessions: sessions.sessions };
    const bare = await startBareGraphQLServer(answers, { cacheDocuments: false });
    servers.push(bare);
    const bareCached = await startBareGraphQLServer(answers, { cacheDocuments: true });
    servers.push(bareCached);
    const closeBare = cleanups.defer("bare graphql servers", async () => {
      await Promise.all(servers.map((server) => server.close()));
    });

    // The same answers from every server, or the comparison compares different work.
    for (const [name, query] of Object.entries(queries)) {
      const ours = await answerOf(api.url, query, token);
      for (const server of [bare, bareCached]) {
        if (!isDeepStrictEqual(await answerOf(server.url, query), ours)) {
          throw new Error(`the bare server's answer to ${name} differs from the api's`);
        }
      }
    }

    const statements = await statementsPerPage(api, token, [2, settings.sessions]);
    const targets: readonly { name: TargetName; url: string; token?: string }[] = [
      { name: "bare graphql-js", url: bare.url },
      { name: "bare, documents cached", url: bareCached.url },
      { name: "agentry", url: api.url, token },
    ];
    const runs: HttpRun[] = [];
    try {
      for (const [query, text] of Object.entries(queries) as [keyof typeof queries, string][]) {
        for (const target of targets) {
          const spec = {
            url: target.url,
            body: JSON.stringify({ query: text }),
            headers: {
              "content-type": "application/json",
              ...(target.token === undefined ? {} : { authorization: `Bearer ${target.token}` }),
            },
            connections: settings.connections,
          };
          await generateLoad({ ...spec, durationS: settings.warmupS });
          const cpuBefore = process.cpuUsage();
          const result = await generateLoad({ ...spec, durationS: settings.durationS });
          const cpu = process.cpuUsage(cpuBefore);
          const run: HttpRun = {
            query,
            target: target.name,
            result,
            serverCpuUsPerRequest: (cpu.user + cpu.system) / Math.max(result.requests, 1),
          };
          runs.push(run);
          console.error(
            `  http ${query} ${target.name}: ${Math.round(result.perSecond)} req/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms${result.non2xx + result.errors > 0 ? `, ${result.non2xx} non-2xx, ${result.errors} errors` : ""}`,
          );
        }
      }
    } finally {
      await closeBare();
    }
    return report(runs, statements, settings);
  } finally {
    await closeApi();
  }
}

/** The SQL statements one page request costs, by page size (the token's lookup warm). */
async function statementsPerPage(
  api: TestApi,
  token: string,
  sizes: readonly number[],
): Promise<{ readonly first: number; readonly statements: number }[]> {
  const counts: { first: number; statements: number }[] = [];
  for (const first of sizes) {
    await answerOf(api.url, ME, token);
    const counter = countStatements(api.databaseUrl);
    try {
      await answerOf(api.url, page(first), token);
      counts.push({ first, statements: counter.statements.length });
    } finally {
      counter.stop();
    }
  }
  return counts;
}
