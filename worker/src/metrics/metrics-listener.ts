import { ConfigError } from "@agentry/core";
import { once } from "node:events";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { Registry } from "prom-client";

// /metrics on a listener of its own (METRICS_HOST:METRICS_PORT, loopback by default), apart from
// the public port, so a scrape endpoint is never exposed by accident.

export interface MetricsListenerOptions {
  /** Null: no listener (METRICS_PORT=off). 0 picks a free port. */
  readonly port: number | null;
  readonly host: string;
  /**
   * Whether the port was configured. A configured port that is taken stops the boot; the
   * default one only warns (a second process on the machine, say), and the process runs on.
   */
  readonly configured: boolean;
}

export interface MetricsListener {
  /** e.g. http://127.0.0.1:9464/metrics */
  readonly url: string;
  close(): Promise<void>;
}

/** Answers with the registry's scrape in Prometheus' text format. */
export async function writeMetrics(registry: Registry, res: ServerResponse): Promise<void> {
  const body = await registry.metrics();
  res.writeHead(200, { "content-type": registry.contentType, "cache-control": "no-store" });
  res.end(body);
}

/** Starts the metrics listener; null when it is off, or its default port is taken. */
export async function startMetricsListener(
  registry: Registry,
  options: MetricsListenerOptions,
  logger: Logger,
): Promise<MetricsListener | null> {
  if (options.port === null) return null;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Not found\n");
      return;
    }
    writeMetrics(registry, res).catch((error: unknown) => {
      logger.error(
        { errorName: error instanceof Error ? error.name : typeof error },
        "metrics scrape failed",
      );
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  try {
    server.listen(options.port, options.host);
    await once(server, "listening");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE" && !options.configured) {
      logger.warn(
        { port: options.port, host: options.host },
        "the default metrics port is taken: /metrics is not served (set METRICS_PORT)",
      );
      return null;
    }
    throw new ConfigError([
      `METRICS_HOST/METRICS_PORT: cannot listen on ${options.host}:${options.port} (${code ?? "error"}); choose another port (0: any free one) or off`,
    ]);
  }
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}/metrics`;
  logger.info({ url }, "metrics listening");
  return {
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error === undefined) resolve();
          else reject(error);
        });
        server.closeAllConnections();
      }),
  };
}
