// Messages between the bench (main thread) and its subscriber pool (a worker thread holding the
// N client sockets, so the clients' work does not run on the server's thread).
//
// Every measured event's text is `<phase>|<publish stamp in ms>|<filler>`: the pool counts the
// events of the phase it was told to expect and takes each one's latency from the stamp.

export type PoolMode =
  | {
      readonly kind: "graphql-ws";
      readonly url: string;
      /** One connection per token (each a session member's bearer token). */
      readonly tokens: readonly string[];
      readonly query: string;
      readonly variables: Readonly<Record<string, unknown>>;
    }
  | {
      readonly kind: "ws";
      readonly url: string;
      readonly connections: number;
    };

export type ToPool =
  | { readonly type: "open"; readonly mode: PoolMode }
  | { readonly type: "expect"; readonly phase: string; readonly count: number }
  | { readonly type: "collect"; readonly phase: string }
  | { readonly type: "close" };

export interface PhaseResult {
  readonly phase: string;
  /** Events of the phase each connection received. */
  readonly counts: readonly number[];
  /** Receipt minus publish stamp of every delivery, in ms. */
  readonly latenciesMs: readonly number[];
  /** Clock of the first and last delivery (ms, see clock.ts); NaN when none arrived. */
  readonly firstReceivedAt: number;
  readonly lastReceivedAt: number;
  /** Every connection received `count` events. */
  readonly complete: boolean;
}

export type FromPool =
  | { readonly type: "opened" }
  | { readonly type: "expecting"; readonly phase: string }
  | { readonly type: "phase"; readonly result: PhaseResult }
  | { readonly type: "closed" }
  | { readonly type: "failed"; readonly message: string };

/** The text of a measured event. */
export function stampedText(phase: string, stamp: number, filler: string): string {
  return `${phase}|${stamp.toFixed(3)}|${filler}`;
}

/** The phase and stamp of a measured event's text, or undefined for any other text. */
export function readStamp(text: string): { phase: string; stamp: number } | undefined {
  const first = text.indexOf("|");
  const second = first === -1 ? -1 : text.indexOf("|", first + 1);
  if (second === -1) return undefined;
  const stamp = Number(text.slice(first + 1, second));
  return Number.isFinite(stamp) ? { phase: text.slice(0, first), stamp } : undefined;
}
