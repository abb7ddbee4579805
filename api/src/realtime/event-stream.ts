import { AppError } from "@agentry/core";
import { DIRECT_DELIVERY, type DirectDelivery, type DirectSink } from "./direct-delivery.js";

// One subscriber's stream of events: the topic's listener pushes into it synchronously, and
// graphql-ws pulls from it. A plain queue rather than a Repeater chain: per event and per
// subscriber it costs an array slot and, when the subscriber is waiting, one resolved promise.

export interface EventStreamOptions<T> {
  /** Events queued and not yet taken past which the stream fails (the subscriber fell behind). */
  readonly maxQueued: number;
  /** Whether to hand an event on (checked as it is taken, in order; it may keep state). */
  readonly accept: (event: T) => boolean;
  /**
   * Whether the subscriber may still receive live events (not the preface): true, or a promise
   * when it has to be asked again. False ends the stream.
   */
  readonly allowed: () => boolean | Promise<boolean>;
  /** Called once when the stream ends, however it ends (stops listening). */
  readonly onEnd: () => void;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

type Waiter<T> = {
  readonly resolve: (result: IteratorResult<T> | Promise<IteratorResult<T>>) => void;
  readonly reject: (error: Error) => void;
};

export class EventStream<T> implements AsyncIterableIterator<T>, DirectDelivery<T> {
  readonly #options: EventStreamOptions<T>;
  /** Delivered before any live event, unchecked by `allowed` (the current totals, a replay). */
  #preface: T[] = [];
  #live: T[] = [];
  #head = 0;
  #waiters: Waiter<T>[] = [];
  #ended = false;
  #failure: Error | undefined = undefined;
  /** While set, live events wait here (a catch-up is being read; it goes before them). */
  #held: T[] | undefined = undefined;
  /** Where a live event goes while a subscriber waits with nothing queued (direct-delivery.ts). */
  #direct: DirectSink<T> | undefined = undefined;

  constructor(options: EventStreamOptions<T>) {
    this.#options = options;
  }

  /** Puts events ahead of every live one (called before the stream is handed out). */
  prepend(events: readonly T[]): void {
    this.#preface.push(...events);
  }

  /**
   * Catches up on events that were published while the topic was not heard (Redis was away):
   * live events that come in while `read` runs wait, then what it read goes after the events
   * already queued and before those. `accept` drops what is there twice. When `read` fails the
   * stream fails with UNAVAILABLE (the subscriber subscribes again, agentEvents with afterSeq).
   */
  catchUp(read: () => Promise<readonly T[]>): void {
    if (this.#ended || this.#held !== undefined) return;
    const held: T[] = [];
    this.#held = held;
    void read().then(
      (events) => {
        if (this.#ended) return;
        this.#held = undefined;
        for (const event of [...events, ...held]) this.#queue(event);
        this.#wakeWaiters();
      },
      () => {
        this.#held = undefined;
        this.#fail(
          new AppError(
            "UNAVAILABLE",
            "Live updates were interrupted (the event bus was unreachable) and could not be caught up; subscribe again (agentEvents: with afterSeq, to resume)",
          ),
        );
      },
    );
  }

  /** A live event, from the topic's listener. */
  push(event: T): void {
    if (this.#ended) return;
    if (this.#held !== undefined) {
      this.#held.push(event);
      return;
    }
    if (
      this.#waiters.length > 0 &&
      this.#preface.length === 0 &&
      this.#head === this.#live.length
    ) {
      if (!this.#options.accept(event)) return;
      const allowed = this.#options.allowed();
      // Sent now, and the subscriber goes on waiting: nothing is ahead of this event.
      if (allowed === true && this.#direct?.(event) === true) return;
      // Shift before settling: a waiter resolved with a pending check still holds its place.
      const waiter = this.#waiters.shift();
      waiter?.resolve(this.#admit(event, allowed));
      return;
    }
    this.#queue(event);
  }

  #queue(event: T): void {
    if (this.#live.length - this.#head >= this.#options.maxQueued) {
      this.#fail(
        new AppError(
          "UNAVAILABLE",
          `This subscription fell more than ${this.#options.maxQueued} events behind and was ended; subscribe again (agentEvents: with afterSeq, to resume)`,
        ),
      );
      return;
    }
    this.#live.push(event);
  }

  /** Hands queued events to subscribers waiting for one (after a catch-up filled the queue). */
  #wakeWaiters(): void {
    while (this.#waiters.length > 0 && this.#head < this.#live.length) {
      const waiter = this.#waiters.shift();
      waiter?.resolve(this.next());
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#failure !== undefined) {
      const failure = this.#failure;
      this.#failure = undefined;
      return Promise.reject(failure);
    }
    while (this.#preface.length > 0) {
      const event = this.#preface.shift() as T;
      if (this.#options.accept(event)) return Promise.resolve({ done: false, value: event });
    }
    while (this.#head < this.#live.length) {
      const event = this.#live[this.#head] as T;
      this.#head += 1;
      if (this.#head === this.#live.length) {
        this.#live = [];
        this.#head = 0;
      }
      if (this.#options.accept(event)) return Promise.resolve(this.#admit(event));
    }
    if (this.#ended) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.#end();
    this.#failure = undefined;
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  [DIRECT_DELIVERY](sink: DirectSink<T> | undefined): boolean {
    this.#direct = sink;
    return true;
  }

  /**
   * A live event accepted: handed on unless the subscriber may no longer see it. A result, not a
   * promise of one, when that is known at once: a waiter resolved with a promise would take two
   * more turns of the microtask queue to see it.
   */
  #admit(
    event: T,
    allowed = this.#options.allowed(),
  ): IteratorResult<T> | Promise<IteratorResult<T>> {
    if (allowed === true) return { done: false, value: event };
    if (allowed === false) return this.return();
    return allowed.then((still) => (still ? { done: false, value: event } : this.return()));
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#direct = undefined;
    this.#preface = [];
    this.#live = [];
    this.#head = 0;
    this.#options.onEnd();
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter.resolve(DONE);
  }

  #fail(error: AppError): void {
    if (this.#ended) return;
    const waiter = this.#waiters.shift();
    this.#end();
    if (waiter === undefined) this.#failure = error;
    else waiter.reject(error);
  }
}
