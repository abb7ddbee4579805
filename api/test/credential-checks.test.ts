import { randomUUID } from "node:crypto";
import {
  AppError,
  bullConnection,
  CREDENTIAL_CHECK_QUEUE,
  defineCredentialCheck,
  queuePrefix,
  type CredentialCheckOutcome,
} from "@agentry/core";
import { Queue, Worker, type Job } from "bullmq";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createCredentialChecks } from "../src/credentials/credential-checks.js";

// The api's side of credential checks, against real Redis: a check is a job of ids only, its
// answer comes back through QueueEvents, a worker's AppError arrives as itself, and a check
// nobody answers is UNAVAILABLE (not INTERNAL) after its time, its job withdrawn. A BullMQ
// worker in this test plays the worker process (whose side worker/test covers).

const REDIS_URL = process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379";
const logger = pino({ level: "silent" });
const PING = defineCredentialCheck(
  "test-ping",
  z.object({ credentialId: z.uuid(), actingUserId: z.uuid() }),
  z.object({ answer: z.string() }),
);

const namespaces: string[] = [];
const fresh = () => {
  const namespace = `api-credential-checks-${randomUUID()}:`;
  namespaces.push(namespace);
  return {
    namespace,
    checks: createCredentialChecks({
      redisUrl: REDIS_URL,
      namespace,
      verifyTimeoutMs: 1_000,
      logger,
    }),
    queue: new Queue(CREDENTIAL_CHECK_QUEUE, {
      connection: bullConnection(REDIS_URL),
      prefix: queuePrefix(namespace),
    }),
  };
};
const serve = (namespace: string, answer: (job: Job) => Promise<CredentialCheckOutcome>) =>
  new Worker(CREDENTIAL_CHECK_QUEUE, answer, {
    connection: bullConnection(REDIS_URL),
    prefix: queuePrefix(namespace),
  });

afterAll(async () => {
  for (const namespace of namespaces) {
    const queue = new Queue(CREDENTIAL_CHECK_QUEUE, {
      connection: bullConnection(REDIS_URL),
      prefix: queuePrefix(namespace),
    });
    await queue.obliterate({ force: true });
    await queue.close();
  }
});

describe("requesting a credential check", () => {
  it("answers with the worker's result, having sent ids only", async () => {
    const { namespace, checks, queue } = fresh();
    const seen: unknown[] = [];
    const worker = serve(namespace, (job) => {
      seen.push({ name: job.name, data: job.data as unknown });
      return Promise.resolve({ ok: true, result: { answer: "pong" } });
    });
    try {
      const data = { credentialId: randomUUID(), actingUserId: randomUUID() };
      await expect(checks.request(PING, data)).resolves.toEqual({ answer: "pong" });
      expect(seen).toEqual([
        { name: "test-ping", data: { data, deadline: expect.any(Number) as number } },
      ]);
    } finally {
      await Promise.all([worker.close(), checks.close(), queue.close()]);
    }
  });

  it("rethrows the AppError the worker's handler ended with", async () => {
    const { namespace, checks, queue } = fresh();
    const worker = serve(namespace, () =>
      Promise.resolve({
        ok: false,
        error: { code: "NOT_FOUND", message: "No such credential", details: { field: "id" } },
      }),
    );
    try {
      const error = await checks
        .request(PING, { credentialId: randomUUID(), actingUserId: randomUUID() })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: "NOT_FOUND", details: { field: "id" } });
    } finally {
      await Promise.all([worker.close(), checks.close(), queue.close()]);
    }
  });

  it("is INTERNAL when the worker's job fails, or answers in the wrong shape", async () => {
    const { namespace, checks, queue } = fresh();
    let calls = 0;
    const worker = serve(namespace, () => {
      calls += 1;
      return calls === 1
        ? Promise.reject(new Error("boom"))
        : Promise.resolve({ ok: true, result: { answer: 7 } });
    });
    try {
      const request = () =>
        checks
          .request(PING, { credentialId: randomUUID(), actingUserId: randomUUID() })
          .catch((e: unknown) => e);
      const failed = await request();
      expect(failed).toBeInstanceOf(AppError);
      expect(failed).toMatchObject({ code: "INTERNAL", message: "Internal server error" });
      // Not an AppError: the operation pipeline answers INTERNAL with no detail.
      const wrongShape = await request();
      expect(wrongShape).toBeInstanceOf(Error);
      expect(wrongShape).not.toBeInstanceOf(AppError);
      expect(calls).toBe(2);
    } finally {
      await Promise.all([worker.close(), checks.close(), queue.close()]);
    }
  });

  it("is UNAVAILABLE when no worker answers in time, and its job is withdrawn", async () => {
    const { checks, queue } = fresh();
    try {
      const started = Date.now();
      const error = await checks
        .request(PING, { credentialId: randomUUID(), actingUserId: randomUUID() }, 500)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: "UNAVAILABLE" });
      expect(Date.now() - started).toBeGreaterThanOrEqual(450);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(await queue.getJobCounts("waiting", "active", "delayed")).toMatchObject({
        waiting: 0,
        active: 0,
        delayed: 0,
      });
    } finally {
      await Promise.all([checks.close(), queue.close()]);
    }
  });

  it("is UNAVAILABLE within its time when Redis cannot be reached", async () => {
    const checks = createCredentialChecks({
      redisUrl: "redis://127.0.0.1:1",
      verifyTimeoutMs: 1_000,
      logger,
    });
    try {
      const started = Date.now();
      const error = await checks
        .request(PING, { credentialId: randomUUID(), actingUserId: randomUUID() }, 500)
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "UNAVAILABLE" });
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await checks.close();
    }
  });
});
