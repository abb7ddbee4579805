import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureAgentClis } from "@agentry/agent/clis";
import { createAgentRuntime } from "../../src/runtime/create-runtime.js";
import { buildHostForTests } from "./fixtures/agent-host.js";

const silent = pino({ level: "silent" });
const unreachable = new Docker({ socketPath: join(tmpdir(), "agentry-no-engine-here.sock") });

describe("createAgentRuntime", () => {
  let repoRoot: string;
  beforeAll(async () => {
    // the process runtime's runs use the machine's CLI install: made here on a fresh machine
    // (a minute or two), so the tests below find it
    await ensureAgentClis();
    // a repository root with an agent bundle in place (the stand-in)
    repoRoot = await mkdtemp(join(tmpdir(), "agentry-create-runtime-"));
    await mkdir(join(repoRoot, "agent", "dist"), { recursive: true });
    await copyFile(
      join(import.meta.dirname, "fixtures", "stand-in-agent.mjs"),
      join(repoRoot, "agent", "dist", "agent.mjs"),
    );
    await copyFile(await buildHostForTests(), join(repoRoot, "agent", "dist", "agent-host.mjs"));
  }, 10 * 60_000);
  afterAll(async () => {
    await rm(repoRoot, { recursive: true, force: true });
  });

  it("picks docker when the engine answers and no runtime is configured", async () => {
    const runtime = await createAgentRuntime({
      docker: new Docker(),
      repoRoot,
      logger: silent,
      image: "agentry-agent:given",
    });
    expect(runtime.name).toBe("docker");
  });

  it("falls back to the process runtime when no engine answers", async () => {
    const runtime = await createAgentRuntime({
      docker: unreachable,
      repoRoot,
      logger: silent,
      dataDir: join(repoRoot, "data"),
    });
    expect(runtime.name).toBe("process");
  });

  it("uses the configured runtime without asking the engine", async () => {
    const runtime = await createAgentRuntime({
      kind: "process",
      docker: new Docker(),
      repoRoot,
      logger: silent,
      dataDir: join(repoRoot, "data"),
    });
    expect(runtime.name).toBe("process");
    await expect(
      createAgentRuntime({ kind: "docker", docker: unreachable, repoRoot, logger: silent }),
    ).rejects.toThrow();
  });

  it("refuses the process runtime when the agent bundle was not built", async () => {
    const empty = await mkdtemp(join(tmpdir(), "agentry-no-bundle-"));
    try {
      await expect(
        createAgentRuntime({
          kind: "process",
          docker: unreachable,
          repoRoot: empty,
          logger: silent,
        }),
      ).rejects.toThrow(/npm run build -w @agentry\/agent/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
