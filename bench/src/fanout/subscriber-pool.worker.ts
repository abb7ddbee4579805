import { parentPort } from "node:worker_threads";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { now } from "../lib/clock.js";
import {
  readStamp,
  type FromPool,
  type PhaseResult,
  type PoolMode,
  type ToPool,
} from "./subscriber-protocol.js";

// The subscriber pool's thread: opens the N client connections, records every delivery's
// latency for the phase it is told to expect, and reports when each connection has them all.

if (parentPort === null) throw new Error("subscriber-pool.worker must run in a worker thread");
const port = parentPort;
const send = (message: FromPool) => {
  port.postMessage(message);
};

interface Phase {
  readonly name: string;
  readonly expected: number;
  readonly counts: number[];
  readonly latencies: number[];
  firstReceivedAt: number;
  lastReceivedAt: number;
  /** Connections that have not yet received `expected` events. */
  remaining: number;
  reported: boolean;
}

let phase: Phase | undefined;
let closing = false;
const closers: (() => Promise<void>)[] = [];

function result(current: Phase): PhaseResult {
  return {
    phase: current.name,
    counts: current.counts,
    latenciesMs: current.latencies,
    firstReceivedAt: current.firstReceivedAt,
    lastReceivedAt: current.lastReceivedAt,
    complete: current.remaining === 0,
  };
}

function received(connection: number, text: string, receivedAt: number): void {
  const current = phase;
  const stamped = readStamp(text);
  if (current === undefined || stamped === undefined || stamped.phase !== current.name) return;
  const count = (current.counts[connection] ?? 0) + 1;
  current.counts[connection] = count;
  current.latencies.push(receivedAt - stamped.stamp);
  if (Number.isNaN(current.firstReceivedAt)) current.firstReceivedAt = receivedAt;
  current.lastReceivedAt = receivedAt;
  if (count === current.expected) {
    current.remaining -= 1;
    if (current.remaining === 0 && !current.reported) {
      current.reported = true;
      send({ type: "phase", result: result(current) });
    }
  }
}

function lost(what: string): void {
  if (!closing) send({ type: "failed", message: what });
}

function openGraphqlWs(
  mode: Extract<PoolMode, { kind: "graphql-ws" }>,
  index: number,
  token: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const client = createClient({
      url: mode.url,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${token}` },
      on: {
        connected: () => {
          resolve();
        },
        closed: (event) => {
          const { code } = event as { code?: number };
          reject(new Error(`graphql-ws connection ${index} closed (${code ?? "?"})`));
          lost(`graphql-ws connection ${index} closed (${code ?? "?"})`);
        },
      },
      onNonLazyError: reject,
    });
    client.subscribe<{ agentEvents: { text: string | null } }>(
      { query: mode.query, variables: { ...mode.variables } },
      {
        next: (value) => {
          const receivedAt = now();
          const text = value.data?.agentEvents.text;
          if (typeof text === "string") received(index, text, receivedAt);
          else if (value.errors !== undefined)
            lost(`subscription ${index}: ${JSON.stringify(value.errors)}`);
        },
        error: (error: unknown) => {
          lost(`subscription ${index} failed: ${JSON.stringify(error)}`);
        },
        complete: () => {
          lost(`subscription ${index} completed early`);
        },
      },
    );
    closers.push(async () => {
      await client.dispose();
    });
  });
}

function openWs(url: string, index: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once("open", () => {
      resolve();
    });
    socket.once("error", reject);
    socket.on("message", (data: WebSocket.RawData) => {
      const receivedAt = now();
      // A real client parses what it gets; the graphql-ws client does too.
      const bytes = Buffer.isBuffer(data)
        ? data
        : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);
      const event = JSON.parse(bytes.toString("utf8")) as { text?: unknown };
      if (typeof event.text === "string") received(index, event.text, receivedAt);
    });
    socket.once("close", () => {
      lost(`websocket ${index} closed`);
    });
    closers.push(
      () =>
        new Promise<void>((done) => {
          if (socket.readyState === WebSocket.CLOSED) {
            done();
            return;
          }
          socket.once("close", () => {
            done();
          });
          socket.close();
        }),
    );
  });
}

async function open(mode: PoolMode): Promise<void> {
  if (mode.kind === "graphql-ws") {
    await Promise.all(mode.tokens.map((token, index) => openGraphqlWs(mode, index, token)));
  } else {
    await Promise.all(
      Array.from({ length: mode.connections }, (_, index) => openWs(mode.url, index)),
    );
  }
}

let connections = 0;

port.on("message", (message: ToPool) => {
  switch (message.type) {
    case "open":
      connections =
        message.mode.kind === "graphql-ws" ? message.mode.tokens.length : message.mode.connections;
      open(message.mode).then(
        () => {
          send({ type: "opened" });
        },
        (error: unknown) => {
          send({ type: "failed", message: `opening the connections failed: ${String(error)}` });
        },
      );
      break;
    case "expect":
      phase = {
        name: message.phase,
        expected: message.count,
        counts: Array.from({ length: connections }, () => 0),
        latencies: [],
        firstReceivedAt: Number.NaN,
        lastReceivedAt: Number.NaN,
        remaining: connections,
        reported: false,
      };
      send({ type: "expecting", phase: message.phase });
      break;
    case "collect":
      if (phase?.name === message.phase && !phase.reported) {
        phase.reported = true;
        send({ type: "phase", result: result(phase) });
      }
      break;
    case "close":
      closing = true;
      Promise.allSettled(closers.map((close) => close())).then(
        () => {
          send({ type: "closed" });
        },
        () => {
          send({ type: "closed" });
        },
      );
      break;
  }
});
