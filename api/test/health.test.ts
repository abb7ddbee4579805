import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "./harness.js";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

const base = (target: TestApi): string => target.url.replace(/\/graphql$/, "");

describe("health endpoints", () => {
  it("answers /healthz with 200", async () => {
    const response = await fetch(`${base(api)}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("answers /readyz with 200 when Postgres and Redis answer", async () => {
    const response = await fetch(`${base(api)}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: "ready",
      checks: { postgres: "ok", redis: "ok" },
    });
  });

  it("answers /readyz with 503 naming Redis when Redis does not answer", async () => {
    const broken = await startTestApi({ apiRedisUrl: "redis://127.0.0.1:1" });
    try {
      const response = await fetch(`${base(broken)}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({
        status: "unavailable",
        checks: { postgres: "ok", redis: "failed" },
      });
      expect((await fetch(`${base(broken)}/healthz`)).status).toBe(200);
    } finally {
      await broken.close();
    }
  });

  it("answers unknown paths with 404", async () => {
    expect((await fetch(`${base(api)}/nope`)).status).toBe(404);
  });

  it("shuts down gracefully: graphql-ws clients are told 1001 and the port closes", async () => {
    const other = await startTestApi();
    try {
      const user = await other.signUp();
      const { createSession } = await other.ok<{ createSession: { id: string } }>(
        `mutation { createSession(input: { name: "s" }) { id } }`,
        undefined,
        user.token,
      );
      const socket = other.ws(user.token);
      const subscription = socket.subscribe(
        `subscription ($id: ID!) { sessionUsage(sessionId: $id) { apiCalls } }`,
        {
          id: createSession.id,
        },
      );
      await subscription.next();
      await other.stopServer();
      expect((await socket.closed).code).toBe(1001);
      await expect(fetch(`${base(other)}/healthz`)).rejects.toThrow();
    } finally {
      await other.close();
    }
  });
});
