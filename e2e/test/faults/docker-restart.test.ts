import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession, sendMessage, settled, spawnChatAgent, within } from "../support/flows.js";
import { anthropicKey, startSystem, type System } from "../support/system.js";
import { spawnWorkerProcess, type WorkerProcess } from "../support/worker-process.js";
import { startDockerEngine, type DockerEngine, engineAvailable } from "./support/docker-engine.js";
import { expectBilledExactlyOnce, type SentMessage } from "./support/ledger.js";
import { closeSystem } from "./support/teardown.js";

// The Docker engine restarted (stopped with SIGTERM, as `systemctl restart docker` does, then
// started again) under a worker with agents on it: one mid-message, one idle, one sent a message
// while the engine is down.
//
// The engine is a second dockerd of this file's own (own data root, exec root, containerd, pid
// file and socket; platform notes' flags), not the machine's, which other test runs share. Its
// agent image is the real layering with no CLIs (the chat agent needs the Debian base and the
// bundle; the base is copied from the machine's engine). The engine runs without live-restore,
// Docker's default: a restart stops every container, so the run in flight dies with it — the
// honest case, and the one a worker must handle anyway (live-restore does not survive a daemon
// upgrade across versions, nor a host reboot). The worker runs as operators run it (src/main.ts
// in a child process) with DOCKER_HOST pointing at this engine.

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

let engine: DockerEngine | undefined;
let system: System | undefined;
let worker: WorkerProcess | undefined;
const workerLines: string[] = [];

const errorLines = (): string[] => workerLines.filter((line) => /"level":(50|60)/.test(line));

// Skipped, saying why, where a second dockerd needs the dockerd binary and root.
describe.skipIf(!engineAvailable())("the Docker engine restarted", () => {
  beforeAll(async () => {
    engine = await within(startDockerEngine(REPO_ROOT), 120_000, "the test's engine and image");
    system = await within(startSystem({ startWorker: false }), 60_000, "the system starts");
    worker = spawnWorkerProcess(system, {
      onLine: (line) => workerLines.push(line),
      env: { DOCKER_HOST: engine.host, AGENT_IMAGE: engine.image, LOG_LEVEL: "info" },
    });
    await within(worker.ready, 60_000, "the worker on the test's engine becomes ready");
  }, 180_000);
  afterAll(async () => {
    try {
      await within(worker?.stop() ?? Promise.resolve(), 30_000, "the worker stops");
      await closeSystem(system);
    } finally {
      await within(engine?.close() ?? Promise.resolve(), 60_000, "the test's engine stops");
    }
  }, 180_000);

  it("fails the run it killed with a reason, runs a message sent while it was down, finds the agents again and runs their next messages", async ({
    annotate,
  }) => {
    if (system === undefined || engine === undefined) throw new Error("not started");
    const started = Date.now();
    const { api, fake } = system;
    const user = await api.signUp();
    const key = anthropicKey();
    fake.addKey(key);
    const sessionId = await createSession(api, user.token, { provider: "ANTHROPIC", secret: key });
    const busy = await spawnChatAgent(api, user.token, sessionId);
    const idle = await spawnChatAgent(api, user.token, sessionId);
    const sent: (SentMessage & { agentId: string })[] = [];
    const send = async (agentId: string, text: string): Promise<string> => {
      const id = await sendMessage(api, user.token, agentId, text);
      sent.push({ id, text, sessionId, agentId });
      return id;
    };
    const done = (agentId: string, id: string, timeoutMs = 60_000) =>
      settled(api, user.token, sessionId, agentId, id, timeoutMs);

    // Both agents have run once: their containers exist, their workspaces hold a journal.
    const firstBusy = await send(busy, "before the restart, busy agent");
    const firstIdle = await send(idle, "before the restart, idle agent");
    expect(await done(busy, firstBusy)).toMatchObject({ status: "DONE" });
    expect(await done(idle, firstIdle)).toMatchObject({ status: "DONE" });
    const containerBefore = await engine.docker.getContainer(`agentry-agent-${busy}`).inspect();

    // A call in flight on the busy agent when the engine goes down.
    const held = fake.hold({ provider: "ANTHROPIC" });
    const cut = await send(busy, "in flight when the engine stops");
    await within(held.started, 30_000, "the busy agent's call starts");
    const stopAt = Date.now();
    await engine.stop();
    const stopMs = Date.now() - stopAt;
    held.release();
    // Sent while the engine is down: it waits for the engine rather than failing.
    const whileDown = await send(idle, "sent while the engine is down");
    await engine.start();

    const killed = await done(busy, cut);
    expect(killed.status).toBe("FAILED");
    expect(killed.errorCode).toBe("AGENT_FAILED");
    expect(killed.errorMessage).toMatch(/container|engine/i);
    expect(await done(idle, whileDown)).toMatchObject({ status: "DONE" });

    // Found again: the next message of each agent runs, the busy one's in a new container on
    // the workspace it had (its first run's journal is still there).
    const nextBusy = await send(busy, "after the restart, busy agent");
    const nextIdle = await send(idle, "after the restart, idle agent");
    expect(await done(busy, nextBusy)).toMatchObject({ status: "DONE" });
    expect(await done(idle, nextIdle)).toMatchObject({ status: "DONE" });
    const containerAfter = await engine.docker.getContainer(`agentry-agent-${busy}`).inspect();
    expect(containerAfter.Id).not.toBe(containerBefore.Id);
    expect(containerAfter.Mounts.map((mount) => mount.Name)).toContain(`agentry-workspace-${busy}`);
    const journal = await engine.docker
      .getContainer(containerAfter.Id)
      .getArchive({ path: `/workspace/.agentry/runs/${firstBusy}.1.ndjson` });
    journal.resume();

    // The cut call was never answered in full: nothing billed for it; all else billed once.
    const billed = await expectBilledExactlyOnce({
      api,
      fake,
      token: user.token,
      sessions: [{ id: sessionId, key }],
      sent,
    });
    expect(errorLines()).toEqual([]);
    await annotate(
      `engine stop ${stopMs} ms; ${sent.length} messages, ${billed} calls billed once; ` +
        `test ${Math.round((Date.now() - started) / 1000)} s`,
    );
  }, 180_000);
});
