import Docker from "dockerode";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { anthropicKey, startSystem, type System } from "./support/system.js";
import {
  createSession,
  messages,
  replyTo,
  sendMessage,
  sessionUsage,
  setSessionBudget,
  setSessionKey,
  settled,
  spawnChatAgent,
  sumUsage,
  within,
} from "./support/flows.js";

// What a user sees when things go wrong mid-message: a key replaced during a run, provider rate
// limits, an agent container that dies, and a session that runs out of budget.

let system: System;
const docker = new Docker();

beforeAll(async () => {
  system = await startSystem();
});
afterAll(async () => {
  await system.close();
});
afterEach(() => {
  // Queued failures, holds and scripts belong to the test that set them.
  system.fake.reset();
});

/** A user with a session whose own key the fake accepts, and a chat agent. */
async function keyedSession() {
  const { api, fake } = system;
  const user = await api.signUp();
  const key = anthropicKey();
  fake.addKey(key);
  const sessionId = await createSession(api, user.token, { provider: "ANTHROPIC", secret: key });
  const agentId = await spawnChatAgent(api, user.token, sessionId);
  const send = (text: string) => sendMessage(api, user.token, agentId, text);
  const settle = (id: string, timeoutMs?: number) =>
    settled(api, user.token, sessionId, agentId, id, timeoutMs);
  /** The fake's record of calls carrying `text` as their prompt. */
  const callsFor = (text: string) => fake.calls().filter((call) => call.prompt === text);
  return { user, key, sessionId, agentId, send, settle, callsFor };
}

const containerId = async (agentId: string): Promise<string> =>
  (await docker.getContainer(`agentry-agent-${agentId}`).inspect()).Id;

describe("a key replaced during a run", () => {
  it("finishes the running message on the old key and uses the new one from the next message", async () => {
    const { api, fake } = system;
    const { user, key: oldKey, sessionId, send, settle, callsFor } = await keyedSession();
    const newKey = anthropicKey();
    fake.addKey(newKey);

    const held = fake.hold({ provider: "ANTHROPIC" });
    const running = await send("a long job on the old key");
    const call = await within(held.started, 20_000, "the running message's call");
    expect(call.key).toBe(oldKey);
    await setSessionKey(api, user.token, sessionId, newKey);
    held.release();

    expect(await settle(running)).toMatchObject({ status: "DONE", keySource: "SESSION" });
    expect(callsFor("a long job on the old key").map((c) => c.key)).toEqual([oldKey]);

    const next = await send("the next job");
    expect(await settle(next)).toMatchObject({ status: "DONE", keySource: "SESSION" });
    expect(callsFor("the next job").map((c) => c.key)).toEqual([newKey]);
  });
});

describe("provider rate limits", () => {
  it("retries a rate-limited message with backoff until it succeeds, counting only the call that answered", async () => {
    const { api, fake } = system;
    const { user, sessionId, agentId, send, settle, callsFor } = await keyedSession();
    fake.failNext(1, 429);
    const id = await send("busy provider");
    const message = await settle(id);
    expect(message.status).toBe("DONE");
    expect((await replyTo(api, user.token, sessionId, agentId, id))?.text).toBe(
      "Echo: busy provider",
    );

    const calls = callsFor("busy provider");
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    // Backoff: the retry waited (BullMQ's exponential backoff starts at 1 s).
    expect(calls[1]!.at.getTime() - calls[0]!.at.getTime()).toBeGreaterThanOrEqual(900);
    const usage = await sessionUsage(api, user.token, sessionId);
    expect(usage).toMatchObject({ ...sumUsage([calls[1]!.usage]), apiCalls: 1 });
  });

  it("fails with RATE_LIMITED once every attempt was refused", async () => {
    const { api, fake } = system;
    const { user, sessionId, send, settle, callsFor } = await keyedSession();
    fake.failNext(10, 429);
    const id = await send("still busy");
    const message = await settle(id, 30_000);
    expect(message).toMatchObject({
      status: "FAILED",
      errorCode: "RATE_LIMITED",
      errorMessage: "Rate limited by Anthropic — try again shortly",
    });
    // Four attempts, no more; none of them cost anything.
    expect(callsFor("still busy").map((c) => c.status)).toEqual([429, 429, 429, 429]);
    expect((await sessionUsage(api, user.token, sessionId)).apiCalls).toBe(0);
  });
});

describe("an agent container that dies", () => {
  it("fails the running message with AGENT_FAILED naming the container, and runs the next one in a fresh container", async () => {
    const { api, fake } = system;
    const { user, sessionId, agentId, send, settle } = await keyedSession();
    const held = fake.hold({ provider: "ANTHROPIC" });
    const doomed = await send("about to lose my container");
    await within(held.started, 20_000, "the call in the doomed container");
    const before = await containerId(agentId);
    await docker.getContainer(`agentry-agent-${agentId}`).kill();
    held.release();

    const failed = await settle(doomed);
    expect(failed).toMatchObject({ status: "FAILED", errorCode: "AGENT_FAILED" });
    expect(failed.errorMessage).toMatch(/container/i);

    const next = await send("try again");
    expect(await settle(next)).toMatchObject({ status: "DONE" });
    expect((await replyTo(api, user.token, sessionId, agentId, next))?.text).toBe(
      "Echo: try again",
    );
    expect(await containerId(agentId)).not.toBe(before);
  });
});

describe("session budgets", () => {
  it("stops a run that crosses the budget after its call, refuses the next message, and runs again once raised", async () => {
    const { api, fake } = system;
    const { user, sessionId, agentId, send, settle, callsFor } = await keyedSession();
    // Far below one haiku call (about $0.0001 for a short message).
    const budgetUsd = 0.000_01;
    await setSessionBudget(api, user.token, sessionId, budgetUsd);

    const crossing = await send("spend past the budget");
    const message = await settle(crossing);
    // The call that crossed is counted and its reply kept. The run is stopped at once; whether
    // the chat agent's `done` (sent right after its only call) beat the stop decides between
    // DONE and BUDGET_EXCEEDED — either way no further call is made.
    expect(
      message.status === "DONE" ||
        (message.status === "FAILED" && message.errorCode === "BUDGET_EXCEEDED"),
      JSON.stringify(message),
    ).toBe(true);
    expect(callsFor("spend past the budget")).toHaveLength(1);
    const usage = await sessionUsage(api, user.token, sessionId);
    expect(usage.apiCalls).toBe(1);
    expect(usage.estimatedCostUsd).toBeGreaterThanOrEqual(budgetUsd);
    expect((await replyTo(api, user.token, sessionId, agentId, crossing))?.text).toBe(
      "Echo: spend past the budget",
    );

    // Refused at once, before anything is queued or called.
    const callsBefore = fake.calls().length;
    const refused = await api.fail(
      `mutation ($agentId: ID!) { sendMessage(agentId: $agentId, text: "one more?") { id } }`,
      { agentId },
      user.token,
    );
    expect(refused.extensions?.code).toBe("BUDGET_EXCEEDED");
    const stored = await messages(api, user.token, sessionId, agentId);
    expect(stored.some((m) => m.text === "one more?")).toBe(false);
    expect(fake.calls()).toHaveLength(callsBefore);

    await setSessionBudget(api, user.token, sessionId, 1);
    const resumed = await send("within the new budget");
    expect(await settle(resumed)).toMatchObject({ status: "DONE" });
  });
});
