import type { IncomingMessage, ServerResponse } from "node:http";
import { decodeContent } from "./content-encoding.js";

export type BodyResult = { ok: true; body: Buffer } | { ok: false };

/**
 * Reads the request body, undoing its `content-encoding` (zstd, gzip, br, deflate);
 * `{ ok: false }` once it passes `maxBytes`, before or after decoding (the rest is not read).
 * A body that cannot be decoded reads as empty, so it fails as malformed JSON would.
 */
export const readBody = (req: IncomingMessage, maxBytes: number): Promise<BodyResult> =>
  new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? "0");
    if (declared > maxBytes) {
      resolve({ ok: false });
      return;
    }
    const parts: Buffer[] = [];
    let size = 0;
    let settled = false;
    req.on("data", (part: Buffer) => {
      if (settled) return;
      size += part.length;
      if (size > maxBytes) {
        settled = true;
        resolve({ ok: false });
        return;
      }
      parts.push(part);
    });
    req.on("end", () => {
      if (settled) return;
      settled = true;
      const decoded = decodeContent(
        Buffer.concat(parts),
        header(req, "content-encoding"),
        maxBytes,
      );
      if (decoded.ok) resolve({ ok: true, body: decoded.body });
      else if (decoded.reason === "too-large") resolve({ ok: false });
      // Nothing readable: an empty body, refused as malformed JSON.
      else resolve({ ok: true, body: Buffer.alloc(0) });
    });
    req.on("error", (error) => {
      if (settled) return;
      settled = true;
      reject(error);
    });
  });

/** Parses JSON; `undefined` when it is not JSON. */
export const parseJson = (body: Buffer): unknown => {
  try {
    return JSON.parse(body.toString("utf8")) as unknown;
  } catch {
    return undefined;
  }
};

export const sendJson = (
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void => {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
};

/** Writes Server-Sent Events: `event: <name>\ndata: <json>\n\n` or `data: <json>\n\n`. */
export class SseWriter {
  constructor(
    private readonly res: ServerResponse,
    headers: Record<string, string> = {},
  ) {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
      ...headers,
    });
  }

  event(name: string, data: unknown): void {
    this.res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  data(data: unknown): void {
    this.res.write(`data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);
  }

  end(): void {
    this.res.end();
  }
}

/** True for requests from this machine (127.0.0.0/8, ::1, IPv4-mapped loopback). */
export const isLoopback = (req: IncomingMessage): boolean => {
  const address = req.socket.remoteAddress ?? "";
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
};

/** A plain object, or `undefined`. */
export const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

export const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};
