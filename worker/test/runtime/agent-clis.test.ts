import { randomUUID } from "node:crypto";
import { copyFile, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureAgentClis } from "@agentry/agent/clis";
import { AGENT_IMAGE_LAYOUT, ensureAgentImage } from "../../src/runtime/agent-image.js";
import { createAgentRuntime } from "../../src/runtime/create-runtime.js";
import { DockerRuntime } from "../../src/runtime/docker-runtime.js";
import type { AgentRuntime } from "../../src/runtime/runtime.js";
import { buildHostForTests } from "./fixtures/agent-host.js";
import { collect, runInput } from "./runtime.contract.js";

// The agent CLIs where the runtimes run them: in an agent container (the docker runtime's own
// hardening: non-root, read-only root, no capabilities, no network) and as local processes.

const repoRoot = join(import.meta.dirname, "..", "..", "..");
const standIn = join(import.meta.dirname, "fixtures", "stand-in-agent.mjs");
const docker = new Docker();
const silent = pino({ level: "silent" });

const pinned = (
  JSON.parse(await readFile(join(repoRoot, "agent", "clis", "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
  }
).dependencies;
const CLIS = [
  ["claude", pinned["@anthropic-ai/claude-code"]],
  ["codex", pinned["@openai/codex"]],
  ["gemini", pinned["@google/gemini-cli"]],
  ["copilot", pinned["@github/copilot"]],
  ["opencode", pinned["opencode-ai"]],
] as const;

interface VersionReport {
  status: number | null;
  stdout: string;
  stderr: string;
  error?: string;
  unpackedIntoHome: boolean;
}

async function cliVersion(runtime: AgentRuntime, agentId: string, cli: string) {
  const events = await collect(runtime, agentId, runInput(`cli-version ${cli}`));
  expect(events.at(-1)).toEqual({ type: "done" });
  const [first] = events;
  if (first?.type !== "text")
    throw new Error(`no report from the stand-in: ${JSON.stringify(events)}`);
  return JSON.parse(first.delta) as VersionReport;
}

const clis = await ensureAgentClis();
const hostBundle = await buildHostForTests();

describe("the agent CLIs in an agent container", { timeout: 120_000 }, () => {
  const sessionId = randomUUID();
  const agentId = randomUUID();
  let runtime: DockerRuntime;

  beforeAll(async () => {
    // a cold build (Debian root, CLIs layer) takes minutes on a fresh machine; then it is cached
    const image = await ensureAgentImage({
      docker,
      repoRoot,
      agentClis: clis,
      agentBundle: standIn,
      hostBundle,
    });
    runtime = new DockerRuntime({ docker, image, logger: silent, networkMode: "none" });
    await runtime.ensure({ agentId, sessionId, kind: "CLAUDE_CODE" });
  }, 30 * 60_000);

  afterAll(async () => {
    await runtime.removeSession(sessionId);
  });

  it.each(CLIS)("runs %s --version (pinned %s) as the agent user", async (cli, version) => {
    const report = await cliVersion(runtime, agentId, cli);
    expect(report).toMatchObject({ status: 0 });
    expect(report.stdout).toContain(version);
    // Copilot used the copy unpacked at install time instead of unpacking 235 MB into HOME
    expect(report.unpackedIntoHome).toBe(false);
  });

  it("loads Gemini's native terminal module against the image's glibc", async () => {
    const modulePath = `${AGENT_IMAGE_LAYOUT.clis}/node_modules/@lydell/node-pty`;
    const events = await collect(runtime, agentId, runInput(`load-module ${modulePath}`));
    expect(events).toEqual([{ type: "text", delta: "loaded" }, { type: "done" }]);
  });
});

describe("the agent CLIs under the process runtime", () => {
  let repo: string;
  let runtime: AgentRuntime;

  beforeAll(async () => {
    // a repository root with the stand-in as its agent bundle
    repo = await mkdtemp(join(tmpdir(), "agentry-clis-process-"));
    await mkdir(join(repo, "agent", "dist"), { recursive: true });
    await copyFile(standIn, join(repo, "agent", "dist", "agent.mjs"));
    await copyFile(hostBundle, join(repo, "agent", "dist", "agent-host.mjs"));
    runtime = await createAgentRuntime({
      kind: "process",
      docker,
      repoRoot: repo,
      logger: silent,
      dataDir: join(repo, "data"),
    });
  }, 10 * 60_000);

  afterAll(async () => {
    await rm(repo, { recursive: true, force: true });
  });

  it("hands runs the machine's CLI install through AGENT_CLI_BIN", async () => {
    const agent = { agentId: randomUUID(), sessionId: randomUUID(), kind: "CODEX" } as const;
    await runtime.ensure(agent);
    const report = await cliVersion(runtime, agent.agentId, "codex");
    expect(report).toMatchObject({ status: 0 });
    expect(report.stdout).toContain(pinned["@openai/codex"]);
  });
});
