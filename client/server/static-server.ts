import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import {
  createServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import path from "node:path";

// Serves the built client (dist/): files as they are, any other path as index.html (the app
// routes in the browser). It proxies nothing unless told to: the client calls the api at
// VITE_API_URL. With `proxy`, /graphql (HTTP and WebSocket upgrades) goes to that api, for a
// one-origin setup where the client is built with VITE_API_URL=/graphql.

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".woff2": "font/woff2",
};

export interface StaticServerOptions {
  /** The built client (vite's outDir). */
  readonly root: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly host?: string;
  /** The api's origin (e.g. http://127.0.0.1:4000) to pass /graphql to; none by default. */
  readonly proxy?: string;
}

export interface RunningStaticServer {
  /** e.g. http://127.0.0.1:5173 */
  readonly url: string;
  close(): Promise<void>;
}

const GRAPHQL_PATH = "/graphql";

async function fileFor(root: string, pathname: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  const candidate = path.resolve(root, `.${path.posix.normalize(decoded)}`);
  // Nothing outside the root, whatever the path says.
  if (candidate !== root && !candidate.startsWith(`${root}${path.sep}`)) return undefined;
  try {
    return (await stat(candidate)).isFile() ? candidate : undefined;
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, file: string, status = 200): void {
  const type = TYPES[path.extname(file)] ?? "application/octet-stream";
  const immutable = file.includes(`${path.sep}assets${path.sep}`);
  res.writeHead(status, {
    "content-type": type,
    "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
    "x-content-type-options": "nosniff",
  });
  createReadStream(file).pipe(res);
}

/**
 * The request's headers for the api: its host, and the browser's address appended to
 * X-Forwarded-For, so the api's per-address limits see browsers rather than this server.
 */
function forwardedHeaders(target: URL, req: IncomingMessage): IncomingMessage["headers"] {
  const earlier = req.headers["x-forwarded-for"];
  const peer = req.socket.remoteAddress ?? "unknown";
  return {
    ...req.headers,
    host: target.host,
    "x-forwarded-for": earlier === undefined ? peer : `${String(earlier)}, ${peer}`,
  };
}

function proxyHttp(target: URL, req: IncomingMessage, res: ServerResponse): void {
  const upstream = request(
    {
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: forwardedHeaders(target, req),
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on("error", () => {
    if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
    res.end("The api is not reachable");
  });
  req.pipe(upstream);
}

export async function startStaticServer(
  options: StaticServerOptions,
): Promise<RunningStaticServer> {
  const root = path.resolve(options.root);
  const target = options.proxy === undefined ? undefined : new URL(options.proxy);
  const index = path.join(root, "index.html");

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (target !== undefined && url.pathname === GRAPHQL_PATH) {
      proxyHttp(target, req, res);
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    void fileFor(root, url.pathname).then((file) => {
      if (file !== undefined) send(res, file);
      else if (path.extname(url.pathname) !== "") res.writeHead(404).end("Not found");
      else send(res, index);
    });
  });

  // graphql-ws: the upgrade request is replayed to the api and the two sockets joined.
  server.on("upgrade", (req: IncomingMessage, socket, head: Buffer) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (target === undefined || url.pathname !== GRAPHQL_PATH) {
      socket.destroy();
      return;
    }
    const upstream = connect(Number(target.port || 80), target.hostname, () => {
      const headers = Object.entries(forwardedHeaders(target, req))
        .flatMap(([name, value]) =>
          value === undefined
            ? []
            : (Array.isArray(value) ? value : [value]).map((v) => `${name}: ${v}`),
        )
        .join("\r\n");
      upstream.write(`${req.method ?? "GET"} ${req.url ?? "/"} HTTP/1.1\r\n${headers}\r\n\r\n`);
      upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    });
    upstream.on("error", () => socket.destroy());
    socket.on("error", () => upstream.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
