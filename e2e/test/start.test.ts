import { spawn } from "node:child_process";
import { once } from "node:events";
import { randomBytes } from "node:crypto";
import {
  access,
  mkdir,
  mkdtemp,
  readFile,
  readlink,
  rm,
  symlink,
  unlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { createTestDatabase, type TestDatabase } from "@agentry/prisma/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildIfStale, buildService, staleInputs } from "../../scripts/lib/service-build.mjs";
import { alive, descendants, freePort, killTree, listening } from "./support/process-tree.js";

// `npm start` runs the api and the worker from their builds (dist/main.mjs, bundled by esbuild),
// rebuilt when older than their sources; a SIGTERM to it stops everything it started.

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SSH_CRYPTO_BINDING = path.join(
  REPO_ROOT,
  "node_modules/ssh2/lib/protocol/crypto/build/Release/sshcrypto.node",
);

const proc = (pid: number, file: string): Promise<string> =>
  readFile(`/proc/${pid}/${file}`, "utf8").catch(() => "");
const exists = (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );

const runNode = (file: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    child.once("error", reject);
    child.once("close", (code) => {
      if (code === 0) resolve(out.trim());
      else reject(new Error(`${file} exited with ${String(code)}`));
    });
  });

describe("the production build", () => {
  // A monorepo in miniature: a workspace `svc` whose entry imports a workspace package `core`
  // through node_modules, as the api imports @agentry/core.
  let root: string;
  const source = (file: string) => path.join(root, file);
  const bundle = () => source("svc/dist/main.mjs");

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), "agentry-build-"));
    const files: Record<string, string> = {
      "tsconfig.base.json": await readFile(path.join(REPO_ROOT, "tsconfig.base.json"), "utf8"),
      "core/package.json": JSON.stringify({ name: "@agentry/core", exports: "./src/index.ts" }),
      "core/tsconfig.json": JSON.stringify({ extends: "../tsconfig.base.json" }),
      "core/src/index.ts": `export const greeting: string = "hello";\n`,
      "svc/package.json": JSON.stringify({ name: "svc", type: "module" }),
      "svc/tsconfig.json": JSON.stringify({ extends: "../tsconfig.base.json" }),
      "svc/src/main.ts": `import { basename } from "node:path";\nimport { greeting } from "@agentry/core";\nconsole.log(greeting, basename("/a/b"));\n`,
    };
    for (const [file, text] of Object.entries(files)) {
      await mkdir(path.dirname(source(file)), { recursive: true });
      await writeFile(source(file), text);
    }
    await mkdir(source("node_modules/@agentry"), { recursive: true });
    await symlink("../../core", source("node_modules/@agentry/core"));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("bundles a workspace with the sources it imports, and finds it stale when one changes", async () => {
    expect(await staleInputs("svc", { root })).toEqual(["not built yet"]);
    await buildService("svc", { root });
    expect(await runNode(bundle())).toBe("hello b");
    expect(await staleInputs("svc", { root })).toEqual([]);

    // The same content written again is not a change; a different one is, whatever the times.
    await writeFile(source("core/src/index.ts"), `export const greeting: string = "hello";\n`);
    expect(await staleInputs("svc", { root })).toEqual([]);
    await writeFile(source("core/src/index.ts"), `export const greeting: string = "bonjour";\n`);
    expect(await staleInputs("svc", { root })).toEqual(["core/src/index.ts changed"]);
    // A compiler option counts as a source.
    await writeFile(
      source("svc/tsconfig.json"),
      JSON.stringify({
        extends: "../tsconfig.base.json",
        compilerOptions: { useDefineForClassFields: false },
      }),
    );
    expect(await staleInputs("svc", { root })).toEqual([
      "core/src/index.ts changed",
      "svc/tsconfig.json changed",
    ]);

    expect(await buildIfStale("svc", { root })).toHaveLength(2);
    expect(await runNode(bundle())).toBe("bonjour b");
    expect(await buildIfStale("svc", { root })).toEqual([]);

    await unlink(bundle());
    expect(await staleInputs("svc", { root })).toEqual(["svc/dist/main.mjs is missing"]);
  });

  it("keeps the names classes are written with, which type-graphql names its types after", async () => {
    // Two files each declaring a class `Page`: bundled together, one is renamed in the code.
    const files: Record<string, string> = {
      "svc/src/a.ts": `export class Page {}\n`,
      "svc/src/b.ts": `export class Page {}\n`,
      "svc/src/names.ts": `import { Page as A } from "./a.js";\nimport { Page as B } from "./b.js";\nconsole.log(A.name, B.name, A === B);\n`,
    };
    for (const [file, text] of Object.entries(files)) await writeFile(source(file), text);
    const outfile = source("svc/dist/names.mjs");
    await buildService("svc", { root, entry: "src/names.ts", outfile });
    expect(await runNode(outfile)).toBe("Page Page false");
  });
});

let db: TestDatabase;
// The worker's queues and channels, under a namespace of this run's, deleted after.
const namespace = `start${randomBytes(4).toString("hex")}`;

describe("npm start", () => {
  beforeAll(async () => {
    // A database of its own, emptied: `npm start` applies the migrations, as on a new machine.
    db = await createTestDatabase("agentry_start");
    await db.prisma.$executeRawUnsafe(`DROP SCHEMA public CASCADE`);
    await db.prisma.$executeRawUnsafe(`CREATE SCHEMA public`);
    await db.prisma.$disconnect();
  });
  afterAll(async () => {
    await db.drop();
    const redis = new Redis(process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379");
    try {
      for await (const keys of redis.scanStream({ match: `${namespace}*`, count: 1000 })) {
        if ((keys as string[]).length > 0) await redis.del(...(keys as string[]));
      }
    } finally {
      redis.disconnect();
    }
  });

  it("runs the api and the worker from current builds, and stops both on SIGTERM", async ({
    annotate,
  }) => {
    const ports = { api: await freePort() };
    const lines: string[] = [];
    // Not the client: its build is Vite's and slow, and it has its own test.
    const start = spawn("npm", ["start", "--", "--only", "api", "--only", "worker"], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        PORT: String(ports.api),
        DATABASE_URL: db.url,
        AGENT_RUNTIME: "process",
        AGENTRY_NAMESPACE: namespace,
        NO_COLOR: "1",
        ENCRYPTION_KEY: randomBytes(32).toString("hex"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = once(start, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
    for (const stream of [start.stdout, start.stderr]) {
      readline.createInterface({ input: stream }).on("line", (line) => lines.push(line));
    }
    try {
      await vi.waitFor(
        () => {
          const output = lines.join("\n");
          expect(output).toMatch(/"msg":"api ready"/);
          expect(output).toMatch(/"msg":"worker ready"/);
        },
        { timeout: 150_000, interval: 250 },
      );
      expect(await listening(ports.api)).toBe(true);
      const started = descendants(start.pid ?? -1);

      // What runs is the build, and the build is that of the sources now, with the image's
      // memory settings; the worker has not loaded the Docker client's SSH transport (ssh2
      // loads its native crypto binding, when built, as it loads).
      const services = new Map<string, number>();
      for (const pid of started) {
        const argv = (await proc(pid, "cmdline")).split("\0").filter(Boolean);
        const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => "");
        expect(argv.join(" ")).not.toMatch(/tsx/);
        if (argv.at(-1) === "dist/main.mjs") services.set(path.basename(cwd), pid);
      }
      expect([...services.keys()].sort()).toEqual(["api", "worker"]);
      for (const pid of services.values()) {
        const environment = (await proc(pid, "environ")).split("\0");
        expect(environment).toContain("MALLOC_ARENA_MAX=2");
        expect(environment.find((entry) => entry.startsWith("NODE_OPTIONS="))).toMatch(
          /--max-semi-space-size=4/,
        );
      }
      expect(await staleInputs("api")).toEqual([]);
      expect(await staleInputs("worker")).toEqual([]);
      if (await exists(SSH_CRYPTO_BINDING)) {
        expect(await proc(services.get("worker") ?? -1, "maps")).not.toContain("sshcrypto.node");
      }

      const stopping = performance.now();
      start.kill("SIGTERM");
      const [code, signal] = await exited;
      await vi.waitFor(
        () => {
          expect(started.filter(alive)).toEqual([]);
        },
        { timeout: 60_000, interval: 100 },
      );
      const ms = performance.now() - stopping;
      expect({ code, signal }).not.toEqual({ code: null, signal: "SIGKILL" });
      expect(await listening(ports.api)).toBe(false);
      expect(lines.join("\n")).toMatch(/"name":"api".*"msg":"stopped"/);
      expect(lines.join("\n")).toMatch(/"name":"worker".*"msg":"stopped"/);
      await annotate(
        `SIGTERM → npm start and its ${started.length} processes gone in ${ms.toFixed(0)} ms (exit ${String(code ?? signal)})`,
      );
    } finally {
      killTree(start.pid ?? -1);
      if (start.exitCode === null && start.signalCode === null) start.kill("SIGKILL");
    }
  }, 300_000);
});
