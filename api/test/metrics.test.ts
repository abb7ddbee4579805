import { ConfigError } from "@agentry/core";
import { once } from "node:events";
import { createServer } from "node:net";
import pino from "pino";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadApiConfig } from "../src/config.js";
import { createApiMetrics } from "../src/metrics/api-metrics.js";
import { startMetricsListener, type MetricsListener } from "../src/metrics/metrics-listener.js";
import { startTestApi, type TestApi, type TestUser } from "./harness.js";
import { findPieces, PIECE_LENGTH, shapes, type Planted } from "./support/leaks.js";
import { labelValues, parseScrape, valueOf, type Sample } from "./support/prometheus.js";

// /metrics as an operator scrapes it: from the api's own listener (loopback), never from the
// public port unless configured, counting what clients did by exactly what they did, with no
// label an attacker can multiply and nothing secret in it.

const MAX_NAMES = 8;
const silent = pino({ level: "silent" });
let api: TestApi;
let listener: MetricsListener;
let user: TestUser;

beforeAll(async () => {
  const metrics = createApiMetrics(new Registry(), { maxOperationNames: MAX_NAMES });
  api = await startTestApi({ metrics });
  // As main.ts starts it, from the api's configuration (port 0: any free one).
  const config = loadApiConfig({ METRICS_PORT: "0" });
  const started = await startMetricsListener(
    metrics.registry,
    { ...config.METRICS_PORT, host: config.METRICS_HOST },
    silent,
  );
  if (started === null) throw new Error("the metrics listener did not start");
  listener = started;
  user = await api.signUp();
});
afterAll(async () => {
  await listener.close();
  await api.close();
});

async function scrape(): Promise<{ text: string; samples: Sample[] }> {
  const response = await fetch(listener.url);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  return { text, samples: parseScrape(text) };
}

const OPS = "agentry_api_graphql_operations_total";
const ERRORS = "agentry_api_graphql_errors_total";
const DURATION = "agentry_api_graphql_operation_duration_seconds_count";

describe("the api's /metrics", () => {
  it("is served on loopback, in Prometheus' text format, with the process metrics", async () => {
    expect(new URL(listener.url).hostname).toBe("127.0.0.1");
    const { samples } = await scrape();
    expect(valueOf(samples, "process_cpu_user_seconds_total")).toBeGreaterThan(0);
    expect(samples.some((sample) => sample.name === "nodejs_eventloop_lag_seconds")).toBe(true);
    expect((await fetch(listener.url.replace(/\/metrics$/, "/graphql"))).status).toBe(404);
  });

  it("counts each HTTP operation by name and type, and its errors by code, exactly", async () => {
    const ok = { transport: "http", operation: "MetricsMe", type: "query" };
    const before = (await scrape()).samples;
    await api.ok(`query MetricsMe { me { id } }`, undefined, user.token);
    await api.ok(`query MetricsMe { me { id } }`, undefined, user.token);
    const refused = await api.fail(`query MetricsMe { me { id } }`);
    expect(refused.extensions?.code).toBe("UNAUTHENTICATED");
    const invalid = await api.fail(`query MetricsNope { nope }`, undefined, user.token);
    const invalidCode = invalid.extensions?.code ?? "";
    expect(invalidCode).not.toBe("");
    const after = (await scrape()).samples;

    const delta = (name: string, labels: Record<string, string>) =>
      valueOf(after, name, labels) - valueOf(before, name, labels);
    expect(delta(OPS, ok)).toBe(3);
    expect(delta(DURATION, ok)).toBe(3);
    expect(delta(ERRORS, ok)).toBe(1);
    expect(delta(ERRORS, { ...ok, code: "UNAUTHENTICATED" })).toBe(1);
    // A document that does not validate has no operation yet: counted, under (unknown).
    const unknown = { transport: "http", operation: "(unknown)", type: "unknown" };
    expect(delta(OPS, unknown)).toBe(1);
    expect(delta(ERRORS, { ...unknown, code: invalidCode })).toBe(1);
    expect(labelValues(after, OPS, "operation")).not.toContain("MetricsNope");
  });

  it("gauges open graphql-ws connections and subscriptions, and counts ws operations", async () => {
    const { createSession } = await api.ok<{ createSession: { id: string } }>(
      `mutation { createSession(input: { name: "metrics" }) { id } }`,
      undefined,
      user.token,
    );
    const before = (await scrape()).samples;
    const socket = api.ws(user.token);
    const subscription = socket.subscribe(
      `subscription MetricsUsage($id: ID!) { sessionUsage(sessionId: $id) { apiCalls } }`,
      { id: createSession.id },
    );
    await subscription.next();
    let during = (await scrape()).samples;
    expect(valueOf(during, "agentry_api_ws_connections")).toBe(1);
    expect(valueOf(during, "agentry_api_ws_subscriptions")).toBe(1);

    const second = socket.subscribe(
      `subscription MetricsUsage($id: ID!) { sessionUsage(sessionId: $id) { apiCalls } }`,
      { id: createSession.id },
    );
    await second.next();
    during = (await scrape()).samples;
    expect(valueOf(during, "agentry_api_ws_subscriptions")).toBe(2);

    await socket.dispose();
    await vi.waitFor(async () => {
      const after = (await scrape()).samples;
      expect(valueOf(after, "agentry_api_ws_connections")).toBe(0);
      expect(valueOf(after, "agentry_api_ws_subscriptions")).toBe(0);
      const ws = { transport: "ws", operation: "MetricsUsage", type: "subscription" };
      expect(valueOf(after, OPS, ws) - valueOf(before, OPS, ws)).toBe(2);
      // A subscription's lifetime is no latency: not in the duration histogram.
      expect(valueOf(after, DURATION, ws)).toBe(0);
    });
  });

  it("gives at most a fixed number of operation names a series; the rest are (other)", async () => {
    const unnamed = { transport: "http", operation: "(anonymous)", type: "query" };
    const other = { transport: "http", operation: "(other)", type: "query" };
    const before = (await scrape()).samples;
    await api.ok(`{ me { id } }`, undefined, user.token);
    // An attacker inventing a name per request, and names no code would choose.
    for (let i = 0; i < MAX_NAMES + 5; i += 1) {
      await api.ok(`query Invented${i} { me { id } }`, undefined, user.token);
    }
    await api.ok(`query ${"L".repeat(65)} { me { id } }`, undefined, user.token);
    const after = (await scrape()).samples;
    const names = labelValues(after, OPS, "operation").filter((name) => !name.startsWith("("));
    expect(names.length).toBe(MAX_NAMES);
    expect(valueOf(after, OPS, unnamed) - valueOf(before, OPS, unnamed)).toBe(1);
    // MetricsMe, MetricsUsage and the invented ones took the eight slots; the rest are other.
    const admitted = MAX_NAMES - 2;
    expect(valueOf(after, OPS, other) - valueOf(before, OPS, other)).toBe(
      MAX_NAMES + 5 - admitted + 1,
    );
    // Names already admitted keep their series.
    await api.ok(`query MetricsMe { me { id } }`, undefined, user.token);
    const again = (await scrape()).samples;
    const me = { transport: "http", operation: "MetricsMe", type: "query" };
    expect(valueOf(again, OPS, me) - valueOf(after, OPS, me)).toBe(1);
  });

  it("holds no piece of a secret, a token or a key-shaped operation name", async () => {
    // A fresh api: its name slots are free, so a key-shaped name would be admitted if allowed.
    const metrics = createApiMetrics(new Registry());
    const other = await startTestApi({ metrics });
    try {
      const owner = await other.signUp();
      const planted: Planted[] = [];
      const keep = (secret: Planted): string => {
        planted.push(secret);
        return secret.text;
      };
      // The user's own token rides in every request: no piece of it either.
      planted.push({
        label: "the user's api token",
        text: owner.token,
        pieces: Array.from({ length: owner.token.length - PIECE_LENGTH + 1 }, (_, at) =>
          owner.token.slice(at, at + PIECE_LENGTH),
        ),
      });
      const { createSession } = await other.ok<{ createSession: { id: string } }>(
        `mutation { createSession(input: { name: "secrets" }) { id } }`,
        undefined,
        owner.token,
      );
      await other.ok(
        `mutation SaveKey($id: ID!, $s: String!) {
          setSessionKey(sessionId: $id, provider: ANTHROPIC, secret: $s) { id } }`,
        { id: createSession.id, s: keep(shapes.anthropicKey()) },
        owner.token,
      );
      // A GitHub token is a valid GraphQL name: as an operation name it must not become a label.
      const tokenName = keep(shapes.githubUserToken());
      await other.ok(`query ${tokenName} { me { id } }`, undefined, owner.token);
      const refused = await other.fail(
        `mutation ($s: String!) { createSession(input: { name: $s }) { id } }`,
        { s: keep(shapes.openaiKey()) },
        owner.token,
      );
      expect(refused.extensions?.code).toBe("BAD_USER_INPUT");

      const scraped = await metrics.registry.metrics();
      expect(valueOf(parseScrape(scraped), OPS, { operation: "(other)" })).toBe(1);
      expect(findPieces(planted, { scrape: scraped })).toEqual([]);
    } finally {
      await other.close();
    }
  });
});

describe("/metrics on the public port", () => {
  const publicMetrics = (target: TestApi): string => target.url.replace(/\/graphql$/, "/metrics");

  it("is not served unless configured", async () => {
    const response = await fetch(publicMetrics(api));
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain("agentry_");
  });

  it("is served with METRICS_ON_PUBLIC_PORT=true", async () => {
    const open = await startTestApi({ env: { METRICS_ON_PUBLIC_PORT: "true" } });
    try {
      await open.ok(`query PublicMe { me { id } }`, undefined, (await open.signUp()).token);
      const response = await fetch(publicMetrics(open));
      expect(response.status).toBe(200);
      const samples = parseScrape(await response.text());
      expect(valueOf(samples, OPS, { operation: "PublicMe" })).toBe(1);
    } finally {
      await open.close();
    }
  });
});

describe("the metrics listener's configuration", () => {
  const occupy = async (): Promise<{ port: number; close: () => void }> => {
    const server = createServer().listen(0, "127.0.0.1");
    await once(server, "listening");
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    return { port: address.port, close: () => server.close() };
  };

  it("defaults to 127.0.0.1:9464, and takes a port, 0 or off", () => {
    const base = loadApiConfig({});
    expect(base.METRICS_PORT).toEqual({ port: 9464, configured: false });
    expect(base.METRICS_HOST).toBe("127.0.0.1");
    expect(base.METRICS_ON_PUBLIC_PORT).toBe(false);
    expect(loadApiConfig({ METRICS_PORT: "9100" }).METRICS_PORT).toEqual({
      port: 9100,
      configured: true,
    });
    expect(loadApiConfig({ METRICS_PORT: " OFF " }).METRICS_PORT).toEqual({
      port: null,
      configured: true,
    });
  });

  it("refuses a port that is not one, naming the variable", () => {
    for (const value of ["http", "70000", "-1", "9464.5"]) {
      let problems: readonly string[] = [];
      try {
        loadApiConfig({ METRICS_PORT: value });
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        problems = error.problems;
      }
      expect(problems, value).toHaveLength(1);
      expect(problems[0], value).toMatch(/^METRICS_PORT/);
    }
  });

  it("starts no listener when off", async () => {
    const registry = new Registry();
    expect(
      await startMetricsListener(
        registry,
        { port: null, host: "127.0.0.1", configured: true },
        silent,
      ),
    ).toBeNull();
  });

  it("stops the boot when a configured port is taken, but only warns for the default", async () => {
    const taken = await occupy();
    try {
      const registry = new Registry();
      await expect(
        startMetricsListener(
          registry,
          { port: taken.port, host: "127.0.0.1", configured: true },
          silent,
        ),
      ).rejects.toThrow(
        /METRICS_HOST\/METRICS_PORT: cannot listen on 127\.0\.0\.1:\d+ \(EADDRINUSE\)/,
      );
      const lines: string[] = [];
      const logger = pino({ level: "info" }, { write: (line: string) => lines.push(line) });
      expect(
        await startMetricsListener(
          registry,
          { port: taken.port, host: "127.0.0.1", configured: false },
          logger,
        ),
      ).toBeNull();
      expect(lines.join("")).toContain("the default metrics port is taken");
    } finally {
      taken.close();
    }
  });
});
