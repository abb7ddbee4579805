import { createServer, request, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** One request that went through the proxy. */
export interface ProxiedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The body as sent (still compressed if it was). */
  body: Buffer;
}

export interface RecordingProxy {
  /** `http://127.0.0.1:<port>`: use in place of the target's origin. */
  readonly url: string;
  readonly requests: ProxiedRequest[];
  close(): Promise<void>;
}

/**
 * A pass-through HTTP proxy in front of `target` (e.g. the fake provider) that keeps every
 * request's headers and body, for tests that must see what a CLI sent (history, headers) and
 * not only what the fake records. Responses, streams included, pass through untouched.
 */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const origin = new URL(target);
  const requests: ProxiedRequest[] = [];
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => {
      const body = Buffer.concat(parts);
      requests.push({
        method: req.method ?? "GET",
        path: req.url ?? "/",
        headers: req.headers,
        body,
      });
      const upstream = request(
        {
          host: origin.hostname,
          port: origin.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: origin.host },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on("error", () => {
        res.destroy();
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
