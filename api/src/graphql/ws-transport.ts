import {
  CloseCode,
  handleProtocols,
  makeServer,
  type ConnectionInitMessage,
  type Disposable,
  type ServerOptions,
} from "graphql-ws";
import type { ExecutionArgs, ExecutionResult, FormattedExecutionResult } from "graphql";
import type { Extra } from "graphql-ws/use/ws";
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { Logger } from "pino";
import type { WebSocket, WebSocketServer } from "ws";
import { deliverDirectly } from "../realtime/direct-delivery.js";

// graphql-ws on a `ws` server: graphql-ws' own `useServer` (graphql-ws/use/ws, which invites
// copying it), with changes on the way out. graphql-ws serializes every `next` message
// whole, per subscriber; here an event's result that many subscribers share (the same object,
// see shared-subscribe.ts) is serialized once, and each subscriber's message is its id and
// type around that text. A socket's messages of one turn of the event loop leave in one
// write, instead of a write (a system call) per message, each awaited before the next. And a
// subscription whose stream offers direct delivery (realtime/direct-delivery.ts) has its live
// results written as they come, from the topic's listener, while graphql-ws waits on it.

/** What a shared result's `next` message carries in place of its payload until it is sent. */
const PLACEHOLDER = "\u0000";
const PLACEHOLDER_JSON = JSON.stringify(PLACEHOLDER);

/**
 * Results serialized once; `next` messages that carry one, spliced together on the way out.
 * A shared result goes to graphql-ws as a stand-in object whose toJSON (called while graphql-ws
 * serializes the message, which it sends at once) notes the result's text and writes the
 * placeholder; `frame` then puts the text in its place. (A toJSON rather than graphql-ws'
 * jsonMessageReplacer: a replacer function puts every message's JSON.stringify on V8's slow
 * path.)
 */
class SharedFrames {
  /** The stand-in of each shared result, and so its text, while the result is held. */
  readonly #standIns = new WeakMap<object, StandIn>();
  /** The serialized payload the message being serialized right now takes. */
  #pending: string | undefined;

  /**
   * The payload for graphql-ws' onNext: a result without errors itself (already in its
   * formatted shape: nothing to format), serialized once on first use.
   */
  share(result: object): FormattedExecutionResult {
    let standIn = this.#standIns.get(result);
    if (standIn === undefined) {
      standIn = new StandIn(this, JSON.stringify(result));
      this.#standIns.set(result, standIn);
    }
    return standIn as FormattedExecutionResult;
  }

  /** The last result `text` was asked for, and its text (a live event's subscribers ask in a row). */
  #lastResult: object | undefined;
  #lastText = "";

  /** The result's text, serialized once for all the messages that carry it. */
  text(result: object): string {
    if (result !== this.#lastResult) {
      this.#lastText = this.#standIns.get(result)?.json ?? JSON.stringify(result);
      this.#lastResult = result;
    }
    return this.#lastText;
  }

  /** A stand-in is being serialized: the message takes `json` (see `frame`). */
  serializing(json: string): void {
    this.#pending = json;
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

/** A shared result's place in a `next` message while graphql-ws serializes it. */
class StandIn {
  constructor(
    private readonly frames: SharedFrames,
    readonly json: string,
  ) {}

  toJSON(): string {
    this.frames.serializing(this.json);
    return PLACEHOLDER;
  }
}

/**
 * Bytes a socket may have waiting to be written before a send waits for its write to finish.
 * Below it a send is done at once: graphql-ws then takes the subscriber's next event in the same
 * turn, so a subscriber with many queued events gets them in one write. At or above it, a send
 * waits as useServer's does, and events queue in the subscriber's stream, where the fell-behind
 * limit (realtime.service.ts' maxQueued) applies to them.
 */
const SEND_AHEAD_BYTES = 64 * 1024;

const SENT: Promise<void> = Promise.resolve();

/**
 * The TCP sockets written to in this turn of the event loop. A socket's first message of a turn
 * leaves at once (a lone event is not held back); any more it is sent in the same turn are corked
 * until the turn's promise jobs are done, so that what one read of many events from Redis sends a
 * socket leaves in one more write, not one per message: writes are most of a delivery's cost
 * otherwise.
 */
class TurnWrites {
  /** Sockets written to since the current run of synchronous code began. */
  readonly #written = new Set<Socket>();
  #corked: Socket[] = [];

  /** Holds `socket`'s writes from its second message of this turn until the turn's promise jobs have run. */
  hold(socket: Socket): void {
    if (!this.#written.has(socket)) {
      // Forgotten by the first promise job after this code: a promise job's sends that come
      // later are a turn of their own, at worst one more write each. (A resolved promise's job
      // costs a fraction of a tick, which a lone event would otherwise pay.)
      if (this.#written.size === 0) void TURN_END.then(this.#forget);
      this.#written.add(socket);
      return;
    }
    if (socket.writableCorked > 0) return;
    // A tick queued from a promise job runs once every promise job queued with it has run.
    if (this.#corked.length === 0) process.nextTick(this.#release);
    socket.cork();
    this.#corked.push(socket);
  }

  readonly #forget = (): void => {
    this.#written.clear();
  };

  readonly #release = (): void => {
    const corked = this.#corked;
    this.#corked = [];
    for (const socket of corked) socket.uncork();
  };
}

const TURN_END: Promise<void> = Promise.resolve();

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
  /** What graphql-ws sends through: direct deliveries write through it too. */
  readonly #adapter: SocketAdapter;

  constructor(
    readonly socket: WebSocket,
    request: IncomingMessage,
    adapter: SocketAdapter,
  ) {
    this.#request = request;
    this.#adapter = adapter;
  }

  static adapterOf(extra: unknown): SocketAdapter | undefined {
    return extra instanceof ConnectionExtra ? extra.#adapter : undefined;
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
    /** The TCP socket `socket` writes to (the upgrade request's). */
    private readonly tcp: Socket,
    private readonly frames: SharedFrames,
    private readonly writes: TurnWrites,
    private readonly failed: (what: string, error: unknown) => string,
  ) {
    this.protocol = socket.protocol;
  }

  send(data: string): Promise<void> {
    const message = this.frames.frame(data);
    const socket = this.socket;
    if (socket.readyState !== socket.OPEN) return SENT;
    this.writes.hold(this.tcp);
    if (socket.bufferedAmount < SEND_AHEAD_BYTES) {
      // A write that fails fails the socket: its "error" handler closes it, and graphql-ws ends
      // its subscriptions.
      socket.send(message);
      return SENT;
    }
    return new Promise<void>((resolve, reject) => {
      // ws reports success as undefined or null, whatever its types say.
      socket.send(message, (error?: Error | null) => {
        if (error instanceof Error) reject(error);
        else resolve();
      });
    });
  }

  /**
   * Sends a message composed already, now, unless the socket has too much waiting to be written
   * (false: nothing sent). A socket that is no longer open drops it, as `send` does.
   */
  sendNow(message: string): boolean {
    const socket = this.socket;
    if (socket.readyState !== socket.OPEN) return true;
    if (socket.bufferedAmount >= SEND_AHEAD_BYTES) return false;
    this.writes.hold(this.tcp);
    socket.send(message);
    return true;
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

/** graphql-ws' hook for a result about to be sent, answering synchronously (see GraphQLWsOptions). */
type NextHook<P extends ConnectionInitMessage["payload"], E> = (
  ...args: Parameters<NonNullable<ServerOptions<P, E>["onNext"]>>
) => FormattedExecutionResult | undefined;

/**
 * graphql-ws' server options, except that `onNext` answers synchronously: a result delivered
 * directly is sent in the turn it comes (a result with errors always takes graphql-ws' way).
 */
export type GraphQLWsOptions<P extends ConnectionInitMessage["payload"], E> = Omit<
  ServerOptions<P, E>,
  "onNext"
> & { readonly onNext?: NextHook<P, E> };

/**
 * graphql-ws on `ws`, as `useServer` does it, with results shared by subscribers serialized
 * once, a socket's messages of one turn written together, live results of a stream that offers
 * it delivered directly, and what an idle connection holds kept small: one keep-alive timer for
 * all sockets, handlers shared where they can be, the upgrade request dropped once the
 * connection is accepted.
 */
export function serveGraphQLWs<
  P extends ConnectionInitMessage["payload"] = ConnectionInitMessage["payload"],
  E extends Record<PropertyKey, unknown> = Record<PropertyKey, never>,
>(
  options: GraphQLWsOptions<P, Extra & Partial<E>>,
  ws: WebSocketServer,
  transport: TransportOptions,
): Disposable {
  const { onNext, onConnect, onOperation } = options;
  const { logger } = transport;
  const isProd = transport.isProd ?? process.env["NODE_ENV"] === "production";
  const keepAlive = transport.keepAliveMs ?? 12_000;
  const failed = (what: string, error: unknown): string => {
    logger.error({ err: error }, what);
    return closeReason(error, isProd);
  };
  const frames = new SharedFrames();
  const sharedOrNot = (result: {
    readonly errors?: readonly unknown[] | undefined;
  }): FormattedExecutionResult | undefined =>
    result.errors === undefined ? frames.share(result) : undefined;
  const writes = new TurnWrites();

  /**
   * Gives a subscription's stream, when it offers direct delivery, the sink that writes its
   * results as graphql-ws would: `{"id":…,"type":"next","payload":…}`, the payload as `onNext`
   * has it or the shared result's text.
   */
  const deliverResults = (
    ...[ctx, id, payload, args, result]: Parameters<NonNullable<typeof onOperation>>
  ): void => {
    const adapter = ConnectionExtra.adapterOf(ctx.extra);
    if (adapter === undefined) return;
    const head = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
    deliverDirectly(result, (next: ExecutionResult) => {
      if (next.errors !== undefined) return false;
      let text: string;
      try {
        const formatted = onNext?.(ctx, id, payload, args, next);
        text = formatted === undefined ? frames.text(next) : JSON.stringify(formatted);
      } catch {
        // Runs in the topic's listener: graphql-ws' way fails the subscription with the error.
        return false;
      }
      return adapter.sendNow(`${head}${text}}`);
    });
  };

  const server = makeServer<P, Extra & Partial<E>>({
    ...options,
    onConnect: async (ctx) => {
      try {
        return await onConnect?.(ctx);
      } finally {
        (ctx.extra as unknown as ConnectionExtra).release();
      }
    },
    onOperation: (ctx, id, payload, args: ExecutionArgs, result) => {
      const given = onOperation?.(ctx, id, payload, args, result);
      if (given instanceof Promise) {
        return given.then((replaced) => {
          deliverResults(ctx, id, payload, args, replaced ?? result);
          return replaced;
        });
      }
      deliverResults(ctx, id, payload, args, given ?? result);
      return given;
    },
    onNext: (ctx, id, payload, args, result) =>
      onNext?.(ctx, id, payload, args, result) ?? sharedOrNot(result),
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
    const adapter = new SocketAdapter(socket, request.socket, frames, writes, failed);
    const closed = server.opened(
      adapter,
      new ConnectionExtra(socket, request, adapter) as unknown as Extra & Partial<E>,
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
