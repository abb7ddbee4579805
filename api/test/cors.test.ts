import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "./harness.js";

let api: TestApi;
const allowed = "http://client.test:5173";

beforeAll(async () => {
  api = await startTestApi({ env: { CORS_ORIGINS: `${allowed}, http://other.test` } });
});
afterAll(async () => {
  await api.close();
});

const preflight = (origin: string) =>
  fetch(api.url, {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": "POST",
      "access-control-request-headers": "authorization, content-type",
    },
  });

describe("CORS", () => {
  it("answers a listed origin's preflight and marks its responses readable", async () => {
    const response = await preflight(allowed);
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(allowed);
    expect(response.headers.get("access-control-allow-headers")).toContain("authorization");

    const user = await api.signUp();
    const query = await fetch(api.url, {
      method: "POST",
      headers: {
        origin: allowed,
        "content-type": "application/json",
        authorization: `Bearer ${user.token}`,
      },
      body: JSON.stringify({ query: "{ me { email } }" }),
    });
    expect(query.headers.get("access-control-allow-origin")).toBe(allowed);
    expect(await query.json()).toEqual({ data: { me: { email: user.email } } });
  });

  it("refuses an unlisted origin's preflight and gives its requests no CORS headers", async () => {
    const response = await preflight("http://evil.test");
    expect(response.status).toBe(403);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    const query = await fetch(api.url, {
      method: "POST",
      headers: { origin: "http://evil.test", "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect(query.headers.get("access-control-allow-origin")).toBeNull();
  });
});
