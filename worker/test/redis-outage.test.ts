import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { createTestDatabase, type TestDatabase } from "@agentry/prisma/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// While Redis is down every client of the worker retries on its own; its output must say so
// once per outage (and once when it is over), not a line per retry of each client. The worker
// runs as operators run it (src/main.ts under tsx), on a redis-server of this file's own that
// the test stops and starts again.

const WORKER_DIR = fileURLToPath(new URL("../", import.meta.url));
const SHUTDOWN_TIMEOUT_MS = 10_000;

let db: TestDatabase;
let port: number;
let redis: ChildProcess | undefined;
let worker: ChildProcess | undefined;
const stdout: string[] = [];
const stderr: string[] = [];

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, "127.0.0.1");
  await once(probe, "listening");
  const address = probe.address();
  probe.close();
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

async function startRedis(): Promise<void> {
  redis = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  await vi.waitFor(
    async () => {
      const client = new Redis({ port, lazyConnect: true, retryStrategy: () => null });
      client.on("error", () => undefined);
      try {
        await client.connect();
        expect(await client.ping()).toBe("PONG");
      } finally {
        client.disconnect();
      }
    },
    { timeout: 10_000, interval: 50 },
  );
}

async function kill(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGKILL");
  await exited;
}

const messages = (pattern: RegExp): string[] =>
  stdout
    .filter((line) => pattern.test(line))
    .map((line) => (JSON.parse(line) as { msg: string }).msg);

beforeAll(async () => {
  db = await createTestDatabase("agentry_worker_outage");
  port = await freePort();
  await startRedis();
  worker = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: WORKER_DIR,
    env: {
      PATH: process.env["PATH"] ?? "",
      DATABASE_URL: db.url,
      REDIS_URL: `redis://127.0.0.1:${port}`,
      ENCRYPTION_KEY: randomBytes(32).toString("hex"),
      AGENT_RUNTIME: "process",
      AGENTRY_NAMESPACE: `test:${randomBytes(4).toString("hex")}:`,
      LOG_LEVEL: "info",
      SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  for (const [stream, lines] of [
    [worker.stdout, stdout],
    [worker.stderr, stderr],
  ] as const) {
    if (stream !== null) {
      readline.createInterface({ input: stream }).on("line", (line) => lines.push(line));
    }
  }
  await vi.waitFor(
    () => {
      expect(messages(/worker ready/)).toEqual(["worker ready"]);
    },
    { timeout: 60_000, interval: 100 },
  );
});
afterAll(async () => {
  // Killed, not stopped: this tests the outage's log, not the shutdown after it.
  await kill(worker);
  await kill(redis);
  await db.drop();
});

describe("a Redis outage", () => {
  it("is one line when it begins and one when it ends, twice over, and nothing else", async () => {
    for (let outage = 1; outage <= 2; outage += 1) {
      await kill(redis);
      await vi.waitFor(
        () => {
          expect(messages(/redis unreachable/)).toHaveLength(outage);
        },
        { timeout: 10_000, interval: 50 },
      );
      // A dead Redis that hangs up on every connection, counting the worker's retries.
      const linesSoFar = stdout.length + stderr.length;
      let attempts = 0;
      const dead = createServer((socket) => {
        attempts += 1;
        socket.destroy();
      }).listen(port, "127.0.0.1");
      await once(dead, "listening");
      await vi.waitFor(
        () => {
          expect(attempts).toBeGreaterThanOrEqual(10);
        },
        { timeout: 30_000, interval: 50 },
      );
      dead.close();
      await once(dead, "close");
      await startRedis();
      await vi.waitFor(
        () => {
          expect(messages(/redis reachable again/)).toHaveLength(outage);
        },
        { timeout: 30_000, interval: 100 },
      );
      expect(stdout.length + stderr.length).toBeLessThanOrEqual(linesSoFar + 1);
    }
    expect(messages(/redis (unreachable|reachable again)/)).toEqual([
      "redis unreachable; retrying quietly until it is back",
      "redis reachable again",
      "redis unreachable; retrying quietly until it is back",
      "redis reachable again",
    ]);
    expect(stdout.filter((line) => /"level":(50|60)/.test(line))).toEqual([]);
    expect(stderr).toEqual([]);
  });

  it("does not keep the worker from stopping: SIGTERM while Redis is down ends it at once", async () => {
    // (BullMQ's own close waits, while Redis is down, for a connection to end that never
    // does: the worker sat out SHUTDOWN_TIMEOUT_MS and then its forced exit, code 1.)
    await kill(redis);
    await vi.waitFor(
      () => {
        expect(messages(/redis unreachable/)).toHaveLength(3);
      },
      { timeout: 10_000, interval: 50 },
    );
    const running = worker;
    if (running === undefined) throw new Error("no worker");
    const exited = once(running, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
    const stopping = performance.now();
    running.kill("SIGTERM");
    const [code] = await exited;
    const stopMs = performance.now() - stopping;
    expect(messages(/"msg":"(stopping|stopped|shutdown)/)).toEqual(["stopping", "stopped"]);
    expect(code).toBe(0);
    expect(stopMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
  });
});
