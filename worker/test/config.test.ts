import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ConfigError } from "@agentry/core";
import { afterEach, describe, expect, it } from "vitest";
import { loadWorkerConfig } from "../src/config.js";

const keyText = () => randomBytes(32).toString("hex");
const roots: string[] = [];

/** A repository root with no development key unless one is written into it. */
async function emptyRoot(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), "agentry-worker-config-"));
  roots.push(root);
  return root;
}

afterEach(async () => {
  await Promise.all(roots.splice(0).map((root) => rm(root, { recursive: true, force: true })));
});

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadWorkerConfig", () => {
  it("reports every problem at once, naming each variable", async () => {
    const root = await emptyRoot();
    const problems = problemsOf(() =>
      loadWorkerConfig(
        {
          DATABASE_URL: "not a url",
          AGENT_RUNTIME: "kubernetes",
          WORKER_CONCURRENCY: "0",
          ENCRYPTION_KEY: "too-short",
        },
        root,
      ),
    );
    const variables = problems.map((problem) => problem.split(":")[0]);
    expect(variables).toEqual(
      expect.arrayContaining([
        "DATABASE_URL",
        "AGENT_RUNTIME",
        "WORKER_CONCURRENCY",
        "ENCRYPTION_KEY",
      ]),
    );
    expect(problems.filter((problem) => problem.startsWith("ENCRYPTION_KEY"))).toHaveLength(1);
  });

  it("never quotes the encryption key in a problem", async () => {
    const root = await emptyRoot();
    // 31 bytes: the right shape, the wrong length.
    const badKey = randomBytes(31).toString("hex");
    const problems = problemsOf(() =>
      loadWorkerConfig({ ENCRYPTION_KEY: badKey, WORKER_CONCURRENCY: "x" }, root),
    );
    expect(problems.length).toBeGreaterThanOrEqual(2);
    expect(problems.join("\n")).not.toContain(badKey);
  });

  it("uses local defaults and the given key when only ENCRYPTION_KEY is set", async () => {
    const root = await emptyRoot();
    const config = loadWorkerConfig({ ENCRYPTION_KEY: keyText() }, root);
    expect(config.env.DATABASE_URL).toBe("postgresql://postgres@127.0.0.1:5432/agentry");
    expect(config.env.REDIS_URL).toBe("redis://127.0.0.1:6379");
    expect(config.env.WORKER_CONCURRENCY).toBe(4);
    expect(config.env.AGENT_RUNTIME).toBeUndefined();
    expect(config.devKeyPath).toBeUndefined();
  });

  it("falls back to the development key file outside production and says where it came from", async () => {
    const root = await emptyRoot();
    await mkdir(path.join(root, ".local"));
    const key = keyText();
    await writeFile(path.join(root, ".local", "encryption.key"), `${key}\n`, { mode: 0o600 });

    const fromFile = loadWorkerConfig({}, root);
    const fromEnv = loadWorkerConfig({ ENCRYPTION_KEY: key }, root);
    expect(fromFile.devKeyPath).toBe(path.join(root, ".local", "encryption.key"));
    expect(fromFile.ring.current.version).toBe(fromEnv.ring.current.version);
  });

  it("refuses to start in production without ENCRYPTION_KEY, even when a development key exists", async () => {
    const root = await emptyRoot();
    await mkdir(path.join(root, ".local"));
    await writeFile(path.join(root, ".local", "encryption.key"), keyText());
    const problems = problemsOf(() => loadWorkerConfig({ NODE_ENV: "production" }, root));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^ENCRYPTION_KEY: required in production/);
  });
});
