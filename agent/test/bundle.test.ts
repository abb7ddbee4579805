import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAgentEvent, type AgentEvent } from "@agentry/core/protocol";
import {
  startFakeProvider,
  type FakeProvider,
  type FakeProviderName,
} from "@agentry/fake-provider";
import { buildAgentBundle } from "../build.mjs";
import { conversationPath } from "../src/conversation.js";
import { journalPath } from "../src/journal.js";
import { runCli } from "./support/cli.js";
import { PROVIDERS, newKey, runInput, tempWorkspace } from "./support/run-helpers.js";

// The single-file bundle is what agent images carry: it must run with plain `node`, from a
// directory with no node_modules anywhere above it.

const keys = Object.fromEntries(PROVIDERS.map((p) => [p, newKey(p)])) as Record<
  FakeProviderName,
  string
>;

let dir: string;
let bundle: string;
/** Every source file the bundle was built from (esbuild's metafile). */
let bundledInputs: string[];
let fake: FakeProvider;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "agentry-agent-bundle-"));
  const built = join(dir, "built.mjs");
  const result = await buildAgentBundle({ outfile: built });
  bundledInputs = Object.values(result.metafile.outputs).flatMap((output) =>
    Object.keys(output.inputs),
  );
  bundle = join(dir, "agent.mjs");
  await copyFile(built, bundle);
  await rm(built);
  fake = await startFakeProvider({ keys: Object.values(keys) });
}, 60_000);

afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

function parseLines(stdout: string): AgentEvent[] {
  const lines = stdout.split("\n");
  expect(lines.pop()).toBe("");
  return lines.map((line) => {
    const event = parseAgentEvent(line);
    expect(event, `not a protocol event: ${line}`).not.toBeNull();
    return event!;
  });
}

describe.each(PROVIDERS)("bundled agent on %s", (provider) => {
  it("answers a message end to end: stdin in, NDJSON events out, exit 0", async () => {
    const workspace = await tempWorkspace();
    try {
      const input = runInput(provider, keys[provider], fake);
      // The SDKs' own variables, as a process runtime would inherit them from the worker, must
      // not redirect the call or replace the credential.
      const env = {
        AGENT_WORKSPACE: workspace.path,
        ANTHROPIC_API_KEY: "sk-ant-api03-from-the-environment",
        ANTHROPIC_BASE_URL: "http://127.0.0.1:9",
        OPENAI_API_KEY: "sk-from-the-environment",
        OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
        GEMINI_API_KEY: "AIza-from-the-environment",
        GOOGLE_GEMINI_BASE_URL: "http://127.0.0.1:9",
        GOOGLE_GENAI_USE_VERTEXAI: "true",
      };
      const result = await runCli(bundle, JSON.stringify(input), env, dir);

      expect(result.code).toBe(0);
      const events = parseLines(result.stdout);
      const texts = events.filter((e) => e.type === "text");
      expect(texts.length).toBeGreaterThan(1);
      expect(texts.map((e) => e.delta).join("")).toBe(`Echo: ${input.text}`);
      expect(events.slice(-2).map((e) => e.type)).toEqual(["usage", "done"]);
      expect(events.filter((e) => e.type === "usage")).toHaveLength(1);
      const saved = await readFile(conversationPath(workspace.path), "utf8");
      expect(saved).toContain(`Echo: ${input.text}`);
      expect(saved).not.toContain(keys[provider]);
      // The journal holds exactly what stdout reported, so a worker that died mid-run can
      // settle the run from it; and never the credential.
      const journal = await readFile(
        journalPath(workspace.path, input.messageId, input.attempt),
        "utf8",
      );
      expect(journal).toBe(result.stdout);
      expect(journal).not.toContain(keys[provider]);
    } finally {
      await workspace.remove();
    }
  });

  it("exits 1 with INVALID_API_KEY on a refused key, the key on neither stdout nor stderr", async () => {
    const workspace = await tempWorkspace();
    try {
      const wrongKey = newKey(provider);
      const input = runInput(provider, wrongKey, fake);
      const result = await runCli(
        bundle,
        JSON.stringify(input),
        { AGENT_WORKSPACE: workspace.path },
        dir,
      );

      expect(result.code).toBe(1);
      expect(parseLines(result.stdout)).toEqual([
        expect.objectContaining({ type: "error", code: "INVALID_API_KEY" }),
      ]);
      for (const output of [result.stdout, result.stderr]) {
        expect(output).not.toContain(wrongKey);
        expect(output).not.toContain(wrongKey.slice(-12));
      }
    } finally {
      await workspace.remove();
    }
  });
});

describe("bundled agent output", () => {
  it("keeps what an SDK prints off stdout: a deprecation warning goes to stderr", async () => {
    const workspace = await tempWorkspace();
    try {
      // The Anthropic SDK console.warn()s about this model before calling.
      const input = runInput("ANTHROPIC", keys.ANTHROPIC, fake, { model: "claude-sonnet-4-5" });
      const result = await runCli(
        bundle,
        JSON.stringify(input),
        { AGENT_WORKSPACE: workspace.path },
        dir,
      );

      expect(result.code).toBe(0);
      expect(result.stderr).toContain("deprecated");
      expect(parseLines(result.stdout).at(-1)).toMatchObject({ type: "done" });
    } finally {
      await workspace.remove();
    }
  });
});

describe("bundled agent input", () => {
  it("exits 2 with AGENT_FAILED on stdin that is not JSON", async () => {
    const result = await runCli(bundle, "this is { not json", { AGENT_WORKSPACE: dir }, dir);
    expect(result.code).toBe(2);
    expect(parseLines(result.stdout)).toEqual([
      { type: "error", code: "AGENT_FAILED", message: "invalid run input" },
    ]);
  });

  it("exits 2 without echoing a malformed input, which may hold the credential", async () => {
    const secret = newKey("OPENAI");
    const input = {
      ...runInput("OPENAI", secret, fake),
      messageId: "not-a-uuid",
      maxCalls: -1,
    };
    const result = await runCli(bundle, JSON.stringify(input), { AGENT_WORKSPACE: dir }, dir);

    expect(result.code).toBe(2);
    expect(parseLines(result.stdout)).toEqual([
      { type: "error", code: "AGENT_FAILED", message: "invalid run input" },
    ]);
    expect(result.stdout + result.stderr).not.toContain(secret);
    expect(fake.calls().filter((call) => call.key === secret)).toEqual([]);
  });

  it("exits 2 on empty stdin", async () => {
    const result = await runCli(bundle, "", { AGENT_WORKSPACE: dir }, dir);
    expect(result.code).toBe(2);
  });

  it("exits 2 and names the variable when the environment is unusable", async () => {
    const input = runInput("OPENAI", keys.OPENAI, fake);
    const result = await runCli(
      bundle,
      JSON.stringify(input),
      { AGENT_WORKSPACE: dir, AGENT_REQUEST_TIMEOUT_MS: "soon" },
      dir,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("AGENT_REQUEST_TIMEOUT_MS");
  });
});

describe("bundled agent contents", () => {
  it("carries only core's wire protocol: not its logger, pricing catalogue, queues or crypto", () => {
    const core = bundledInputs.filter((input) => input.includes("core/src/"));
    expect(core).toContainEqual(expect.stringContaining("core/src/agent/protocol.ts"));
    expect(
      core.filter((input) =>
        /core\/src\/(logging|pricing|queue|events|config|crypto)\//.test(input),
      ),
    ).toEqual([]);
    expect(
      bundledInputs.filter((input) =>
        /node_modules\/(pino|@pydantic\/genai-prices|ioredis|@agentry\/prisma)\//.test(input),
      ),
    ).toEqual([]);
  });
});
