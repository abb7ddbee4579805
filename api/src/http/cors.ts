import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * CORS for browser clients on another origin (the web client's dev server, a dashboard).
 * Bearer tokens, no cookies: no credentials mode is needed. Only listed origins are answered;
 * others get no CORS headers (their browser then refuses the response). Returns true when the
 * request was a preflight and has been answered.
 */
export function applyCors(
  req: IncomingMessage,
  res: ServerResponse,
  allowed: ReadonlySet<string>,
): boolean {
  const origin = req.headers.origin;
  const ok = origin !== undefined && allowed.has(origin);
  res.setHeader("vary", "Origin");
  if (ok) res.setHeader("access-control-allow-origin", origin);
  if (req.method !== "OPTIONS") return false;
  if (ok) {
    res.writeHead(204, {
      "access-control-allow-methods": "GET, POST, OPTIONS",
      "access-control-allow-headers":
        "authorization, content-type, apollo-require-preflight, x-apollo-operation-name",
      "access-control-max-age": "600",
    });
  } else {
    res.writeHead(403);
  }
  res.end();
  return true;
}

/** Parses CORS_ORIGINS: comma-separated origins such as http://localhost:5173. */
export function parseOrigins(value: string): ReadonlySet<string> {
  return new Set(
    value
      .split(",")
      .map((origin) => origin.trim().replace(/\/+$/, ""))
      .filter((origin) => origin !== ""),
  );
}
