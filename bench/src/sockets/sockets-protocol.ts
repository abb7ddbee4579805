// Messages between the idle-sockets bench (the parent process), the server process it measures
// (the api, or the bare `ws` baseline) and the client processes holding the sockets.

export type ServerKind = "agentry" | "bare";

/** Memory of the server process after a full garbage collection (bytes). */
export interface MemorySample {
  readonly rss: number;
  readonly heapUsed: number;
  /** V8 heap committed (used, free in its pages, and the young generation's room). */
  readonly heapTotal: number;
  readonly external: number;
  readonly arrayBuffers: number;
}

export interface ServerScene {
  readonly url: string;
  /** agentry: the members' bearer tokens, one per user (each user holds several sockets). */
  readonly tokens: readonly string[];
  /** agentry: the agents whose events the sockets subscribe to. */
  readonly agentIds: readonly string[];
}

export type ToServer =
  | { readonly type: "measure" }
  /** Publishes one event to every socket (each agent's, or the bare relay's broadcast). */
  | { readonly type: "probe" }
  | { readonly type: "close" };

export type FromServer =
  | { readonly type: "ready"; readonly scene: ServerScene }
  | { readonly type: "memory"; readonly memory: MemorySample }
  | { readonly type: "probed" }
  | { readonly type: "closed" }
  | { readonly type: "failed"; readonly message: string };

/** One socket a client process opens. */
export type SocketPlan =
  | { readonly kind: "bare"; readonly url: string }
  | {
      readonly kind: "agentry";
      readonly url: string;
      readonly token: string;
      readonly query: string;
      readonly variables: Readonly<Record<string, unknown>>;
    };

export type ToClient =
  | {
      readonly type: "open";
      readonly sockets: readonly SocketPlan[];
      /** Sockets being opened at once (the server's listen backlog is finite). */
      readonly concurrency: number;
    }
  /** Report once every socket has received at least one message from now on. */
  | { readonly type: "expect" }
  | { readonly type: "close" };

export type FromClient =
  | { readonly type: "opened"; readonly sockets: number }
  | { readonly type: "received"; readonly sockets: number }
  | { readonly type: "closed" }
  | { readonly type: "failed"; readonly message: string };
