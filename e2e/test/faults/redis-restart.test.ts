import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { within } from "../support/flows.js";
import { startSystem, type System } from "../support/system.js";
import { until } from "../support/until.js";
import { startRedisServer, type RedisServer, redisInstalled } from "./support/redis-server.js";
import { closeSystem } from "./support/teardown.js";
import { startWorkload } from "./support/workload.js";

// Redis killed (SIGKILL) and started again, empty, while messages run, others wait their turn
// and a client holds subscriptions open. Api and worker run on a redis-server of this file's own
// (the machine's is shared with other test runs), kept in memory only: the restart loses every
// job, lock, event sequence and history, as a Redis without persistence does. Agents run on the
// process runtime, since the fault is Redis, not where agents live.
// Afterwards every message is DONE (none lost with the queue), every provider call is billed
// exactly once, the open subscriptions carried on without a gap or a repeat, each side logged
// the outage once, and the worker still stops promptly.

const CHUNK_DELAY_MS = 40;
const OUTAGE_MS = 3_000;

let redis: RedisServer | undefined;
let system: System | undefined;

const outageLines = (lines: readonly string[]): string[] =>
  lines
    .filter((line) => /"msg":"redis (unreachable|reachable again)/.test(line))
    .map((line) => (JSON.parse(line) as { msg: string }).msg);
const errorLines = (lines: readonly string[]): string[] =>
  lines.filter((line) => /"level":(50|60)/.test(line));

// Skipped, saying why, where the redis-server binary is not installed.
describe.skipIf(!redisInstalled())("Redis killed and restarted empty", () => {
  beforeAll(async () => {
    redis = await within(startRedisServer(), 30_000, "the test's redis-server starts");
    system = await within(
      startSystem({ runtime: "process", redisUrl: redis.url }),
      60_000,
      "the system starts",
    );
  }, 120_000);
  afterAll(async () => {
    // Up again if the test failed during the outage: the system's cleanup needs it.
    try {
      await within(redis?.start() ?? Promise.resolve(), 30_000, "the test's redis-server is up");
      await closeSystem(system);
    } finally {
      await redis?.close();
    }
  }, 120_000);

  it("loses no message, bills every call once, keeps open subscriptions whole, and logs the outage once", async ({
    annotate,
  }) => {
    if (system === undefined || redis === undefined) throw new Error("not started");
    const started = Date.now();
    const { api, fake } = system;
    const work = await startWorkload(system);

    // Two messages per agent: one runs (slowly) while the next waits for its turn; one call is
    // held mid-stream so a run is surely in flight when Redis dies.
    fake.setDelay(CHUNK_DELAY_MS);
    const held = fake.hold({ provider: "ANTHROPIC" });
    for (let round = 0; round < 2; round++) {
      for (const index of work.agents.keys()) {
        await work.send(
          index,
          `before the outage, round ${round}, agent ${index}: streams a while`,
        );
      }
    }
    await within(held.started, 30_000, "a provider call starts");

    await redis.kill();
    const outageStarted = Date.now();
    await until(
      () =>
        outageLines(system?.workerLogs() ?? []).length > 0 && outageLines(api.logs()).length > 0,
      "api and worker notice the outage",
      10_000,
    );
    // The held call ends during the outage: its usage reaches Postgres, its events must wait.
    held.release();
    const refusedAt = Date.now();
    const refused = await api.fail(
      `mutation ($id: ID!, $t: String!) { sendMessage(agentId: $id, text: $t) { id } }`,
      { id: work.agents[0]?.id, t: "during the outage" },
      work.user.token,
    );
    const refusedMs = Date.now() - refusedAt;
    expect(refused.extensions?.code).toBe("UNAVAILABLE");
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - outageStarted)));
    await redis.start();
    await until(
      () =>
        outageLines(system?.workerLogs() ?? []).length === 2 &&
        outageLines(api.logs()).length === 2,
      "api and worker reach Redis again",
      15_000,
    );

    // And after it, one more message per agent.
    for (const index of work.agents.keys())
      await work.send(index, `after the outage, agent ${index}`);
    const billed = await work.expectAllDoneAndCounted(90_000);
    await work.close();

    // One line when the outage began and one when it ended, on each side; no error lines.
    const reported = [
      "redis unreachable; retrying quietly until it is back",
      "redis reachable again",
    ];
    expect(outageLines(system.workerLogs())).toEqual(reported);
    expect(outageLines(api.logs())).toEqual(reported);
    expect(errorLines(system.workerLogs())).toEqual([]);
    expect(errorLines(api.logs())).toEqual([]);

    // The worker stops promptly after the outage (BullMQ's close used to wait forever).
    const stopAt = Date.now();
    await within(system.stopWorker(), 15_000, "the worker stops after the outage");
    await annotate(
      `${work.sent.length} messages, ${billed} calls billed once; sendMessage during the outage ` +
        `refused in ${refusedMs} ms; subscriptions reopened ${work.reopened()} times; ` +
        `worker stopped in ${Date.now() - stopAt} ms; ` +
        `test ${Math.round((Date.now() - started) / 1000)} s`,
    );
  }, 180_000);
});
