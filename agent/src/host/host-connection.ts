import { createHash, timingSafeEqual } from "node:crypto";
import type { Readable, Writable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import {
  CHANNEL_VERSION,
  type ChannelReply,
  type ChannelRequest,
  type ResidentRunFrame,
} from "@agentry/core/protocol";
import type { AgentSupervisor, RunSink } from "./agent-supervisor.js";

// One worker's end of the channel, as the host serves it: frames in, runs handed to the
// supervisor, each run's output framed back to the connection that asked for it.

/** A frame longer than this is not a run (message texts are far smaller); the line is dropped. */
const MAX_FRAME_CHARS = 64 * 1024 * 1024;

export interface ConnectionOptions {
  readonly input: Readable;
  readonly output: Writable;
  readonly supervisor: AgentSupervisor;
  /** Asked in `hello` when set (sockets); the attach stream is gated by the Docker API. */
  readonly token: string | undefined;
  /** Called when the client must go (a wrong token); unset for the shared standard streams. */
  readonly close?: () => void;
}

const digest = (text: string): Buffer => createHash("sha256").update(text).digest();

/** Compares in constant time (over digests, so the lengths do not leak either). */
export function tokenMatches(given: unknown, expected: string): boolean {
  return typeof given === "string" && timingSafeEqual(digest(given), digest(expected));
}

export function serveConnection(options: ConnectionOptions): void {
  const { input, output, supervisor, token } = options;
  let authenticated = token === undefined;
  let open = true;
  const send = (reply: ChannelReply): void => {
    if (open) output.write(`${JSON.stringify(reply)}\n`);
  };
  output.on("error", () => {
    open = false; // the worker went away; its runs go on (the journal keeps them)
  });
  output.on("close", () => {
    open = false;
  });

  const handle = (request: ChannelRequest): void => {
    if (request.op === "hello") {
      if (!authenticated) {
        authenticated = tokenMatches(request.token, token ?? "");
        if (!authenticated) {
          send({ op: "refused", nonce: request.nonce, reason: "wrong token" });
          options.close?.();
          return;
        }
      }
      send({
        op: "ready",
        nonce: request.nonce,
        version: CHANNEL_VERSION,
        running: supervisor.running,
      });
      return;
    }
    if (!authenticated) {
      options.close?.();
      return;
    }
    if (request.op === "cancel") {
      supervisor.cancel(request.id);
      return;
    }
    const sink: RunSink = {
      out: (data) => {
        send({ op: "out", id: request.id, data });
      },
      err: (data) => {
        send({ op: "err", id: request.id, data });
      },
      end: (exit) => {
        send({ op: "end", id: request.id, exit });
      },
    };
    const frame: ResidentRunFrame =
      request.env === undefined
        ? { input: request.input }
        : { input: request.input, env: request.env };
    send({ op: "accepted", id: request.id });
    supervisor.submit(request.id, frame, sink);
  };

  const decoder = new StringDecoder("utf8");
  let pending = "";
  input.on("data", (chunk: Buffer) => {
    pending += decoder.write(chunk);
    for (let newline = pending.indexOf("\n"); newline !== -1; newline = pending.indexOf("\n")) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      const request = parseRequest(line);
      if (request !== null) handle(request);
    }
    if (pending.length > MAX_FRAME_CHARS) pending = "";
  });
  input.on("error", () => undefined);
}

/** A request frame, or null (an empty line, half a frame a dead worker left, anything else). */
function parseRequest(line: string): ChannelRequest | null {
  if (line.trim() === "") return null;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const frame = value as Record<string, unknown>;
  switch (frame["op"]) {
    case "hello":
      return typeof frame["nonce"] === "string" ? (value as ChannelRequest) : null;
    case "cancel":
      return typeof frame["id"] === "string" ? (value as ChannelRequest) : null;
    case "run":
      // the input itself is checked by the agent program, which answers a bad one with an error
      return typeof frame["id"] === "string" &&
        typeof frame["input"] === "object" &&
        frame["input"] !== null
        ? (value as ChannelRequest)
        : null;
    default:
      return null;
  }
}
