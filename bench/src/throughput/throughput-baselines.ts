import { randomUUID } from "node:crypto";
import type { AgentRunInput } from "@agentry/core";
import type { AgentRuntime } from "@agentry/worker";
import { now } from "../lib/clock.js";
import { providerCall } from "../dispatch/dispatch-baselines.js";

// The throughput bench's baselines: the same runs handed to the worker's runtime directly, and
// the fake provider's streaming call alone, each with at most `concurrency` in flight.

export interface Loops {
  readonly sent: number;
  readonly done: number;
  readonly elapsedMs: number;
  readonly latencies: readonly number[];
}

/** Runs `tasks` with at most `concurrency` at once; each task's duration is a latency. */
async function limited(
  tasks: readonly (() => Promise<boolean>)[],
  concurrency: number,
): Promise<Loops> {
  const latencies: number[] = [];
  let next = 0;
  let done = 0;
  const started = now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let task = tasks[next++]; task !== undefined; task = tasks[next++]) {
        const taskStarted = now();
        if (await task()) {
          done += 1;
          latencies.push(now() - taskStarted);
        }
      }
    }),
  );
  return { sent: tasks.length, done, elapsedMs: now() - started, latencies };
}

/**
 * Interleaves the agents' runs (agent 0, 1, … then again), so consecutive runs of one agent
 * are as far apart as the concurrency allows; a run of an agent never overlaps another of the
 * same agent as long as `concurrency` ≤ the number of agents.
 */
export async function runtimeLoops(
  runtime: AgentRuntime,
  options: {
    agentIds: readonly string[];
    runsPerAgent: number;
    concurrency: number;
    apiKey: string;
    baseUrl: string;
    model: string;
  },
): Promise<Loops> {
  const tasks: (() => Promise<boolean>)[] = [];
  for (let round = 0; round < options.runsPerAgent; round += 1) {
    for (const agentId of options.agentIds) {
      tasks.push(async () => {
        const input: AgentRunInput = {
          messageId: randomUUID(),
          kind: "CHAT",
          attempt: 1,
          text: `runtime baseline ${round}`,
          provider: "ANTHROPIC",
          model: options.model,
          credential: { kind: "API_KEY", secret: options.apiKey },
          baseUrls: { ANTHROPIC: options.baseUrl },
          maxCalls: null,
          timeLimitMs: 60_000,
        };
        let ok = false;
        for await (const event of runtime.run(agentId, input)) ok = event.type === "done";
        return ok;
      });
    }
  }
  return limited(tasks, Math.min(options.concurrency, options.agentIds.length));
}

export async function providerLoops(options: {
  loops: number;
  runsPerLoop: number;
  concurrency: number;
  apiKey: string;
  baseUrl: string;
  model: string;
}): Promise<Loops> {
  const tasks = Array.from(
    { length: options.loops * options.runsPerLoop },
    (_, index) => () =>
      providerCall(
        options.baseUrl,
        options.apiKey,
        options.model,
        `provider baseline ${index}`,
      ).then((call) => Number.isFinite(call.firstTextMs)),
  );
  return limited(tasks, options.concurrency);
}
