import { randomUUID } from "node:crypto";
import {
  AppError,
  bullConnection,
  CREDENTIAL_CHECK_QUEUE,
  credentialCheckJobOptions,
  defineCredentialCheck,
  queuePrefix,
} from "@agentry/core";
import { Queue, UnrecoverableError } from "bullmq";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { bindCheck } from "../src/credential-checks/check-handler.js";
import { createCredentialCheckProcessor } from "../src/credential-checks/credential-check.job.js";

// The worker's side of credential checks: the handler a job names runs on the job's parsed data,
// and its result or AppError becomes the job's outcome (the api awaits it); a job past its
// deadline is not run; what no handler knows, or cannot parse, fails for good.

const REDIS_URL = process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379";
const namespace = `credential-checks-${randomUUID()}:`;
const queue = new Queue(CREDENTIAL_CHECK_QUEUE, {
  connection: bullConnection(REDIS_URL),
  prefix: queuePrefix(namespace),
});

afterAll(async () => {
  await queue.obliterate({ force: true });
  await queue.close();
});

const ECHO = defineCredentialCheck(
  "test-echo",
  z.object({ credentialId: z.uuid() }),
  z.object({ seen: z.string() }),
);
const calls: string[] = [];
const processor = createCredentialCheckProcessor(
  [
    bindCheck(ECHO, (data) => {
      calls.push(data.credentialId);
      if (data.credentialId === REFUSE)
        return Promise.reject(new AppError("NOT_FOUND", "No such credential", { field: "id" }));
      if (data.credentialId === CRASH) return Promise.reject(new Error("socket hang up"));
      if (data.credentialId === WRONG_SHAPE)
        return Promise.resolve({ seen: 42 } as unknown as { seen: string });
      return Promise.resolve({ seen: data.credentialId });
    }),
  ],
  pino({ level: "silent" }),
);
const REFUSE = randomUUID();
const CRASH = randomUUID();
const WRONG_SHAPE = randomUUID();

const add = (name: string, data: unknown, deadline = Date.now() + 10_000) =>
  queue.add(name, { data, deadline }, credentialCheckJobOptions);

describe("the credential-check job", () => {
  it("runs the handler the job names and returns its result", async () => {
    const id = randomUUID();
    const job = await add(ECHO.name, { credentialId: id });
    await expect(processor(job)).resolves.toEqual({ ok: true, result: { seen: id } });
  });

  it("returns a handler's AppError as the outcome, code, message and details kept", async () => {
    const job = await add(ECHO.name, { credentialId: REFUSE });
    await expect(processor(job)).resolves.toEqual({
      ok: false,
      error: { code: "NOT_FOUND", message: "No such credential", details: { field: "id" } },
    });
  });

  it("does not run a job found past its deadline (its caller stopped waiting)", async () => {
    const id = randomUUID();
    const job = await add(ECHO.name, { credentialId: id }, Date.now() - 1);
    const outcome = await processor(job);
    expect(outcome).toMatchObject({ ok: false, error: { code: "UNAVAILABLE" } });
    expect(calls).not.toContain(id);
  });

  it("fails for good on an unknown kind, bad data, a result of the wrong shape, an unexpected error", async () => {
    const cases = [
      await add("no-such-check", { credentialId: randomUUID() }),
      await queue.add(ECHO.name, { credentialId: randomUUID() }),
      await add(ECHO.name, { credentialId: "not-a-uuid" }),
      await add(ECHO.name, { credentialId: WRONG_SHAPE }),
      await add(ECHO.name, { credentialId: CRASH }),
    ];
    for (const job of cases) {
      await expect(processor(job)).rejects.toBeInstanceOf(UnrecoverableError);
    }
  });
});
