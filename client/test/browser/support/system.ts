import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import {
  startTestApi,
  type TestApi,
  type TestApiOptions,
  type TestUser,
} from "@agentry/api/testing";
import { createLogger } from "@agentry/core";
import { startFakeProvider, type FakeProvider } from "@agentry/fake-provider";
import { loadWorkerConfig, startWorker, type RunningWorker } from "@agentry/worker";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, inject } from "vitest";
import { startStaticServer, type RunningStaticServer } from "../../../server/static-server.js";
import { hasChromium, launchChromium } from "./chromium.js";

// The whole product for browser tests: the real api (in-process, fresh database), the built
// client behind its static server, Chromium, and — for the agent flows — the real worker
// (process runtime) with the fake provider in place of the AI providers.

const REDIS_URL = process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379";
const TOKEN_STORAGE_KEY = "agentry.token";
export const RESULTS_DIR = fileURLToPath(new URL("../../../test-results/", import.meta.url));

export interface BrowserSystemOptions {
  /** Start the worker and the fake provider (agent flows). */
  readonly worker?: boolean;
  readonly api?: TestApiOptions;
  /** Extra environment for the worker's config. */
  readonly workerEnv?: Readonly<Record<string, string>>;
}

export interface BrowserSystem {
  readonly api: TestApi;
  /** The fake provider (only with `worker`). */
  readonly fake: FakeProvider | undefined;
  readonly client: RunningStaticServer;
  readonly browser: Browser;
  /** A fresh browser context (its own storage) and page; `errors` collects uncaught page errors. */
  page(options?: { readonly width?: number; readonly height?: number }): Promise<TestPage>;
  /** Every worker log line (JSON text). */
  workerLogs(): readonly string[];
  /** The running worker (only with `worker`). */
  worker(): RunningWorker;
  close(): Promise<void>;
}

export interface TestPage {
  readonly page: Page;
  readonly context: BrowserContext;
  readonly errors: readonly string[];
  /** Opens `path` signed in as `user` (the token in localStorage, as after a sign-in). */
  openAs(user: TestUser, path: string): Promise<void>;
  /** Saves a screenshot to client/test-results/<name>.png. */
  screenshot(name: string): Promise<string>;
}

export async function startBrowserSystem(
  options: BrowserSystemOptions = {},
): Promise<BrowserSystem> {
  const dist = inject("clientDist");
  if (dist === "") throw new Error("the client was not built (is Chromium missing?)");
  const fake = options.worker === true ? await startFakeProvider({ keys: [] }) : undefined;
  const api = await startTestApi(options.api ?? {});
  const client = await startStaticServer({ root: dist, port: 0, proxy: new URL(api.url).origin });
  const lines: string[] = [];
  let worker: RunningWorker | undefined;
  if (fake !== undefined) {
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
        callback();
      },
    });
    worker = await startWorker(
      loadWorkerConfig({
        NODE_ENV: "test",
        DATABASE_URL: api.databaseUrl,
        REDIS_URL,
        ENCRYPTION_KEY: api.encryptionKey,
        AGENT_RUNTIME: "process",
        ANTHROPIC_BASE_URL: fake.baseUrls.anthropic,
        OPENAI_BASE_URL: fake.baseUrls.openai,
        GEMINI_BASE_URL: fake.baseUrls.gemini,
        // The fake is the authorization server of the sign-in flows the platform runs.
        OPENAI_OAUTH_ISSUER: fake.url,
        OPENAI_OAUTH_TOKEN_URL: `${fake.url}/oauth/token`,
        ANTHROPIC_OAUTH_TOKEN_URL: `${fake.url}/v1/oauth/token`,
        WORKER_LOCK_MS: "3000",
        SHUTDOWN_TIMEOUT_MS: "10000",
        LOG_LEVEL: "debug",
        ...options.workerEnv,
      }),
      createLogger({ name: "worker", level: "debug", destination }),
      { namespace: api.namespace, recoverySettleMs: 5_000 },
    );
  }
  const browser = await launchChromium();
  await mkdir(RESULTS_DIR, { recursive: true });
  const contexts: BrowserContext[] = [];

  return {
    api,
    fake,
    client,
    browser,
    workerLogs: () => lines,
    worker: () => {
      if (worker === undefined) throw new Error("no worker: start the system with worker: true");
      return worker;
    },
    async page(size = {}) {
      const context = await browser.newContext({
        viewport: { width: size.width ?? 1280, height: size.height ?? 800 },
        baseURL: client.url,
      });
      contexts.push(context);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      return {
        page,
        context,
        errors,
        async openAs(user, path) {
          // Any page of the app will do to reach its origin's storage.
          await page.goto("/sign-in");
          await page.evaluate(
            ([key, token]) => {
              localStorage.setItem(key, token);
            },
            [TOKEN_STORAGE_KEY, user.token] as const,
          );
          await page.goto(path);
        },
        async screenshot(name) {
          const file = `${RESULTS_DIR}${name}.png`;
          await page.screenshot({ path: file, fullPage: true });
          return file;
        },
      };
    },
    async close() {
      await Promise.allSettled(contexts.map((context) => context.close()));
      await browser.close();
      if (worker !== undefined) {
        const agents = await api.prisma.agent.findMany({ select: { id: true } });
        for (const agent of agents) await worker.runtime.remove(agent.id);
        await worker.close();
      }
      await client.close();
      await api.close();
      await fake?.close();
    },
  };
}

/** A fresh Anthropic-shaped API key (never a real one). */
export const anthropicKey = (): string => `sk-ant-api03-${randomBytes(24).toString("base64url")}`;

/** A fresh Claude subscription token shape. */
export const claudeToken = (): string => `sk-ant-oat01-${randomBytes(24).toString("base64url")}`;

/**
 * Starts the system before the file's tests (when Chromium is there) and closes it after;
 * returns its accessor.
 */
export function useBrowserSystem(options: BrowserSystemOptions = {}): () => BrowserSystem {
  let running: BrowserSystem | undefined;
  beforeAll(async () => {
    if (hasChromium) running = await startBrowserSystem(options);
  });
  afterAll(async () => {
    await running?.close();
  });
  return () => {
    if (running === undefined) throw new Error("the browser system did not start");
    return running;
  };
}
