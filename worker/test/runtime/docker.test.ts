import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import Docker from "dockerode";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureAgentClis } from "@agentry/agent/clis";
import type { AgentEvent } from "@agentry/core";
import { AGENT_IMAGE_LAYOUT, ensureAgentImage } from "../../src/runtime/agent-image.js";
import { DockerRuntime, type DockerRuntimeOptions } from "../../src/runtime/docker-runtime.js";
import type { AgentRef } from "../../src/runtime/runtime.js";
import { buildHostForTests } from "./fixtures/agent-host.js";
import {
  collect,
  describeRuntimeContract,
  expectAgentFailed,
  last,
  newSecret,
  runInput,
  texts,
} from "./runtime.contract.js";

const repoRoot = join(import.meta.dirname, "..", "..", "..");
const standIn = join(import.meta.dirname, "fixtures", "stand-in-agent.mjs");
const realBundle = join(repoRoot, "agent", "dist", "agent.mjs");
const docker = new Docker();
const silent = pino({ level: "silent" });

// Built once for the machine (content-hashed tags: a no-op when the image already exists; cold,
// the Debian base and the CLIs layer take minutes, then only the bundle layer is rebuilt).
const images = { standIn: "", real: "" };
beforeAll(async () => {
  const started = performance.now();
  const agentClis = await ensureAgentClis();
  const hostBundle = await buildHostForTests();
  images.standIn = await ensureAgentImage({
    docker,
    repoRoot,
    agentClis,
    agentBundle: standIn,
    hostBundle,
  });
  if (existsSync(realBundle)) {
    images.real = await ensureAgentImage({ docker, repoRoot, agentClis, hostBundle });
  }
  console.info(`agent image(s) ready in ${Math.round(performance.now() - started)} ms`);
}, 30 * 60_000);

const runtimeFor =
  (image: () => string, options: Partial<DockerRuntimeOptions> = {}) =>
  (scope: { namespace?: string } = {}): DockerRuntime =>
    // host network: a real agent in the container could reach a fake provider on 127.0.0.1
    new DockerRuntime({
      docker,
      image: image(),
      logger: silent,
      networkMode: "host",
      ...options,
      ...scope,
    });

const killContainer = async (agentId: string): Promise<void> => {
  await docker.getContainer(DockerRuntime.containerName(agentId)).kill();
};

describeRuntimeContract({
  label: "docker runtime with the stand-in agent",
  scriptable: true,
  createRuntime: runtimeFor(() => images.standIn),
  killEnvironment: killContainer,
});

describe.runIf(existsSync(realBundle))("docker runtime with the real agent bundle", () => {
  describeRuntimeContract({
    label: "docker runtime with agent/dist/agent.mjs",
    scriptable: false,
    createRuntime: runtimeFor(() => images.real, { networkMode: "none" }),
    killEnvironment: killContainer,
  });
});

describe("docker runtime", { timeout: 60_000 }, () => {
  const sessionId = randomUUID();
  const newAgent = (): AgentRef => ({ agentId: randomUUID(), sessionId, kind: "CLAUDE_CODE" });
  const runtime = (options: Partial<DockerRuntimeOptions> = {}): DockerRuntime =>
    runtimeFor(() => images.standIn, options)();

  afterAll(async () => {
    await runtime().removeSession(sessionId);
  });

  it("keeps the run's credential out of the container's inspect output and its logs", async () => {
    const subject = runtime();
    const agent = newAgent();
    await subject.ensure(agent);
    const secret = newSecret();
    const controller = new AbortController();
    let inspected = "";
    for await (const event of subject.run(agent.agentId, runInput("hang secret.pid", secret), {
      signal: controller.signal,
    })) {
      if (event.type === "text" && event.delta === "started") {
        const container = await docker
          .getContainer(DockerRuntime.containerName(agent.agentId))
          .inspect();
        // the run reached the container through its host's channel, not an exec
        expect(container.ExecIDs ?? []).toEqual([]);
        // what the host prints (the runs' events) is kept nowhere by the engine
        expect(container.HostConfig.LogConfig).toMatchObject({ Type: "none" });
        inspected = JSON.stringify(container);
        controller.abort();
      }
    }
    expect(inspected).toContain(agent.agentId); // the search looked at the right container
    expect(inspected).not.toContain(secret);
    const volume = await docker.getVolume(DockerRuntime.volumeName(agent.agentId)).inspect();
    expect(JSON.stringify(volume)).not.toContain(secret);
  });

  it("creates the container with the configured limits, non-root and read-only", async () => {
    const subject = runtime({
      cpus: 0.5,
      memoryBytes: 300 * 1024 * 1024,
      pidsLimit: 64,
      networkMode: "none",
    });
    const agent = newAgent();
    const { handle } = await subject.ensure(agent);
    const container = await docker.getContainer(handle).inspect();
    expect(container.Name).toBe(`/agentry-agent-${agent.agentId}`);
    expect(container.Config.Labels).toMatchObject({
      "agentry.agent": agent.agentId,
      "agentry.session": sessionId,
      "agentry.kind": "CLAUDE_CODE",
    });
    expect(container.Config.User).toBe(`${AGENT_IMAGE_LAYOUT.uid}:${AGENT_IMAGE_LAYOUT.gid}`);
    expect(container.HostConfig).toMatchObject({
      NanoCpus: 500_000_000,
      Memory: 300 * 1024 * 1024,
      MemorySwap: 300 * 1024 * 1024,
      PidsLimit: 64,
      NetworkMode: "none",
      ReadonlyRootfs: true,
      CapDrop: ["ALL"],
    });
    expect(container.Mounts).toContainEqual(
      expect.objectContaining({
        Type: "volume",
        Name: `agentry-workspace-${agent.agentId}`,
        Destination: "/workspace",
      }),
    );
  });

  it("replaces the container when the image changes, keeping the workspace", async () => {
    const agent = newAgent();
    const old = runtime();
    const first = await old.ensure(agent);
    expect(last(await collect(old, agent.agentId, runInput("write upgrade.txt before")))).toEqual({
      type: "done",
    });
    const repo = images.standIn.split(":")[0] ?? "";
    const tag = `test-${agent.agentId}`;
    const retagged = `${repo}:${tag}`;
    await docker.getImage(images.standIn).tag({ repo, tag });
    try {
      const upgraded = runtime({ image: retagged });
      const second = await upgraded.ensure(agent);
      expect(second).toMatchObject({ created: true });
      expect(second.handle).not.toBe(first.handle);
      expect(texts(await collect(upgraded, agent.agentId, runInput("read upgrade.txt")))).toEqual([
        "before",
      ]);
      await upgraded.remove(agent.agentId);
    } finally {
      await docker.getImage(retagged).remove();
    }
  });

  it("reports a container killed mid-run as AGENT_FAILED, and the next ensure makes a fresh one", async () => {
    const subject = runtime();
    const agent = newAgent();
    const first = await subject.ensure(agent);
    const events: AgentEvent[] = [];
    for await (const event of subject.run(agent.agentId, runInput("hang"))) {
      events.push(event);
      if (event.type === "text") await killContainer(agent.agentId);
    }
    expectAgentFailed(events, /stopped during the run/);
    const second = await subject.ensure(agent);
    expect(second.handle).not.toBe(first.handle);
    expect(texts(await collect(subject, agent.agentId, runInput("echo fresh")))).toEqual(["fresh"]);
  });

  it("reports an agent killed for running out of memory", async () => {
    const subject = runtime({ memoryBytes: 192 * 1024 * 1024 });
    const agent = newAgent();
    await subject.ensure(agent);
    const events = await collect(subject, agent.agentId, runInput("oom"));
    expectAgentFailed(events, /ran out of memory \(limit 192 MiB\) and was killed/);
    // the container itself lives on, and the next message runs in it
    expect(texts(await collect(subject, agent.agentId, runInput("echo after")))).toEqual(["after"]);
  });

  it("starts agents cold and runs messages warm within a few seconds", async () => {
    const subject = runtime();
    const agent = newAgent();
    let started = performance.now();
    await subject.ensure(agent);
    const cold = performance.now() - started;
    started = performance.now();
    await subject.ensure(agent);
    const warmEnsure = performance.now() - started;
    const rounds: number[] = [];
    for (let round = 0; round < 3; round += 1) {
      started = performance.now();
      expect(texts(await collect(subject, agent.agentId, runInput("echo ping")))).toEqual(["ping"]);
      rounds.push(performance.now() - started);
    }
    console.info(
      `docker runtime: cold ensure ${Math.round(cold)} ms, warm ensure ${Math.round(warmEnsure)} ms, ` +
        `message round trips ${rounds.map((ms) => Math.round(ms)).join("/")} ms`,
    );
    expect(cold).toBeLessThan(10_000);
    expect(Math.min(...rounds)).toBeLessThan(3_000);
  });
});
