import { setTimeout as sleep } from "node:timers/promises";
import type { RecordedCall } from "@agentry/fake-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anthropicKey, startSystem, type System } from "./support/system.js";
import {
  createSession,
  sendMessage,
  sessionUsage,
  settled,
  spawnChatAgent,
  sumUsage,
  within,
  type TokenSums,
} from "./support/flows.js";
import { until } from "./support/until.js";
import { spawnWorkerProcess, type WorkerProcess } from "./support/worker-process.js";

// The worker as a real process, SIGKILLed mid-message again and again while agents stream
// (slowly) from the fake provider; a takeover settles each interrupted run from the journal the
// orphaned agent process kept writing in its container. Afterwards nothing is stuck and every
// provider call the fake answered is billed exactly once.

const ROUNDS = 5;
const KILL_MODES = ["held", "released", "claimed"] as const;
const CHUNK_DELAY_MS = 60;

let system: System;
let worker: WorkerProcess | undefined;
const workerLines: string[] = [];

beforeAll(async () => {
  system = await startSystem();
  // The worker under test runs in a child process, killed and restarted by the test.
  await system.stopWorker();
});
afterAll(async () => {
  await worker?.kill();
  system.fake.reset();
  // An in-process worker again, so close() removes the agents' containers.
  await system.startWorker();
  await system.close();
});

const startWorkerProcess = async (): Promise<WorkerProcess> => {
  worker = spawnWorkerProcess(system, {
    onLine: (line) => workerLines.push(line),
    // A takeover waits for the orphaned run at most this long (the default 30 s is for
    // real providers); a run here ends within a couple of seconds of its release.
    env: { RECOVERY_SETTLE_MS: "15000", LOG_LEVEL: "info" },
  });
  await within(worker.ready, 30_000, "the worker process becomes ready");
  return worker;
};

type StoredTokens = { readonly [K in keyof TokenSums]: bigint };

const tokensOf = (rows: readonly StoredTokens[]): TokenSums =>
  sumUsage(
    rows.map((row) => ({
      inputTokens: Number(row.inputTokens),
      outputTokens: Number(row.outputTokens),
      cacheReadTokens: Number(row.cacheReadTokens),
      cacheWriteTokens: Number(row.cacheWriteTokens),
      reasoningTokens: Number(row.reasoningTokens),
    })),
  );

const tokenTuple = (usage: TokenSums): string =>
  [
    usage.inputTokens,
    usage.outputTokens,
    usage.cacheReadTokens,
    usage.cacheWriteTokens,
    usage.reasoningTokens,
  ].join("/");

describe("a worker killed mid-message", () => {
  it("leaves every message DONE or FAILED with a reason, none stuck, and every provider call billed exactly once", async () => {
    const { api, fake } = system;
    const user = await api.signUp();
    // Two sessions (their own keys), one with two agents: rollups sum agents running in parallel.
    const sessions: { key: string; id: string }[] = [];
    for (let i = 0; i < 2; i++) {
      const key = anthropicKey();
      fake.addKey(key);
      sessions.push({
        key,
        id: await createSession(api, user.token, { provider: "ANTHROPIC", secret: key }),
      });
    }
    const [first, second] = sessions as [{ key: string; id: string }, { key: string; id: string }];
    const agents = [
      { sessionId: first.id, id: await spawnChatAgent(api, user.token, first.id) },
      { sessionId: first.id, id: await spawnChatAgent(api, user.token, first.id) },
      { sessionId: second.id, id: await spawnChatAgent(api, user.token, second.id) },
    ];
    // Slow streams (a pause before each chunk), so kills land while calls are in flight.
    fake.setDelay(CHUNK_DELAY_MS);

    const sent: { id: string; text: string; sessionId: string; agentId: string }[] = [];
    const kills: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const [index, agent] of agents.entries()) {
        const text = `round ${round} agent ${index}: please answer with a reply long enough to stream for a while`;
        const id = await sendMessage(api, user.token, agent.id, text);
        sent.push({ id, text, sessionId: agent.sessionId, agentId: agent.id });
      }
      const mode = KILL_MODES[round % KILL_MODES.length] ?? "held";
      if (mode === "claimed") {
        // Killed just as a run begins (claimed, maybe not yet started in its container).
        const since = new Date();
        const running = await startWorkerProcess();
        await until(async () => {
          const claimed = await api.prisma.message.count({
            where: { role: "USER", status: "RUNNING", startedAt: { gte: since } },
          });
          return claimed > 0;
        }, `round ${round}: a run begins`);
        await running.kill();
        kills.push(`round ${round}: killed as a run began`);
        continue;
      }
      // The next call to start pauses after its first text delta: a call in flight, for sure.
      const held = fake.hold({ provider: "ANTHROPIC" });
      const running = await startWorkerProcess();
      const call = await within(held.started, 30_000, `round ${round}: a provider call starts`);
      // Killed while that call is held mid-stream, or at a random point after its release
      // (mid-stream, recording usage, settling, or starting the agent's next run).
      const afterMs = mode === "held" ? 0 : Math.floor(Math.random() * 1500);
      if (afterMs > 0) {
        held.release();
        await sleep(afterMs);
      }
      await running.kill();
      held.release();
      kills.push(`round ${round}: call #${call.seq} in flight, killed ${afterMs} ms after`);
    }

    // A last worker stays up until everything settles, then stops gracefully.
    const last = await startWorkerProcess();
    for (const message of sent) {
      await settled(api, user.token, message.sessionId, message.agentId, message.id, 60_000);
    }
    await last.stop();
    const context = `kills: ${kills.join("; ")}`;

    // Nothing stuck: every user message finished, with a reason when it failed.
    const stored = await api.prisma.message.findMany({ where: { role: "USER" } });
    expect(stored).toHaveLength(sent.length);
    for (const message of stored) {
      expect(["DONE", "FAILED"], context).toContain(message.status);
      if (message.status === "FAILED") {
        expect(message.errorCode, context).toMatch(/^[A-Z_]+$/);
        expect(message.errorMessage, context).toBeTruthy();
      } else {
        expect(message.errorCode, context).toBeNull();
      }
    }
    const busy = await api.prisma.agent.findMany({ where: { runningMessageId: { not: null } } });
    expect(busy, context).toEqual([]);

    // Every call the fake answered in full is billed once, on the message whose text it
    // carried, with exactly the tokens the fake reported; nothing else is billed.
    const answered = fake.calls().filter((call) => call.completed && call.usage !== null);
    const events = await api.prisma.usageEvent.findMany();
    const byMessage = new Map<string, RecordedCall[]>();
    for (const call of answered) {
      const message = sent.find((m) => m.text === call.prompt.trim());
      expect(message, `a call for an unknown prompt: ${call.prompt}`).toBeDefined();
      if (message === undefined) continue;
      byMessage.set(message.id, [...(byMessage.get(message.id) ?? []), call]);
    }
    for (const message of sent) {
      const calls = byMessage.get(message.id) ?? [];
      const billed = events.filter((event) => event.messageId === message.id);
      const expected = calls.flatMap((call) => (call.usage === null ? [] : [call.usage]));
      expect(
        billed.map((e) => tokenTuple(tokensOf([e]))).sort(),
        `${message.text}; ${context}`,
      ).toEqual(expected.map((usage) => tokenTuple(usage)).sort());
      // The chat agent makes one call a message: a message is DONE exactly when its call came
      // back in full (settled from the journal when its worker died), with the whole reply.
      const status = stored.find((m) => m.id === message.id)?.status;
      expect({ status, calls: calls.length }, `${message.text}; ${context}`).toEqual(
        calls.length > 0 ? { status: "DONE", calls: 1 } : { status: "FAILED", calls: 0 },
      );
      if (status === "DONE") {
        // (by replyToId: with messages queued, the reply need not be the next message)
        const reply = await api.prisma.message.findFirst({ where: { replyToId: message.id } });
        expect(reply?.text).toBe(`Echo: ${message.text}`);
      }
    }
    expect(events).toHaveLength(answered.length);
    const keys = events.map((e) => `${e.messageId}/${e.attempt}/${e.callIndex}`);
    expect(new Set(keys).size).toBe(keys.length);

    // Each session's rollup (and Session.usage) equals the sum of its billed calls.
    for (const session of sessions) {
      const own = events.filter((event) => event.sessionId === session.id);
      const calls = answered.filter((call) => call.key === session.key);
      const expected = sumUsage(calls.map((call) => call.usage));
      expect(tokensOf(own)).toEqual(expected);
      const usage = await sessionUsage(api, user.token, session.id);
      expect(usage).toMatchObject({ ...expected, apiCalls: calls.length });
    }

    // The kills did hit runs: some were taken over and settled from their journals.
    const recovered = workerLines.filter((line) => line.includes('"msg":"recovered run"'));
    expect(recovered.length, context).toBeGreaterThanOrEqual(1);
    console.info(
      `${sent.length} messages, ${answered.length} calls, ${recovered.length} runs recovered; ` +
        `${stored.filter((m) => m.status === "FAILED").length} failed; ${context}`,
    );
    // Five kills, each waiting out a lock: near a minute on an idle machine, more under load.
  }, 240_000);

  it("does not block an agent whose slot a dead worker left held by a finished message", async () => {
    const { api, fake } = system;
    fake.setDelay(0);
    const user = await api.signUp();
    const key = anthropicKey();
    fake.addKey(key);
    const sessionId = await createSession(api, user.token, { provider: "ANTHROPIC", secret: key });
    const agentId = await spawnChatAgent(api, user.token, sessionId);
    worker = await startWorkerProcess();
    const firstId = await sendMessage(api, user.token, agentId, "first, before the crash");
    expect((await settled(api, user.token, sessionId, agentId, firstId)).status).toBe("DONE");
    await worker.kill();
    // What a worker killed after settling a message but before freeing its agent's slot
    // leaves behind (a window too narrow to hit by timing a SIGKILL).
    await api.prisma.agent.update({ where: { id: agentId }, data: { runningMessageId: firstId } });

    worker = await startWorkerProcess();
    const nextId = await sendMessage(api, user.token, agentId, "next, after the crash");
    const next = await settled(api, user.token, sessionId, agentId, nextId, 20_000);
    expect(next.status).toBe("DONE");
    await worker.stop();
  });

  it("waits for an orphaned run that had streamed nothing yet when its worker died, and bills its call", async () => {
    const { api, fake } = system;
    fake.setDelay(0);
    const user = await api.signUp();
    const key = anthropicKey();
    fake.addKey(key);
    const sessionId = await createSession(api, user.token, { provider: "ANTHROPIC", secret: key });
    const agentId = await spawnChatAgent(api, user.token, sessionId);
    // A provider slow to its first token (a long think): the journal stays empty for seconds.
    fake.script({ provider: "ANTHROPIC", text: "Finally.", delayMs: 10_000 });
    worker = await startWorkerProcess();
    const text = "slow to start";
    const id = await sendMessage(api, user.token, agentId, text);
    await until(() => fake.calls().some((call) => call.prompt === text), "the call starts");
    await worker.kill();

    worker = await startWorkerProcess();
    const message = await settled(api, user.token, sessionId, agentId, id, 40_000);
    await worker.stop();
    expect(message.status).toBe("DONE");
    const calls = fake.calls().filter((call) => call.prompt === text);
    expect(calls.map((call) => call.completed)).toEqual([true]);
    const billed = await api.prisma.usageEvent.findMany({ where: { messageId: id } });
    expect(billed.map((e) => tokenTuple(tokensOf([e])))).toEqual(
      calls.map((call) => (call.usage === null ? "none" : tokenTuple(call.usage))),
    );
  });
});
