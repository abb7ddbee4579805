import { createReadStream } from "node:fs";
import { Readable } from "node:stream";

// A minimal ustar writer, so image layers are streamed straight from the host's files into
// Docker with the owners we choose (no temporary rootfs copy, no root needed for chown).

export type TarEntry =
  | { type: "dir"; path: string; mode: number; uid?: number; gid?: number }
  | { type: "file"; path: string; mode: number; uid?: number; gid?: number; content: Buffer }
  | {
      type: "hostFile";
      path: string;
      mode: number;
      uid?: number;
      gid?: number;
      source: string;
      size: number;
    };

const BLOCK = 512;

function octal(value: number, width: number): string {
  // width includes the trailing NUL
  return value.toString(8).padStart(width - 1, "0") + "\0";
}

function splitPath(path: string): { name: string; prefix: string } {
  if (Buffer.byteLength(path) <= 100) return { name: path, prefix: "" };
  const cut = path.lastIndexOf("/", 155);
  const name = path.slice(cut + 1);
  const prefix = path.slice(0, cut);
  if (cut <= 0 || Buffer.byteLength(name) > 100 || Buffer.byteLength(prefix) > 155) {
    throw new RangeError(`Path too long for a ustar archive: ${path}`);
  }
  return { name, prefix };
}

function header(entry: TarEntry, size: number): Buffer {
  const block = Buffer.alloc(BLOCK);
  const path = entry.type === "dir" && !entry.path.endsWith("/") ? `${entry.path}/` : entry.path;
  const { name, prefix } = splitPath(path);
  block.write(name, 0, 100, "utf8");
  block.write(octal(entry.mode & 0o7777, 8), 100, 8, "ascii");
  block.write(octal(entry.uid ?? 0, 8), 108, 8, "ascii");
  block.write(octal(entry.gid ?? 0, 8), 116, 8, "ascii");
  block.write(octal(size, 12), 124, 12, "ascii");
  block.write(octal(0, 12), 136, 12, "ascii"); // mtime 0: the same inputs give the same layer
  block.write("        ", 148, 8, "ascii"); // checksum placeholder (spaces) while summing
  block.write(entry.type === "dir" ? "5" : "0", 156, 1, "ascii");
  block.write("ustar\u000000", 257, 8, "ascii");
  block.write(prefix, 345, 155, "utf8");
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8, "ascii");
  return block;
}

function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest);
}

async function* chunks(entries: readonly TarEntry[]): AsyncGenerator<Buffer> {
  for (const entry of entries) {
    switch (entry.type) {
      case "dir":
        yield header(entry, 0);
        break;
      case "file":
        yield header(entry, entry.content.length);
        yield entry.content;
        yield padding(entry.content.length);
        break;
      case "hostFile": {
        yield header(entry, entry.size);
        let written = 0;
        for await (const chunk of createReadStream(entry.source)) {
          const buffer = chunk as Buffer;
          written += buffer.length;
          yield buffer;
        }
        if (written !== entry.size) {
          throw new Error(`${entry.source} changed size while being archived`);
        }
        yield padding(entry.size);
        break;
      }
    }
  }
  yield Buffer.alloc(BLOCK * 2);
}

/** A tar archive of `entries`, in order, as a stream. */
export function tarStream(entries: readonly TarEntry[]): Readable {
  return Readable.from(chunks(entries), { objectMode: false });
}

/** The content of the first regular file in a tar archive (what Docker's archive API returns for one file). */
export function readSingleFileFromTar(archive: Buffer): Buffer {
  for (let offset = 0; offset + BLOCK <= archive.length;) {
    const head = archive.subarray(offset, offset + BLOCK);
    if (head.every((byte) => byte === 0)) break;
    const size = Number.parseInt(
      head.subarray(124, 136).toString("latin1").replace(/\0.*$/s, "").trim() || "0",
      8,
    );
    const type = String.fromCharCode(head[156] ?? 0);
    const start = offset + BLOCK;
    if (type === "0" || type === "\0") return archive.subarray(start, start + size);
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  throw new RangeError("no regular file in the archive");
}
