import { spawn } from "node:child_process";
import { once } from "node:events";
import { randomBytes } from "node:crypto";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { createTestDatabase, type TestDatabase } from "@agentry/prisma/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { alive, descendants, freePort, killTree, listening } from "./support/process-tree.js";

// `npm run demo` as a newcomer runs it: the fake provider, the api, the worker and the client,
// seeded. A SIGTERM (what a supervisor, a container stop or a CI runner sends) must stop every
// process it started, the fake provider included, and end the demo itself.

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

let db: TestDatabase;
beforeAll(async () => {
  // A database of its own, emptied: `npm start` applies the migrations itself, as on a new machine.
  db = await createTestDatabase("agentry_demo");
  await db.prisma.$executeRawUnsafe(`DROP SCHEMA public CASCADE`);
  await db.prisma.$executeRawUnsafe(`CREATE SCHEMA public`);
  await db.prisma.$disconnect();
});
afterAll(async () => {
  await db.drop();
});

describe("npm run demo", () => {
  it("stops everything it started on SIGTERM, the fake provider included, and exits", async ({
    annotate,
  }) => {
    const ports = { api: await freePort(), fake: await freePort(), client: await freePort() };
    const lines: string[] = [];
    const demo = spawn("npm", ["run", "demo"], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        PORT: String(ports.api),
        FAKE_PROVIDER_PORT: String(ports.fake),
        CLIENT_PORT: String(ports.client),
        DATABASE_URL: db.url,
        AGENT_RUNTIME: "process",
        NO_COLOR: "1",
        // A fresh key: this database has no credentials under any other.
        ENCRYPTION_KEY: randomBytes(32).toString("hex"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = once(demo, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
    for (const stream of [demo.stdout, demo.stderr]) {
      readline.createInterface({ input: stream }).on("line", (line) => lines.push(line));
    }
    try {
      await vi.waitFor(
        () => {
          expect(lines.join("\n")).toMatch(/\[demo\] seeded/);
        },
        { timeout: 280_000, interval: 250 },
      );
      expect(await listening(ports.fake)).toBe(true);
      expect(await listening(ports.api)).toBe(true);
      const started = descendants(demo.pid ?? -1);
      expect(started.length).toBeGreaterThan(3);

      const stopping = performance.now();
      demo.kill("SIGTERM");
      const [code, signal] = await exited;
      // npm may end before the script it runs has stopped what it started (it passes the
      // signal on): the processes get their grace period, then none may be left.
      await vi.waitFor(
        () => {
          expect(started.filter(alive)).toEqual([]);
        },
        { timeout: 60_000, interval: 100 },
      );
      const ms = performance.now() - stopping;

      expect({ code, signal }).not.toEqual({ code: null, signal: "SIGKILL" });
      expect(await listening(ports.fake)).toBe(false);
      expect(await listening(ports.api)).toBe(false);
      expect(await listening(ports.client)).toBe(false);
      await annotate(
        `SIGTERM → demo and its ${started.length} processes gone in ${ms.toFixed(0)} ms (exit ${String(code ?? signal)})`,
      );
    } finally {
      // Whatever a failure left behind.
      killTree(demo.pid ?? -1);
      if (demo.exitCode === null && demo.signalCode === null) demo.kill("SIGKILL");
    }
  }, 400_000);
});
