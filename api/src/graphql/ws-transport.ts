import {
  CloseCode,
  handleProtocols,
  makeServer,
  type ConnectionInitMessage,
  type Disposable,
  type ServerOptions,
} from "graphql-ws";
import type { FormattedExecutionResult } from "graphql";
import type { Extra } from "graphql-ws/use/ws";
import type { IncomingMessage } from "node:http";
import type { Logger } from "pino";
import type { WebSocket, WebSocketServer } from "ws";

// graphql-ws on a `ws` server: graphql-ws' own `useServer` (graphql-ws/use/ws, which invites
// copying it), with one change on the way out. graphql-ws serializes every `next` message
// whole, per subscriber; here an event's result that many subscribers share (the same object,
// see shared-subscribe.ts) is serialized once, and each subscriber's message is its id and
// type around that text.

/** What a `next` message's payload is replaced with while graphql-ws serializes the message. */
const PLACEHOLDER = "\u0000";
const PLACEHOLDER_JSON = JSON.stringify(PLACEHOLDER);

/** Results serialized once; `next` messages that carry one, spliced together on the way out. */
class SharedFrames {
  readonly #json = new WeakMap<object, string>();
  /** The serialized payload the message being serialized right now takes. */
  #pending: string | undefined;

  /** graphql-ws' jsonMessageReplacer: a result handed over by `share` becomes the placeholder. */
  readonly replacer = (key: string, value: unknown): unknown => {
    if (key !== "payload" || typeof value !== "object" || value === null) return value;
    const json = this.#json.get(value);
    if (json === undefined) return value;
    this.#pending = json;
    return PLACEHOLDER;
  };

  /**
   * The payload for graphql-ws' onNext: a result without errors itself (already in its
   * formatted shape: nothing to format), serialized once on first use.
   */
  share(result: object): FormattedExecutionResult {
    if (!this.#json.has(result)) this.#json.set(result, JSON.stringify(result));
    return result;
  }

  /** The message as sent: the placeholder (a `next` message's last field) replaced. */
  frame(data: string): string {
    const json = this.#pending;
    if (json === undefined) return data;
    this.#pending = undefined;
    // graphql-ws writes a `next` message as {"id":…,"type":"next","payload":…}.
    const end = data.length - PLACEHOLDER_JSON.length - 1;
    return data.endsWith(`${PLACEHOLDER_JSON}}`) && data.lastIndexOf(PLACEHOLDER_JSON) === end
      ? `${data.slice(0, end)}${json}}`
      : data.split(PLACEHOLDER_JSON).join(json);
  }
}

/** Why a socket is closed on an internal error: the message itself only outside production. */
function closeReason(error: unknown, isProd: boolean): string {
  const message = error instanceof Error ? error.message : String(error);
  return isProd || message.length >= 124 ? "Internal server error" : message;
}

export interface TransportOptions {
  /** Where internal errors (a socket's, the server's, a message handler's) are logged. */
  readonly logger: Logger;
  /**
   * Whether a socket closed on an internal error is not told why. Default: NODE_ENV is
   * production, as useServer decides.
   */
  readonly isProd?: boolean;
  /** Ping every this many ms; a socket whose pong is not back by the next ping is terminated. */
  readonly keepAliveMs?: number;
}

/**
 * The `extra` of a connection: its socket, and the upgrade request while onConnect runs (only
 * then: an idle connection does not keep the request, its headers and its stream state).
 */
class ConnectionExtra {
  #request: IncomingMessage | undefined;

  constructor(
    readonly socket: WebSocket,
    request: IncomingMessage,
  ) {
    this.#request = request;
  }

  get request(): IncomingMessage {
    if (this.#request === undefined) {
      throw new Error("the upgrade request is only at hand in onConnect");
    }
    return this.#request;
  }

  release(): void {
    this.#request = undefined;
  }
}

/** What graphql-ws sends and listens through, for one socket (methods shared, not per socket). */
class SocketAdapter {
  readonly protocol: string;

  constructor(
    private readonly socket: WebSocket,
    private readonly frames: SharedFrames,
    private readonly failed: (what: string, error: unknown) => string,
  ) {
    this.protocol = socket.protocol;
  }

  send(data: string): Promise<void> {
    const message = this.frames.frame(data);
    const socket = this.socket;
    return new Promise<void>((resolve, reject) => {
      if (socket.readyState !== socket.OPEN) {
        resolve();
        return;
      }
      // ws reports success as undefined or null, whatever its types say.
      socket.send(message, (error?: Error | null) => {
        if (error instanceof Error) reject(error);
        else resolve();
      });
    });
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  onMessage(handle: (data: string) => Promise<void>): void {
    this.socket.on("message", (data) => {
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a Buffer (ws' default binaryType): its UTF-8 text, as useServer reads it
      handle(String(data)).catch((error: unknown) => {
        this.socket.close(
          CloseCode.InternalServerError,
          this.failed("graphql-ws: handling a message failed", error),
        );
      });
    });
  }
}

/**
 * graphql-ws on `ws`, as `useServer` does it, with results shared by subscribers serialized
 * once, and what an idle connection holds kept small: one keep-alive timer for all sockets,
 * handlers shared where they can be, the upgrade request dropped once the connection is
 * accepted.
 */
export function serveGraphQLWs<
  P extends ConnectionInitMessage["payload"] = ConnectionInitMessage["payload"],
  E extends Record<PropertyKey, unknown> = Record<PropertyKey, never>,
>(
  options: ServerOptions<P, Extra & Partial<E>>,
  ws: WebSocketServer,
  transport: TransportOptions,
): Disposable {
  const { onNext, onConnect } = options;
  const { logger } = transport;
  const isProd = transport.isProd ?? process.env["NODE_ENV"] === "production";
  const keepAlive = transport.keepAliveMs ?? 12_000;
  const failed = (what: string, error: unknown): string => {
    logger.error({ err: error }, what);
    return closeReason(error, isProd);
  };
  const frames = new SharedFrames();
  const server = makeServer<P, Extra & Partial<E>>({
    ...options,
    jsonMessageReplacer: frames.replacer,
    onConnect: async (ctx) => {
      try {
        return await onConnect?.(ctx);
      } finally {
        (ctx.extra as unknown as ConnectionExtra).release();
      }
    },
    // Awaited by graphql-ws either way: no promise of its own unless the hook returns one.
    onNext: (ctx, id, payload, args, result) => {
      const formatted = onNext?.(ctx, id, payload, args, result);
      const orShared = (given: Awaited<typeof formatted>) =>
        given ?? (result.errors === undefined ? frames.share(result) : undefined);
      return formatted instanceof Promise ? formatted.then(orShared) : orShared(formatted);
    },
  });

  // Keep-alive: every `keepAlive` ms each socket is pinged; one whose pong has not come back
  // since the last ping is terminated.
  const awaitingPong = new WeakSet<WebSocket>();
  function ponged(this: WebSocket): void {
    awaitingPong.delete(this);
  }
  const heartbeat =
    keepAlive > 0 && Number.isFinite(keepAlive)
      ? setInterval(() => {
          for (const socket of ws.clients) {
            if (socket.readyState !== socket.OPEN) continue;
            if (awaitingPong.has(socket)) {
              socket.terminate();
              continue;
            }
            awaitingPong.add(socket);
            socket.ping();
          }
        }, keepAlive)
      : undefined;
  heartbeat?.unref();
  function socketFailed(this: WebSocket, error: Error): void {
    this.close(CloseCode.InternalServerError, failed("graphql-ws: a socket failed", error));
  }

  ws.options.handleProtocols = handleProtocols;
  ws.once("error", (error) => {
    const reason = failed("graphql-ws: the WebSocket server failed", error);
    for (const client of ws.clients) client.close(CloseCode.InternalServerError, reason);
  });
  ws.on("connection", (socket, request) => {
    socket.on("error", socketFailed);
    socket.on("pong", ponged);
    const closed = server.opened(
      new SocketAdapter(socket, frames, failed),
      new ConnectionExtra(socket, request) as unknown as Extra & Partial<E>,
    );
    socket.once("close", (code, reason) => {
      void closed(code, reason.toString());
    });
  });
  return {
    dispose: async () => {
      clearInterval(heartbeat);
      for (const client of ws.clients) client.close(1001, "Going away");
      ws.removeAllListeners();
      await new Promise<void>((resolve, reject) => {
        ws.close((error) => {
          if (error === undefined) resolve();
          else reject(error);
        });
      });
    },
  };
}
