// What the bench's process and its load generator (load-generator.child.ts, a process of its
// own) tell each other over the child's IPC channel.

export interface LoadSpec {
  readonly url: string;
  /** The JSON body of every request (one GraphQL operation). */
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly connections: number;
  readonly durationS: number;
}

export interface LoadResult {
  /** Responses received in the run. */
  readonly requests: number;
  /** responses ÷ the run's duration */
  readonly perSecond: number;
  readonly latencyMs: {
    readonly mean: number;
    readonly p50: number;
    readonly p90: number;
    readonly p99: number;
    readonly max: number;
  };
  /** Responses with a status outside 2xx (every request must succeed: a refusal is no result). */
  readonly non2xx: number;
  /** Connection errors and timeouts. */
  readonly errors: number;
}

export type FromLoadGenerator =
  | { readonly type: "result"; readonly result: LoadResult }
  | { readonly type: "failed"; readonly message: string };
