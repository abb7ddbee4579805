import { describe, expect, it } from "vitest";
import { deliverDirectly } from "../src/realtime/direct-delivery.js";
import { EventStream } from "../src/realtime/event-stream.js";

// Direct delivery (realtime/direct-delivery.ts): a live event goes to the sink in the turn it is
// pushed only while the subscriber waits with nothing ahead of it; everything else keeps the
// iterator's way, and the order a subscriber sees never changes.

interface Options {
  accept?: (event: number) => boolean;
  allowed?: () => boolean | Promise<boolean>;
  maxQueued?: number;
}

function stream(options: Options = {}): EventStream<number> {
  return new EventStream<number>({
    maxQueued: options.maxQueued ?? 100,
    accept: options.accept ?? (() => true),
    allowed: options.allowed ?? (() => true),
    onEnd: () => undefined,
  });
}

/** A sink that takes what `take` says, recording what it took. */
function sink(take: (event: number) => boolean = () => true) {
  const sent: number[] = [];
  return {
    sent,
    deliver: (event: number) => {
      if (!take(event)) return false;
      sent.push(event);
      return true;
    },
  };
}

/** Whether the promise has settled after the microtasks queued so far have run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe("EventStream direct delivery", () => {
  it("hands a live event to the sink at once while the subscriber waits, and it goes on waiting", async () => {
    const events = stream();
    const out = sink();
    expect(deliverDirectly(events, out.deliver)).toBe(true);
    const waiting = events.next();
    events.push(1);
    events.push(2);
    expect(out.sent).toEqual([1, 2]);
    expect(await settled(waiting)).toBe(false);
    await events.return();
    await expect(waiting).resolves.toEqual({ done: true, value: undefined });
  });

  it("queues while nobody waits, and the queue goes the iterator's way first, in order", async () => {
    const events = stream();
    const out = sink();
    deliverDirectly(events, out.deliver);
    events.push(1);
    events.push(2);
    expect(out.sent).toEqual([]);
    await expect(events.next()).resolves.toEqual({ done: false, value: 1 });
    await expect(events.next()).resolves.toEqual({ done: false, value: 2 });
    const waiting = events.next();
    events.push(3);
    expect(out.sent).toEqual([3]);
    expect(await settled(waiting)).toBe(false);
  });

  it("never sends a live event ahead of the preface", async () => {
    const events = stream();
    const out = sink();
    deliverDirectly(events, out.deliver);
    events.prepend([10, 11]);
    events.push(1);
    expect(out.sent).toEqual([]);
    const seen = [];
    for (let index = 0; index < 3; index += 1) seen.push((await events.next()).value);
    expect(seen).toEqual([10, 11, 1]);
  });

  it("gives an event the sink turns down to the waiting subscriber", async () => {
    const events = stream();
    const out = sink((event) => event !== 2);
    deliverDirectly(events, out.deliver);
    const first = events.next();
    events.push(1);
    events.push(2);
    // 2 went to the waiter; 3 comes while nobody waits, so it queues behind it.
    events.push(3);
    expect(out.sent).toEqual([1]);
    await expect(first).resolves.toEqual({ done: false, value: 2 });
    await expect(events.next()).resolves.toEqual({ done: false, value: 3 });
  });

  it("drops what accept refuses and sends nothing for it", async () => {
    let last = 0;
    const events = stream({
      accept: (event) => {
        if (event <= last) return false;
        last = event;
        return true;
      },
    });
    const out = sink();
    deliverDirectly(events, out.deliver);
    const waiting = events.next();
    for (const event of [1, 1, 2, 1, 3]) events.push(event);
    expect(out.sent).toEqual([1, 2, 3]);
    expect(await settled(waiting)).toBe(false);
  });

  it("takes the iterator's way while access is being re-checked, and ends when it is refused", async () => {
    let answer: ((allowed: boolean) => void) | undefined;
    let checking = false;
    const events = stream({
      allowed: () =>
        checking
          ? new Promise<boolean>((resolve) => {
              answer = resolve;
            })
          : true,
    });
    const out = sink();
    deliverDirectly(events, out.deliver);
    const waiting = events.next();
    checking = true;
    events.push(1);
    expect(out.sent).toEqual([]);
    answer?.(false);
    await expect(waiting).resolves.toEqual({ done: true, value: undefined });
    events.push(2);
    expect(out.sent).toEqual([]);
  });

  it("sends nothing once ended, and nothing after the sink is taken back", async () => {
    const events = stream();
    const out = sink();
    deliverDirectly(events, out.deliver);
    const waiting = events.next();
    events.push(1);
    deliverDirectly(events, undefined);
    events.push(2);
    expect(out.sent).toEqual([1]);
    await expect(waiting).resolves.toEqual({ done: false, value: 2 });
    deliverDirectly(events, out.deliver);
    await events.return();
    events.push(3);
    expect(out.sent).toEqual([1]);
  });

  it("holds live events during a catch-up, then delivers the catch-up first", async () => {
    const events = stream();
    const out = sink();
    deliverDirectly(events, out.deliver);
    const waiting = events.next();
    let read: ((events: number[]) => void) | undefined;
    events.catchUp(
      () =>
        new Promise<number[]>((resolve) => {
          read = resolve;
        }),
    );
    events.push(5);
    expect(out.sent).toEqual([]);
    read?.([3, 4]);
    await expect(waiting).resolves.toEqual({ done: false, value: 3 });
    await expect(events.next()).resolves.toEqual({ done: false, value: 4 });
    await expect(events.next()).resolves.toEqual({ done: false, value: 5 });
    const next = events.next();
    events.push(6);
    expect(out.sent).toEqual([6]);
    expect(await settled(next)).toBe(false);
  });
});
