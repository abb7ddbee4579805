import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";
import { Decompress } from "fzstd";

// Request bodies may arrive compressed: Codex's built-in OpenAI provider sends zstd when signed
// in with ChatGPT, other clients gzip or br. Node 20's zlib has no zstd, so fzstd (pure JS) decodes it.

/** The decoded body; `too-large` past `maxBytes` decoded; `undecodable` for a corrupt body or an unknown coding. */
export type DecodeResult =
  { ok: true; body: Buffer } | { ok: false; reason: "too-large" | "undecodable" };

class TooLarge extends Error {}

const zstd = (body: Buffer, maxBytes: number): Buffer => {
  const parts: Uint8Array[] = [];
  let size = 0;
  // Streamed so a small body that claims a huge size cannot make it allocate that much.
  const stream = new Decompress((chunk) => {
    size += chunk.length;
    if (size > maxBytes) throw new TooLarge();
    parts.push(chunk);
  });
  stream.push(body, true);
  return Buffer.concat(parts);
};

const decodeOne = (coding: string, body: Buffer, maxBytes: number): Buffer | undefined => {
  const limit = { maxOutputLength: maxBytes };
  switch (coding) {
    case "identity":
    case "":
      return body;
    case "gzip":
    case "x-gzip":
      return gunzipSync(body, limit);
    case "deflate":
      return inflateSync(body, limit);
    case "br":
      return brotliDecompressSync(body, limit);
    case "zstd":
      return zstd(body, maxBytes);
    default:
      return undefined;
  }
};

/** Undoes a `content-encoding` (a list is undone last coding first), within `maxBytes`. */
export const decodeContent = (
  body: Buffer,
  encoding: string | undefined,
  maxBytes: number,
): DecodeResult => {
  const codings = (encoding ?? "")
    .split(",")
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== "" && coding !== "identity");
  let decoded = body;
  for (const coding of codings.reverse()) {
    let next: Buffer | undefined;
    try {
      next = decodeOne(coding, decoded, maxBytes);
    } catch (error) {
      const tooLarge =
        error instanceof TooLarge ||
        (error instanceof RangeError &&
          (error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE");
      return { ok: false, reason: tooLarge ? "too-large" : "undecodable" };
    }
    if (next === undefined) return { ok: false, reason: "undecodable" };
    decoded = next;
  }
  return { ok: true, body: decoded };
};
