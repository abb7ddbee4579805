import "reflect-metadata";
import { execute, parse, type ExecutionResult, type GraphQLSchema } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { buildApiSchema } from "../src/graphql/schema.js";
import { createSharedSubscribe } from "../src/graphql/shared-subscribe.js";
import { VIEWER_INDEPENDENT_SUBSCRIPTIONS } from "../src/realtime/realtime.service.js";
import { usageFromPayload } from "../src/usage/usage.service.js";

// The shared subscriptions' operations are compiled (graphql-jit) rather than executed by
// graphql-js for each event: their results must be graphql-js' own, errors included.

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildApiSchema();
});

const agentId = "0b6f1a2e-3c4d-4e5f-8a9b-0c1d2e3f4a5b";
const sessionId = "5d2c1b0a-9f8e-4d7c-b6a5-4f3e2d1c0b9a";
const base = { agentId, messageId: sessionId, at: "2026-11-30T21:00:00.123Z" };
const usage = {
  callIndex: 0,
  provider: "ANTHROPIC",
  model: "claude-sonnet-4-5",
  keySource: "SESSION",
  inputTokens: 12,
  outputTokens: "123456789012345678901",
  cacheReadTokens: 0,
  cacheWriteTokens: 1,
  reasoningTokens: 2,
  costUsd: null,
};
const events = [
  { seq: 1, ...base, type: "TEXT", text: "Hello" },
  { seq: 2, ...base, type: "TOOL", tool: { name: "bash", detail: "ls" } },
  { seq: 3, ...base, messageId: null, type: "STATUS", status: "BUSY", reason: "Cloning" },
  { seq: 4, ...base, type: "ERROR", errorCode: "INVALID_API_KEY", message: "refused" },
  { seq: 5, ...base, type: "USAGE", usage },
  { seq: 6, ...base, type: "DONE" },
  // Another agent's event on this stream: the resolver fails it instead of passing it on.
  { seq: 7, ...base, agentId: "11111111-1111-4111-8111-111111111111", type: "TEXT", text: "x" },
].map((event) => Object.freeze(event));

// The client's own operations (client/src/gql), fragments and __typename included.
const AGENT_EVENTS = `subscription AgentEvents($agentId: ID!, $afterSeq: Int) {
  agentEvents(agentId: $agentId, afterSeq: $afterSeq) {
    __typename seq type agentId messageId at text toolName toolDetail status errorCode message
    usage { callIndex provider model keySource inputTokens outputTokens cacheReadTokens cacheWriteTokens reasoningTokens costUsd }
  }
}`;
const SESSION_USAGE = `subscription SessionUsage($sessionId: ID!) {
  sessionUsage(sessionId: $sessionId) { ...UsageTotals }
}
fragment UsageTotals on UsageStats {
  inputTokens outputTokens cacheReadTokens cacheWriteTokens reasoningTokens totalTokens apiCalls estimatedCostUsd unpricedCalls
}`;

/** Each event through the shared subscribe, as graphql-ws would take it, beside graphql-js' result. */
async function bothWays(
  query: string,
  variableValues: Record<string, unknown>,
  stream: readonly object[],
): Promise<{ shared: ExecutionResult[]; graphqlJs: ExecutionResult[] }> {
  const document = parse(query);
  async function* live() {
    for (const event of stream) yield await Promise.resolve(event);
  }
  const contextValue = {
    viewer: { userId: "u", tokenId: "t" },
    tokenRefused: false,
    realtime: {
      agentEvents: () => Promise.resolve(live()),
      sessionUsage: () => Promise.resolve(live()),
    },
  };
  const subscribe = createSharedSubscribe(VIEWER_INDEPENDENT_SUBSCRIPTIONS);
  const results = await subscribe({ schema, document, variableValues, contextValue });
  if (!(Symbol.asyncIterator in results)) throw new Error(JSON.stringify(results));
  const shared: ExecutionResult[] = [];
  for await (const result of results) shared.push(result);
  const graphqlJs = await Promise.all(
    stream.map(async (event) => execute({ schema, document, variableValues, rootValue: event })),
  );
  return { shared, graphqlJs };
}

const plain = (results: readonly ExecutionResult[]) =>
  JSON.parse(JSON.stringify(results)) as unknown;

describe("shared subscriptions, compiled", () => {
  it("give graphql-js' results for every kind of agent event, a crossed wire's error included", async () => {
    const { shared, graphqlJs } = await bothWays(AGENT_EVENTS, { agentId }, events);
    expect(plain(shared)).toEqual(plain(graphqlJs));
    expect(shared.at(-1)?.errors?.[0]?.message).toBe("agentEvents: event of another agent");
    expect(shared.slice(0, -1).every((result) => result.errors === undefined)).toBe(true);
  });

  it("give graphql-js' results for a session's usage totals, through a fragment", async () => {
    const stats = usageFromPayload({
      sessionId,
      inputTokens: 10,
      outputTokens: "99999999999999999999",
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 3,
      apiCalls: 2,
      unpricedCalls: 1,
      costUsd: 0.25,
      updatedAt: "2026-11-30T21:00:00.123Z",
    });
    const { shared, graphqlJs } = await bothWays(SESSION_USAGE, { sessionId }, [
      Object.freeze({ sessionId, stats }),
    ]);
    expect(plain(shared)).toEqual(plain(graphqlJs));
    expect(shared[0]?.errors).toBeUndefined();
  });

  it("execute an event once for every subscriber of the same operation, and again for the next subscribers", async () => {
    const document = parse(AGENT_EVENTS);
    const subscribe = createSharedSubscribe(VIEWER_INDEPENDENT_SUBSCRIPTIONS);
    /** A subscription whose source hands over the events given to `take`, one at a time. */
    const open = async (variableValues: Record<string, unknown>) => {
      const waiting: ((event: object) => void)[] = [];
      const source: AsyncIterableIterator<object> = {
        next: () =>
          new Promise((resolve) => {
            waiting.push((event) => {
              resolve({ done: false, value: event });
            });
          }),
        return: () => Promise.resolve({ done: true, value: undefined }),
        [Symbol.asyncIterator]() {
          return this;
        },
      };
      const contextValue = {
        viewer: { userId: "u", tokenId: "t" },
        tokenRefused: false,
        realtime: { agentEvents: () => Promise.resolve(source) },
      };
      const results = await subscribe({ schema, document, variableValues, contextValue });
      if (!(Symbol.asyncIterator in results)) throw new Error(JSON.stringify(results));
      return {
        take: async (event: object) => {
          const next = results.next();
          await Promise.resolve();
          waiting.shift()?.(event);
          return (await next).value as ExecutionResult;
        },
        end: () => results.return?.(),
      };
    };
    const [first, second, other] = [events[0]!, events[5]!, events[1]!];
    const a = await open({ agentId });
    const b = await open({ agentId });
    const c = await open({ agentId, afterSeq: 0 });
    const shared = await a.take(first);
    expect(await b.take(first)).toBe(shared);
    // Other variables: another operation, its own result.
    const own = await c.take(first);
    expect(own).not.toBe(shared);
    expect(plain([own])).toEqual(plain([shared]));
    // The next event: a new result, shared again.
    const next = await a.take(second);
    expect(next).not.toBe(shared);
    expect(await b.take(second)).toBe(next);
    // Everyone ended: a new subscriber starts afresh, with the same results as before.
    await Promise.all([a.end(), b.end(), c.end()]);
    const d = await open({ agentId });
    const again = await d.take(other);
    expect(plain([again])).toEqual(
      plain((await bothWays(AGENT_EVENTS, { agentId }, [other])).shared),
    );
    await d.end();
  });
});
