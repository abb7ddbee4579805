/**
 * Milliseconds since the epoch with sub-millisecond resolution, comparable across this process's
 * threads (each thread's own timeOrigin plus its monotonic clock), for latencies measured from a
 * stamp taken in one thread to a receipt in another.
 */
export const now = (): number => performance.timeOrigin + performance.now();

/** Runs `fn` once and returns how long it took (ms) and what it returned. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

/** Rejects with a message naming `what` when `promise` has not settled within `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${what} did not finish within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** A promise with its resolve and reject at hand. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve: (value: T) => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A waiter that never comes must not turn a rejection into an unhandled one.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
