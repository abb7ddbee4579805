import WebSocket from "ws";
import { ChildPort } from "../lib/child-process.js";
import type { FromClient, SocketPlan, ToClient } from "./sockets-protocol.js";

// A client process of the idle-sockets bench: opens its share of the sockets (a plain WebSocket,
// or a graphql-ws connection that authenticates and starts one subscription), then holds them
// idle. Speaks graphql-transport-ws itself: the client library's own state per socket is no
// part of the measure, and nothing here runs in the measured process anyway.

const PROTOCOL = "graphql-transport-ws";

interface Held {
  readonly socket: WebSocket;
  received: number;
}

const held: Held[] = [];
let closing = false;
/** Sockets that have not received a message since `expect`. */
let waiting: Set<Held> | undefined;

const port = new ChildPort<ToClient, FromClient>(handle, closeAll);

function lost(what: string): void {
  if (!closing) port.send({ type: "failed", message: what });
}

function received(entry: Held): void {
  entry.received += 1;
  if (waiting?.delete(entry) === true && waiting.size === 0) {
    waiting = undefined;
    port.send({ type: "received", sockets: held.length });
  }
}

/** Opens one socket; resolves once it is ready (graphql-ws: acknowledged and subscribed). */
function open(plan: SocketPlan, index: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket =
      plan.kind === "bare" ? new WebSocket(plan.url) : new WebSocket(plan.url, PROTOCOL);
    const entry: Held = { socket, received: 0 };
    socket.on("error", (error) => {
      reject(error);
      lost(`socket ${index}: ${error.message}`);
    });
    socket.once("close", (code) => {
      reject(new Error(`socket ${index} closed (${code}) while opening`));
      lost(`socket ${index} closed (${code})`);
    });
    socket.once("open", () => {
      held.push(entry);
      if (plan.kind === "bare") {
        resolve();
        socket.on("message", () => {
          received(entry);
        });
        return;
      }
      socket.send(
        JSON.stringify({
          type: "connection_init",
          payload: { authorization: `Bearer ${plan.token}` },
        }),
      );
      socket.on("message", (data: WebSocket.RawData) => {
        const text = Buffer.isBuffer(data)
          ? data.toString("utf8")
          : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString("utf8");
        const message = JSON.parse(text) as { type: string; payload?: unknown };
        switch (message.type) {
          case "connection_ack":
            socket.send(
              JSON.stringify({
                id: "1",
                type: "subscribe",
                payload: { query: plan.query, variables: plan.variables },
              }),
            );
            // graphql-ws acknowledges no subscription: the probe tells when it is live.
            resolve();
            break;
          case "next":
            received(entry);
            break;
          case "ping":
            socket.send(JSON.stringify({ type: "pong" }));
            break;
          default:
            lost(`socket ${index}: unexpected ${message.type} ${JSON.stringify(message.payload)}`);
        }
      });
    });
  });
}

async function openAll(plans: readonly SocketPlan[], concurrency: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < plans.length) {
      const index = next;
      next += 1;
      await open(plans[index] as SocketPlan, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, plans.length) }, worker));
}

async function closeAll(): Promise<void> {
  closing = true;
  const sockets = held.splice(0);
  await Promise.all(
    sockets.map(
      ({ socket }) =>
        new Promise<void>((resolve) => {
          if (socket.readyState === WebSocket.CLOSED) {
            resolve();
            return;
          }
          socket.once("close", () => {
            resolve();
          });
          socket.close();
        }),
    ),
  );
}

async function handle(message: ToClient): Promise<void> {
  switch (message.type) {
    case "open":
      await openAll(message.sockets, message.concurrency);
      port.send({ type: "opened", sockets: held.length });
      break;
    case "expect":
      waiting = new Set(held);
      for (const entry of held) entry.received = 0;
      break;
    case "close":
      await closeAll();
      closing = false;
      port.send({ type: "closed" });
      break;
  }
}
