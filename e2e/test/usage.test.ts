import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anthropicKey, startSystem, type System } from "./support/system.js";
import {
  createSession,
  readUntil,
  SESSION_USAGE,
  sendMessage,
  sessionUsage,
  settled,
  spawnChatAgent,
  sumUsage,
  USAGE_FIELDS,
  type TokenSums,
  type UsageTotals,
} from "./support/flows.js";

// What a user pays for, checked against what the (fake) provider billed: every token class,
// summed over calls, the estimated cost at list prices, and the live and historical views.

let system: System;

beforeAll(async () => {
  system = await startSystem();
});
afterAll(async () => {
  await system.close();
});

/** claude-haiku-4-5 list prices, USD per million tokens. */
const HAIKU_PER_MILLION = { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 };

const haikuCost = (tokens: TokenSums): number =>
  (tokens.inputTokens * HAIKU_PER_MILLION.input +
    tokens.outputTokens * HAIKU_PER_MILLION.output +
    tokens.cacheReadTokens * HAIKU_PER_MILLION.cacheRead +
    tokens.cacheWriteTokens * HAIKU_PER_MILLION.cacheWrite) /
  1e6;

/** A user with a session whose own key the fake accepts, and a chat agent on `model`. */
async function keyedSession(model = "claude-haiku-4-5") {
  const { api, fake } = system;
  const user = await api.signUp();
  const key = anthropicKey();
  fake.addKey(key);
  const sessionId = await createSession(api, user.token, { provider: "ANTHROPIC", secret: key });
  const agentId = await spawnChatAgent(api, user.token, sessionId, model);
  const run = async (text: string, agent = agentId) => {
    const id = await sendMessage(api, user.token, agent, text);
    const message = await settled(api, user.token, sessionId, agent, id);
    expect(message.status).toBe("DONE");
    return message;
  };
  /** The fake's record of this session's calls (its key is unique to it). */
  const calls = () => fake.calls().filter((call) => call.key === key);
  return { user, key, sessionId, agentId, run, calls };
}

describe("session usage", () => {
  it("adds up every token class exactly as the provider reported it, over several messages, at list prices", async () => {
    const { api, fake } = system;
    const { user, sessionId, run, calls } = await keyedSession();

    await run("first question about the build");
    // A call that also reports thinking tokens (within its output, as Anthropic counts them).
    fake.script({ provider: "ANTHROPIC", usage: { outputTokens: 90, reasoningTokens: 37 } });
    await run("second question, think about it");
    await run("third and last question");

    const seen = calls();
    expect(seen.map((call) => call.status)).toEqual([200, 200, 200]);
    const reported = sumUsage(seen.map((call) => call.usage));
    // Every class is present, so a class dropped or swapped on the way shows up.
    for (const count of Object.values(reported)) expect(count).toBeGreaterThan(0);

    const usage = await sessionUsage(api, user.token, sessionId);
    expect(usage).toMatchObject({ ...reported, apiCalls: 3, unpricedCalls: 0 });
    expect(usage.totalTokens).toBe(
      reported.inputTokens +
        reported.outputTokens +
        reported.cacheReadTokens +
        reported.cacheWriteTokens,
    );
    expect(Math.abs(usage.estimatedCostUsd - haikuCost(reported))).toBeLessThan(1e-9);
  });

  it("records the tokens of a model with no known price without adding to the cost, counting it unpriced", async () => {
    const { api, fake } = system;
    const { user, sessionId, run, calls } = await keyedSession();
    const imaginary = await spawnChatAgent(api, user.token, sessionId, "claude-imaginary-9");

    await run("a priced question");
    await run("an unpriced question", imaginary);

    const [priced, unpriced] = calls();
    expect(priced?.model).toBe("claude-haiku-4-5");
    expect(unpriced?.model).toBe("claude-imaginary-9");
    expect(fake.calls().filter((call) => call.model === "claude-imaginary-9")).toHaveLength(1);
    const both = sumUsage([priced?.usage ?? null, unpriced?.usage ?? null]);

    const usage = await sessionUsage(api, user.token, sessionId);
    expect(usage).toMatchObject({ ...both, apiCalls: 2, unpricedCalls: 1 });
    // Only the priced call's cost: the unpriced one is neither guessed nor counted as free.
    expect(
      Math.abs(usage.estimatedCostUsd - haikuCost(sumUsage([priced?.usage ?? null]))),
    ).toBeLessThan(1e-9);
  });

  it("pushes the new totals over sessionUsage once per provider call, ending at Session.usage", async () => {
    const { api } = system;
    const { user, sessionId, run } = await keyedSession();
    const socket = api.ws(user.token);
    try {
      const subscription = socket.subscribe<{ sessionUsage: UsageTotals }>(SESSION_USAGE, {
        sessionId,
      });
      // The current totals come first (nothing yet): the subscription is live from here on.
      const initial = await readUntil(
        subscription,
        (d) => d.sessionUsage,
        () => true,
      );
      expect(initial[0]?.apiCalls).toBe(0);

      await run("one");
      await run("two");
      await run("three");
      const pushes = await readUntil(
        subscription,
        (d) => d.sessionUsage,
        (totals) => totals.apiCalls >= 3,
      );
      // One push per call, each with that call added, nothing skipped or repeated.
      expect(pushes.map((totals) => totals.apiCalls)).toEqual([1, 2, 3]);
      for (const [previous, next] of pushes
        .slice(0, -1)
        .map((p, i) => [p, pushes[i + 1]] as const)) {
        expect(next?.outputTokens).toBeGreaterThan(previous.outputTokens);
        expect(next?.estimatedCostUsd).toBeGreaterThan(previous.estimatedCostUsd);
      }
      expect(pushes.at(-1)).toEqual(await sessionUsage(api, user.token, sessionId));
    } finally {
      await socket.dispose();
    }
  });

  it("returns a usage series whose buckets hold the calls and add up to the totals", async () => {
    const { api } = system;
    const { user, sessionId, run, calls } = await keyedSession();
    await run("for the chart");
    await run("for the chart again");

    const now = Date.now();
    const from = new Date(now - 2 * 3_600_000).toISOString();
    const to = new Date(now + 3_600_000).toISOString();
    const data = await api.ok<{
      session: { usageSeries: (UsageTotals & { start: string })[] } | null;
    }>(
      `query ($id: ID!, $from: DateTime!, $to: DateTime!) {
        session(id: $id) { usageSeries(bucket: HOUR, from: $from, to: $to) { start ${USAGE_FIELDS} } }
      }`,
      { id: sessionId, from, to },
      user.token,
    );
    const buckets = data.session?.usageSeries ?? [];
    // Every hour of the range, empty ones included, consecutive.
    expect(buckets.length).toBeGreaterThanOrEqual(3);
    const starts = buckets.map((bucket) => Date.parse(bucket.start));
    for (const [i, start] of starts.slice(1).entries()) {
      expect(start - (starts[i] ?? 0)).toBe(3_600_000);
    }
    // Each call lands in the bucket that holds its time.
    for (const call of calls()) {
      const bucket = buckets.find(
        (b) =>
          Date.parse(b.start) <= call.at.getTime() &&
          call.at.getTime() < Date.parse(b.start) + 3_600_000,
      );
      expect(bucket?.apiCalls).toBeGreaterThan(0);
    }
    const totals = await sessionUsage(api, user.token, sessionId);
    const sum = (field: keyof UsageTotals) =>
      buckets.reduce((total, bucket) => total + bucket[field], 0);
    expect(sum("apiCalls")).toBe(2);
    for (const field of [
      "inputTokens",
      "outputTokens",
      "cacheReadTokens",
      "cacheWriteTokens",
      "reasoningTokens",
      "totalTokens",
      "apiCalls",
      "unpricedCalls",
    ] as const) {
      expect(sum(field), field).toBe(totals[field]);
    }
    expect(Math.abs(sum("estimatedCostUsd") - totals.estimatedCostUsd)).toBeLessThan(1e-9);
  });
});
