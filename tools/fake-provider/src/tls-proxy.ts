import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import { createSecureContext, TLSSocket, type SecureContext } from "node:tls";
import { promisify } from "node:util";

// Some addresses a CLI calls cannot be configured (Claude Code refreshes its sign-in at
// platform.claude.com, Codex and OpenCode at auth.openai.com). In tests they are reached through
// this proxy: the CLI gets HTTPS_PROXY=<proxy url> and NODE_EXTRA_CA_CERTS=<caFile>; the proxy
// accepts CONNECT for the named hosts, terminates TLS with a certificate for them signed by a CA
// made when it starts (the CA's key is deleted at once and the CA never leaves the test), and
// forwards every request, path and headers kept, to a plain-HTTP target (the fake provider).

const run = promisify(execFile);

export interface TlsProxyOptions {
  /** Where every request goes, over plain HTTP: an origin such as the fake provider's `url`. */
  target: string;
  /** Host names it stands in for (its certificate names them); a CONNECT to any other is refused. */
  hosts: readonly string[];
}

/** One request that came through the proxy. */
export interface ProxiedRequest {
  /** The host the client meant (from CONNECT), e.g. `platform.claude.com`. */
  host: string;
  method: string;
  /** Path and query, as forwarded. */
  path: string;
  /** The target's status; 502 when the target could not be reached. */
  status: number;
}

export interface TlsProxy {
  /** `http://127.0.0.1:<port>`: the value of HTTPS_PROXY. */
  readonly url: string;
  /** The test CA's certificate (PEM file): the value of NODE_EXTRA_CA_CERTS. */
  readonly caFile: string;
  /** The CA certificate itself, for clients that take it in memory. */
  readonly caPem: string;
  /** `{ HTTPS_PROXY, NODE_EXTRA_CA_CERTS }` for a CLI's environment. */
  readonly env: Readonly<Record<"HTTPS_PROXY" | "NODE_EXTRA_CA_CERTS", string>>;
  /** Requests forwarded so far (and CONNECTs refused, with status 403), oldest first. */
  requests(): ProxiedRequest[];
  /** Stops listening, cuts open tunnels and removes the CA file. */
  close(): Promise<void>;
}

interface Certificates {
  caPem: string;
  caFile: string;
  context: SecureContext;
}

/** A CA and a certificate for `hosts` signed by it (P-256 keys: fast to make), with openssl. */
const makeCertificates = async (dir: string, hosts: readonly string[]): Promise<Certificates> => {
  const file = (name: string): string => join(dir, name);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await run("openssl", [
    "req",
    "-x509",
    ...ec,
    "-keyout",
    file("ca.key"),
    "-out",
    file("ca.pem"),
    "-days",
    "2",
    "-subj",
    "/CN=agentry fake-provider test CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  await run("openssl", [
    "req",
    ...ec,
    "-keyout",
    file("host.key"),
    "-out",
    file("host.csr"),
    "-subj",
    `/CN=${hosts[0] ?? "localhost"}`,
  ]);
  await writeFile(
    file("host.ext"),
    [
      `subjectAltName=${hosts.map((host) => `DNS:${host}`).join(",")}`,
      "basicConstraints=critical,CA:FALSE",
      "keyUsage=critical,digitalSignature",
      "extendedKeyUsage=serverAuth",
    ].join("\n"),
  );
  await run("openssl", [
    "x509",
    "-req",
    "-in",
    file("host.csr"),
    "-CA",
    file("ca.pem"),
    "-CAkey",
    file("ca.key"),
    "-CAcreateserial",
    "-days",
    "1",
    "-extfile",
    file("host.ext"),
    "-out",
    file("host.pem"),
  ]);
  const caPem = await readFile(file("ca.pem"), "utf8");
  const hostPem = await readFile(file("host.pem"), "utf8");
  const hostKey = await readFile(file("host.key"), "utf8");
  // Only the CA certificate stays on disk: nobody can sign anything else with it.
  await Promise.all(
    ["ca.key", "ca.srl", "host.key", "host.csr", "host.ext", "host.pem"].map((name) =>
      rm(file(name), { force: true }),
    ),
  );
  return {
    caPem,
    caFile: file("ca.pem"),
    context: createSecureContext({ cert: `${hostPem}${caPem}`, key: hostKey }),
  };
};

/** Starts the proxy on 127.0.0.1 (a free port). Needs the `openssl` command. */
export const startTlsProxy = async (options: TlsProxyOptions): Promise<TlsProxy> => {
  const target = new URL(options.target);
  const hosts = new Set(options.hosts.map((host) => host.toLowerCase()));
  if (hosts.size === 0) throw new RangeError("name at least one host");
  const dir = await mkdtemp(join(tmpdir(), "fake-provider-tls-"));
  let certificates: Certificates;
  try {
    certificates = await makeCertificates(dir, [...hosts]);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const recorded: ProxiedRequest[] = [];
  const sockets = new Set<Duplex>();
  const track = (socket: Duplex): void => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };

  const forward = (host: string, req: IncomingMessage, res: ServerResponse): void => {
    const path = req.url ?? "/";
    const entry: ProxiedRequest = { host, method: req.method ?? "GET", path, status: 502 };
    recorded.push(entry);
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path,
        headers: { ...req.headers, host: target.host, "x-forwarded-host": host },
        // A connection per request: nothing of one exchange can leak into the next.
        agent: false,
      },
      (answer) => {
        entry.status = answer.statusCode ?? 502;
        res.writeHead(entry.status, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end("the fake provider could not be reached through the proxy");
    });
    req.pipe(upstream);
  };

  // Serves the requests inside each tunnel; it never listens itself.
  const tunnelHosts = new WeakMap<object, string>();
  const inner = createServer((req, res) => {
    forward(tunnelHosts.get(req.socket) ?? "", req, res);
  });

  const outer = createServer((req, res) => {
    // A client that sends plain-HTTP requests through HTTPS_PROXY too (Claude Code does) still
    // reaches the target itself; nothing else is proxied in the clear.
    const absolute = URL.canParse(req.url ?? "") ? new URL(req.url ?? "") : undefined;
    if (absolute?.protocol === "http:" && absolute.host === target.host) {
      req.url = `${absolute.pathname}${absolute.search}`;
      forward(target.host, req, res);
      return;
    }
    res.writeHead(405, { "content-type": "text/plain" });
    res.end("this proxy tunnels HTTPS (CONNECT) and passes plain HTTP to its target only");
  });
  outer.on("connection", track);
  outer.on("connect", (req: IncomingMessage, client: Socket, head: Buffer) => {
    const host = (req.url ?? "").replace(/:\d+$/, "").toLowerCase();
    if (!hosts.has(host)) {
      recorded.push({ host, method: "CONNECT", path: req.url ?? "", status: 403 });
      client.end("HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n");
      return;
    }
    client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length > 0) client.unshift(head);
    const tls = new TLSSocket(client, { isServer: true, secureContext: certificates.context });
    tunnelHosts.set(tls, host);
    track(tls);
    tls.on("error", () => {
      client.destroy();
    });
    inner.emit("connection", tls);
  });

  await new Promise<void>((resolve, reject) => {
    outer.once("error", reject);
    outer.listen(0, "127.0.0.1", () => {
      outer.off("error", reject);
      resolve();
    });
  });
  const { port } = outer.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    caFile: certificates.caFile,
    caPem: certificates.caPem,
    env: { HTTPS_PROXY: url, NODE_EXTRA_CA_CERTS: certificates.caFile },
    requests: () => recorded.map((entry) => ({ ...entry })),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => {
        outer.close(() => {
          resolve();
        });
      });
      inner.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
};
