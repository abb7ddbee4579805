import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { ProcessRuntime } from "../../src/runtime/process-runtime.js";
import { buildHostForTests } from "./fixtures/agent-host.js";
import { collect, describeRuntimeContract, runInput } from "./runtime.contract.js";

const standIn = join(import.meta.dirname, "fixtures", "stand-in-agent.mjs");
const realBundle = join(import.meta.dirname, "..", "..", "..", "agent", "dist", "agent.mjs");
const dataDir = await mkdtemp(join(tmpdir(), "agentry-process-runtime-"));
const hostScript = await buildHostForTests();
const silent = pino({ level: "silent" });

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describeRuntimeContract({
  label: "process runtime with the stand-in agent",
  scriptable: true,
  createRuntime: (scope = {}) =>
    new ProcessRuntime({
      dataDir: join(dataDir, "stand-in"),
      agentScript: standIn,
      hostScript,
      logger: silent,
      ...scope,
    }),
});

describe.runIf(existsSync(realBundle))("process runtime with the real agent bundle", () => {
  describeRuntimeContract({
    label: "process runtime with agent/dist/agent.mjs",
    scriptable: false,
    createRuntime: (scope = {}) =>
      new ProcessRuntime({
        dataDir: join(dataDir, "real"),
        agentScript: realBundle,
        hostScript,
        logger: silent,
        ...scope,
      }),
    // nothing listens there: the agent must still end its run with a terminal event
    input: {
      baseUrls: {
        OPENAI: "http://127.0.0.1:9",
        ANTHROPIC: "http://127.0.0.1:9",
        GEMINI: "http://127.0.0.1:9",
      },
    },
  });
});

describe("process runtime", () => {
  it("warns loudly at construction that it does not isolate agents", () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    new ProcessRuntime({
      dataDir,
      agentScript: standIn,
      hostScript,
      logger: pino({ level: "warn" }, sink),
    });
    expect(lines).toHaveLength(1);
    const logged = JSON.parse(lines[0]!) as { level: number; msg: string };
    expect(logged.level).toBe(40);
    expect(logged.msg).toMatch(/NO ISOLATION/);
  });

  it("does not hand the worker's environment to the agent", async () => {
    const leaked = `AGENTRY_WORKER_ONLY_${randomUUID().replaceAll("-", "_")}`;
    process.env[leaked] = "worker secret";
    try {
      const runtime = new ProcessRuntime({
        dataDir,
        agentScript: standIn,
        hostScript,
        logger: silent,
        env: { EXTRA: "1" },
      });
      const agent = { agentId: randomUUID(), sessionId: randomUUID(), kind: "CHAT" } as const;
      const { handle } = await runtime.ensure(agent);
      const events = await collect(runtime, agent.agentId, runInput("env"));
      const names = JSON.parse(events[0]?.type === "text" ? events[0].delta : "[]") as string[];
      expect(names).not.toContain(leaked);
      expect(names).toEqual(expect.arrayContaining(["AGENT_WORKSPACE", "HOME", "PATH", "EXTRA"]));
      expect(events[1]).toEqual({
        type: "text",
        delta: JSON.stringify({
          AGENT_WORKSPACE: join(handle, "workspace"),
          cwd: join(handle, "workspace"),
        }),
      });
      await runtime.remove(agent.agentId);
    } finally {
      Reflect.deleteProperty(process.env, leaked);
    }
  });
});
