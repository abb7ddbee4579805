import type { TestWs } from "@agentry/api/testing";

// A client that behaves as the contract asks: a subscription that ends with UNAVAILABLE (the
// event bus or the database is down) is opened again after a moment, with `variables()` worked
// out afresh (agentEvents resumes after the last sequence number it saw). Every data item is
// kept in arrival order, across reopenings; any other end (another code, a plain complete, a
// closed socket) is kept as the subscription's failure and ends it.

export interface Subscriber<T> {
  /** Data items, in arrival order, across reopenings. */
  readonly items: readonly T[];
  /** How often it ended with UNAVAILABLE (and was reopened). */
  unavailable(): number;
  /** Why it ended for good, if it has (anything but UNAVAILABLE). */
  failure(): unknown;
  stop(): void;
}

const codesOf = (errors: readonly unknown[]): unknown[] =>
  errors.map((error) =>
    typeof error === "object" && error !== null && "extensions" in error
      ? (error as { extensions?: { code?: unknown } }).extensions?.code
      : undefined,
  );

export function subscribeResuming<T>(
  socket: TestWs,
  query: string,
  variables: (items: readonly T[]) => Record<string, unknown>,
): Subscriber<T> {
  const items: T[] = [];
  let unavailable = 0;
  let failure: unknown;
  let stopped = false;
  let unsubscribe: () => void = () => undefined;

  const open = (): void => {
    let ended = false;
    const end = (reason: unknown, codes: readonly unknown[]): void => {
      if (ended || stopped) return;
      ended = true;
      if (codes.length > 0 && codes.every((code) => code === "UNAVAILABLE")) {
        unavailable += 1;
        setTimeout(open, Math.min(200 * unavailable, 1_000));
      } else {
        failure = reason;
      }
    };
    unsubscribe = socket.client.subscribe<T>(
      { query, variables: variables(items) },
      {
        next: (result) => {
          if (result.errors !== undefined) {
            end(result, codesOf(result.errors));
          } else if (result.data !== undefined && result.data !== null) {
            items.push(result.data);
          }
        },
        error: (error: unknown) => {
          end(error, Array.isArray(error) ? codesOf(error) : []);
        },
        complete: () => {
          end("completed", []);
        },
      },
    );
  };
  open();
  return {
    items,
    unavailable: () => unavailable,
    failure: () => failure,
    stop() {
      stopped = true;
      unsubscribe();
    },
  };
}
