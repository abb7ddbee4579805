import { existsSync } from "node:fs";
import { request as httpRequest } from "node:http";
import type { Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startFakeProvider,
  startTlsProxy,
  type FakeProvider,
  type TlsProxy,
} from "../src/index.js";
import { rejectionOf, uniqueKey } from "./helpers.js";

let fake: FakeProvider;
let proxy: TlsProxy;

beforeAll(async () => {
  fake = await startFakeProvider();
  proxy = await startTlsProxy({
    target: fake.url,
    hosts: ["api.anthropic.com", "platform.claude.com"],
  });
});

afterAll(async () => {
  await proxy.close();
  await fake.close();
});

/** CONNECT through the proxy: the tunnel's socket, or the proxy's refusal status. */
const openTunnel = (host: string): Promise<{ status: number; socket: Socket }> =>
  new Promise((resolve, reject) => {
    const { port } = new URL(proxy.url);
    const connect = httpRequest({
      host: "127.0.0.1",
      port,
      method: "CONNECT",
      path: `${host}:443`,
    });
    connect.once("connect", (answer, socket) => {
      resolve({ status: answer.statusCode ?? 0, socket });
    });
    connect.once("error", reject);
    connect.end();
  });

/** An HTTPS request to `host` through the proxy, as a CLI with HTTPS_PROXY makes it. */
const viaProxy = async (
  host: string,
  request: { method: string; path: string; headers?: Record<string, string>; body?: string },
  ca: string | undefined,
): Promise<{ status: number; text: string }> => {
  const tunnel = await openTunnel(host);
  if (tunnel.status !== 200) throw new Error(`CONNECT answered ${tunnel.status}`);
  const tls = tlsConnect({ socket: tunnel.socket, servername: host, ...(ca ? { ca } : {}) });
  return new Promise((resolve, reject) => {
    tls.once("error", reject);
    const req = httpRequest(
      {
        host,
        method: request.method,
        path: request.path,
        headers: request.headers,
        createConnection: () => tls,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => {
          tls.destroy();
          resolve({ status: res.statusCode ?? 0, text });
        });
      },
    );
    req.once("error", reject);
    req.end(request.body);
  });
};

describe("startTlsProxy", () => {
  it("carries an HTTPS request for a named host to the fake, streaming included, vouched for by its CA", async () => {
    const key = uniqueKey("sk-ant-api03-");
    fake.addKey(key);
    const answer = await viaProxy(
      "api.anthropic.com",
      {
        method: "POST",
        path: "/v1/messages?beta=true",
        headers: {
          "content-type": "application/json",
          "x-api-key": key,
          "anthropic-version": "2023-06-01",
        },
        body: JSON.stringify({
          model: "claude-sonnet-4-6",
          max_tokens: 20,
          stream: true,
          messages: [{ role: "user", content: "through the tunnel" }],
        }),
      },
      proxy.caPem,
    );

    expect(answer.status).toBe(200);
    expect(answer.text).toContain('"text":" tunnel"');
    expect(answer.text).toContain("event: message_stop");
    expect(fake.calls().filter((call) => call.key === key)).toMatchObject([
      { provider: "ANTHROPIC", status: 200, completed: true },
    ]);
    expect(proxy.requests()).toContainEqual({
      host: "api.anthropic.com",
      method: "POST",
      path: "/v1/messages?beta=true",
      status: 200,
    });
  });

  it("is not trusted without its CA", async () => {
    const error = await rejectionOf(
      viaProxy("platform.claude.com", { method: "GET", path: "/" }, undefined),
    );
    expect((error as NodeJS.ErrnoException).code).toMatch(/CERT|SIGNATURE|ISSUER/);
  });

  it("refuses to tunnel to a host it does not stand in for", async () => {
    const tunnel = await openTunnel("example.com");
    tunnel.socket.destroy();
    expect(tunnel.status).toBe(403);
    expect(proxy.requests()).toContainEqual({
      host: "example.com",
      method: "CONNECT",
      path: "example.com:443",
      status: 403,
    });
  });

  it("passes plain-HTTP requests for the target itself on, and refuses any other", async () => {
    const send = (url: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const { port } = new URL(proxy.url);
        const req = httpRequest({ host: "127.0.0.1", port, method: "HEAD", path: url }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.once("error", reject);
        req.end();
      });

    expect(await send(`${fake.url}/v1/messages`)).toBe(200);
    expect(await send("http://example.com/")).toBe(405);
    expect(proxy.requests()).toContainEqual({
      host: new URL(fake.url).host,
      method: "HEAD",
      path: "/v1/messages",
      status: 200,
    });
  });

  it("gives a CLI its environment, and leaves no CA behind once closed", async () => {
    const other = await startTlsProxy({ target: fake.url, hosts: ["platform.claude.com"] });
    expect(other.env).toEqual({ HTTPS_PROXY: other.url, NODE_EXTRA_CA_CERTS: other.caFile });
    expect(existsSync(other.caFile)).toBe(true);
    await other.close();
    expect(existsSync(other.caFile)).toBe(false);
  });
});
