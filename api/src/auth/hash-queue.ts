import { AppError } from "@agentry/core";

// scrypt runs on libuv's thread pool (4 threads by default), which file, DNS and crypto work
// share. Unbounded, a burst of sign-in attempts fills the pool and everyone waits behind it.
// So password hashing runs at most `concurrency` at a time (leaving the pool room), waits in a
// bounded queue, and a sign-in from an address its account knows goes first.

export class HashQueue {
  private running = 0;
  private readonly known: (() => void)[] = [];
  private readonly unknown: (() => void)[] = [];

  constructor(
    private readonly concurrency = 2,
    private readonly maxWaiting = 32,
  ) {}

  /** Runs `work` when a slot is free; RATE_LIMITED at once when too many already wait. */
  async run<T>(work: () => Promise<T>, options: { readonly known: boolean }): Promise<T> {
    await this.acquire(options.known);
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private acquire(known: boolean): Promise<void> {
    if (this.running < this.concurrency) {
      this.running += 1;
      return Promise.resolve();
    }
    const lane = known ? this.known : this.unknown;
    if (lane.length >= this.maxWaiting) {
      return Promise.reject(
        new AppError("RATE_LIMITED", "The server is busy with sign-ins; try again in a second", {
          retryAfter: 1,
        }),
      );
    }
    return new Promise((resolve) => lane.push(resolve));
  }

  private release(): void {
    // The slot passes straight to the next waiter, so `running` only drops when none waits.
    const next = this.known.shift() ?? this.unknown.shift();
    if (next === undefined) this.running -= 1;
    else next();
  }
}
