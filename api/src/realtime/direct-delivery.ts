// Direct delivery: a live event handed to its subscriber's socket in the turn it arrives, from the
// topic's listener, instead of through graphql-ws' iteration of the subscription.
//
// graphql-ws pulls each subscription's events with `for await` and awaits each send: three promise
// jobs per event and subscriber. Jobs run in the order they were queued, so the N subscribers of
// a topic advance in lockstep and the first socket is written only after two rounds over all of
// them (the fan-out bench's latency at N = 50 was twice the bare relay's). A stream that offers
// direct delivery takes a sink from the transport; while graphql-ws is waiting on the stream with
// nothing queued, an event goes through the sink synchronously, and graphql-ws keeps waiting
// (it still owns the subscription: its start, completion, errors). Whatever the sink cannot take
// at once (a result with errors, a socket that is behind) takes graphql-ws' way, in order.

/**
 * Takes one item and sends it now, or answers false and does nothing (the item then goes the
 * iterator's way). Called only when every earlier item has been sent.
 */
export type DirectSink<T> = (item: T) => boolean;

export const DIRECT_DELIVERY: unique symbol = Symbol("direct delivery");

/** A stream that can hand items to a sink instead of its iterator. */
export interface DirectDelivery<T> {
  /** Sets (or with undefined, removes) the sink; false when the stream cannot deliver directly. */
  [DIRECT_DELIVERY](sink: DirectSink<T> | undefined): boolean;
}

function offersDirectDelivery<T>(stream: unknown): stream is DirectDelivery<T> {
  return (
    typeof stream === "object" &&
    stream !== null &&
    typeof (stream as Partial<DirectDelivery<T>>)[DIRECT_DELIVERY] === "function"
  );
}

/** Gives `stream` the sink (undefined: takes it back); false when it does not offer direct delivery. */
export function deliverDirectly<T>(stream: unknown, sink: DirectSink<T> | undefined): boolean {
  return offersDirectDelivery<T>(stream) && stream[DIRECT_DELIVERY](sink);
}
