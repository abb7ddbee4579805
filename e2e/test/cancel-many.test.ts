import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "@agentry/api/testing";
import { anthropicKey, startSystem, type System } from "./support/system.js";
import {
  createSession,
  messages,
  sendMessage,
  settled,
  spawnChatAgent,
  within,
  type MessageView,
} from "./support/flows.js";
import { spawnWorkerProcess, type WorkerProcess } from "./support/worker-process.js";

// cancelMessage in a deployment of several processes: two workers (this process's and a child
// process, one run at a time each, so two runs at once are one on each) and two api processes.
// The stop is asked of the api that did not take the messages, and reaches whichever worker runs
// each one.

let system: System;
let worker: WorkerProcess;
let otherApi: TestApi;
const childLines: string[] = [];

beforeAll(async () => {
  system = await startSystem({ runtime: "process", env: { WORKER_CONCURRENCY: "1" } });
  worker = spawnWorkerProcess(system, {
    onLine: (line) => {
      childLines.push(line);
    },
  });
  await worker.ready;
  otherApi = await startTestApi({ shareWith: system.api });
});
afterAll(async () => {
  await otherApi.close();
  await worker.stop();
  await system.close();
});

const CANCEL = `mutation ($id: ID!) { cancelMessage(id: $id) { id status } }`;

describe("stopping replies across processes", () => {
  it("stops two runs on two workers through the other api process, and both agents go on", async () => {
    const { api, fake } = system;
    const user = await api.signUp();
    const key = anthropicKey();
    fake.addKey(key);
    const sessionId = await createSession(api, user.token, { provider: "ANTHROPIC", secret: key });
    const agents = [
      await spawnChatAgent(api, user.token, sessionId),
      await spawnChatAgent(api, user.token, sessionId),
    ];
    const holds = [fake.hold({ provider: "ANTHROPIC" }), fake.hold({ provider: "ANTHROPIC" })];
    const running: string[] = [];
    for (const [i, agentId] of agents.entries()) {
      running.push(await sendMessage(api, user.token, agentId, `long job ${i}`));
    }
    try {
      // Both calls in flight at once: with one run per worker, each worker runs one.
      await within(Promise.all(holds.map((hold) => hold.started)), 30_000, "both runs' calls");
      const stopped = await Promise.all(
        running.map(
          async (id) =>
            (await otherApi.ok<{ cancelMessage: MessageView }>(CANCEL, { id }, user.token))
              .cancelMessage,
        ),
      );
      expect(stopped.map((message) => message.status)).toEqual(["CANCELLED", "CANCELLED"]);
      // One run on each worker, each stopped where it ran.
      const stoppedIn = (lines: readonly string[]) =>
        lines.filter((line) => line.includes('"msg":"run stopped on request"')).length;
      expect([stoppedIn(system.workerLogs()), stoppedIn(childLines)]).toEqual([1, 1]);
    } finally {
      for (const hold of holds) hold.release();
    }
    for (const [i, agentId] of agents.entries()) {
      const next = await sendMessage(api, user.token, agentId, `next job ${i}`);
      expect(await settled(api, user.token, sessionId, agentId, next)).toMatchObject({
        status: "DONE",
      });
      const stored = await messages(api, user.token, sessionId, agentId);
      expect(stored.find((m) => m.id === running[i])?.status).toBe("CANCELLED");
    }
  });
});
