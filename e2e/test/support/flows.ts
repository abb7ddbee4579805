import { setTimeout as sleep } from "node:timers/promises";
import type { TestApi } from "@agentry/api/testing";

// The GraphQL operations the end-to-end tests (and the benches) use, as a user or program
// would send them.

export interface MessageView {
  readonly id: string;
  readonly role: string;
  readonly text: string;
  readonly status: "QUEUED" | "RUNNING" | "DONE" | "FAILED" | "CANCELLED";
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly keySource: "SESSION" | "ACCOUNT" | "SYSTEM" | null;
}

const MESSAGE_FIELDS = "id role text status errorCode errorMessage keySource";

export async function createSession(
  api: TestApi,
  token: string,
  providerKey?: { provider: string; secret: string },
  name = "e2e",
): Promise<string> {
  const data = await api.ok<{ createSession: { id: string } }>(
    `mutation ($input: CreateSessionInput!) { createSession(input: $input) { id } }`,
    { input: { name, ...(providerKey === undefined ? {} : { providerKey }) } },
    token,
  );
  return data.createSession.id;
}

export async function spawnChatAgent(
  api: TestApi,
  token: string,
  sessionId: string,
  model = "claude-haiku-4-5",
): Promise<string> {
  const data = await api.ok<{ spawnAgent: { id: string } }>(
    `mutation ($sessionId: ID!, $model: String) { spawnAgent(sessionId: $sessionId, kind: CHAT, model: $model) { id } }`,
    { sessionId, model },
    token,
  );
  return data.spawnAgent.id;
}

export async function sendMessage(
  api: TestApi,
  token: string,
  agentId: string,
  text: string,
): Promise<string> {
  const data = await api.ok<{ sendMessage: { id: string } }>(
    `mutation ($agentId: ID!, $text: String!) { sendMessage(agentId: $agentId, text: $text) { id } }`,
    { agentId, text },
    token,
  );
  return data.sendMessage.id;
}

/** The agent's messages, oldest first, read through the public API. */
export async function messages(
  api: TestApi,
  token: string,
  sessionId: string,
  agentId: string,
): Promise<MessageView[]> {
  const data = await api.ok<{
    session: { agents: { id: string; messages: MessageView[] }[] } | null;
  }>(
    `query ($id: ID!) { session(id: $id) { agents { id messages { ${MESSAGE_FIELDS} } } } }`,
    { id: sessionId },
    token,
  );
  return data.session?.agents.find((agent) => agent.id === agentId)?.messages ?? [];
}

/** Waits until the user message has finished (DONE or FAILED) and returns it. */
export async function settled(
  api: TestApi,
  token: string,
  sessionId: string,
  agentId: string,
  messageId: string,
  timeoutMs = 45_000,
): Promise<MessageView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const message = (await messages(api, token, sessionId, agentId)).find(
      (m) => m.id === messageId,
    );
    if (message !== undefined && (message.status === "DONE" || message.status === "FAILED")) {
      return message;
    }
    if (Date.now() > deadline) {
      throw new Error(`message ${messageId} did not settle: ${JSON.stringify(message)}`);
    }
    await sleep(100);
  }
}

/** The assistant reply to a user message (the message after it). */
export async function replyTo(
  api: TestApi,
  token: string,
  sessionId: string,
  agentId: string,
  messageId: string,
): Promise<MessageView | undefined> {
  const all = await messages(api, token, sessionId, agentId);
  const index = all.findIndex((m) => m.id === messageId);
  return all.slice(index + 1).find((m) => m.role === "assistant");
}

// ---- Usage, keys and budgets ----

/** The session's usage totals as Session.usage and sessionUsage show them. */
export interface UsageTotals {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
  readonly reasoningTokens: number;
  readonly totalTokens: number;
  readonly apiCalls: number;
  readonly estimatedCostUsd: number;
  readonly unpricedCalls: number;
}

export const USAGE_FIELDS =
  "inputTokens outputTokens cacheReadTokens cacheWriteTokens reasoningTokens totalTokens apiCalls estimatedCostUsd unpricedCalls";

/** Session.usage, read over HTTP. */
export async function sessionUsage(
  api: TestApi,
  token: string,
  sessionId: string,
): Promise<UsageTotals> {
  const data = await api.ok<{ session: { usage: UsageTotals } | null }>(
    `query ($id: ID!) { session(id: $id) { usage { ${USAGE_FIELDS} } } }`,
    { id: sessionId },
    token,
  );
  if (data.session === null) throw new Error(`session ${sessionId} is not visible`);
  return data.session.usage;
}

/** Token counts in the fake provider's shape (FakeUsage), summed. */
export interface TokenSums {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
  readonly reasoningTokens: number;
}

/** Sums the usage the fake provider reported over some calls (refused calls report none). */
export function sumUsage(usages: readonly (TokenSums | null)[]): TokenSums {
  const sum = {
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
  };
  for (const usage of usages) {
    if (usage === null) continue;
    sum.inputTokens += usage.inputTokens;
    sum.outputTokens += usage.outputTokens;
    sum.cacheReadTokens += usage.cacheReadTokens;
    sum.cacheWriteTokens += usage.cacheWriteTokens;
    sum.reasoningTokens += usage.reasoningTokens;
  }
  return sum;
}

export async function setSessionKey(
  api: TestApi,
  token: string,
  sessionId: string,
  secret: string,
  provider = "ANTHROPIC",
): Promise<void> {
  await api.ok(
    `mutation ($id: ID!, $provider: Provider!, $secret: String!) { setSessionKey(sessionId: $id, provider: $provider, secret: $secret) { id } }`,
    { id: sessionId, provider, secret },
    token,
  );
}

export async function setSessionBudget(
  api: TestApi,
  token: string,
  sessionId: string,
  budgetUsd: number | null,
): Promise<void> {
  await api.ok(
    `mutation ($id: ID!, $budget: Float) { setSessionBudget(sessionId: $id, budgetUsd: $budget) { id } }`,
    { id: sessionId, budget: budgetUsd },
    token,
  );
}

// ---- Subscriptions ----

/** One agentEvents item, with the fields the tests read. */
export interface AgentEventView {
  readonly seq: number;
  readonly type: "TEXT" | "TOOL" | "USAGE" | "STATUS" | "ERROR" | "DONE" | "CANCELLED";
  readonly agentId: string;
  readonly messageId: string | null;
  readonly text: string | null;
  readonly status: string | null;
  readonly errorCode: string | null;
  readonly message: string | null;
  readonly usage: {
    readonly callIndex: number;
    readonly model: string;
    readonly keySource: string;
    readonly inputTokens: number;
    readonly outputTokens: number;
    readonly cacheReadTokens: number;
    readonly cacheWriteTokens: number;
    readonly reasoningTokens: number;
    readonly costUsd: number | null;
  } | null;
}

export const AGENT_EVENTS = `subscription ($agentId: ID!, $afterSeq: Int) {
  agentEvents(agentId: $agentId, afterSeq: $afterSeq) {
    seq type agentId messageId text status errorCode message
    usage { callIndex model keySource inputTokens outputTokens cacheReadTokens cacheWriteTokens reasoningTokens costUsd }
  }
}`;

export const SESSION_USAGE = `subscription ($sessionId: ID!) { sessionUsage(sessionId: $sessionId) { ${USAGE_FIELDS} } }`;

/** What a TestSubscription (api/test/harness.ts) hands out, one result at a time. */
interface ResultSource<T> {
  next(): Promise<{
    readonly data?: T | null | undefined;
    readonly errors?: readonly unknown[] | undefined;
  }>;
}

/**
 * Reads a subscription's data items until `last` says an item is the last one wanted (and
 * returns them all, that one included); an error result or the timeout fails the test.
 */
export async function readUntil<T, I>(
  subscription: ResultSource<T>,
  pick: (data: T) => I,
  last: (item: I) => boolean,
  timeoutMs = 30_000,
): Promise<I[]> {
  const items: I[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const remaining = deadline - Date.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => {
          reject(
            new Error(
              `subscription: no final item within ${timeoutMs} ms; got ${JSON.stringify(items)}`,
            ),
          );
        },
        Math.max(remaining, 0),
      );
    });
    const result = await Promise.race([subscription.next(), timeout]).finally(() => {
      clearTimeout(timer);
    });
    if (result.errors !== undefined || result.data === undefined || result.data === null) {
      throw new Error(`subscription error: ${JSON.stringify(result)}`);
    }
    const item = pick(result.data);
    items.push(item);
    if (last(item)) return items;
  }
}

/** Resolves with `promise`, or rejects after `ms` saying what did not happen. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${what}: not within ${ms} ms`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
  });
}
