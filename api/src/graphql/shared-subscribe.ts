import {
  createSourceEventStream,
  execute,
  getOperationAST,
  Kind,
  OperationTypeNode,
  type ExecutionArgs,
  type ExecutionResult,
} from "graphql";
import type * as GraphqlJit from "graphql-jit";
import type { CompiledQuery } from "graphql-jit";
import { createRequire } from "node:module";
import {
  deliverDirectly,
  DIRECT_DELIVERY,
  type DirectDelivery,
  type DirectSink,
} from "../realtime/direct-delivery.js";

// graphql-js' subscribe() executes the operation once per event for every subscriber. Live
// events reach every subscriber of a topic as one shared, frozen object (pubsub.ts), and for the
// subscriptions whose results depend only on the event and the arguments, the result of an
// event is the same for every subscriber with the same operation: it is executed once and the
// same result object handed to each (so graphql-ws serializes it once too, see ws-transport.ts).
//
// Those operations are also compiled (graphql-jit) into a function that computes an event's
// result, rather than executed by graphql-js, which walks the document again for every event:
// with one subscriber that walk was the largest part of an event's way through the api
// (22 → 4 µs warm; about 140 µs at the median on the fan-out bench, where the code is cold).

type PromiseOrValue<T> = Promise<T> | T;

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/** What makes two subscriptions' results for one event the same. */
interface ShareKey {
  /** The document's text (the parsed source's own string: no copy is kept per subscription). */
  readonly text: string;
  /** The operation's name and the variables. */
  readonly rest: string;
}

let graphqlJit: typeof GraphqlJit | undefined;

/**
 * graphql-jit, loaded with the first shared subscription: an api that nobody subscribes to does
 * not hold it (about 6.5 MB of RSS at idle, against issue 12's 120 MB). Its CommonJS build, which
 * shares the one graphql everything else uses (as complexity.ts does for the same reason).
 */
function jit(): typeof GraphqlJit {
  graphqlJit ??= createRequire(import.meta.url)("graphql-jit") as typeof GraphqlJit;
  return graphqlJit;
}

function compile(args: ExecutionArgs): CompiledQuery | undefined {
  const { compileQuery, isCompiledQuery } = jit();
  try {
    const made = compileQuery(args.schema, args.document, args.operationName ?? undefined);
    return isCompiledQuery(made) ? made : undefined;
  } catch {
    return undefined;
  }
}

/** Operations compiled, at most this many (the least recently subscribed to are dropped). */
const MAX_COMPILED = 256;

/** The compiled shareable operations, by operation name and document text. */
class CompiledOperations {
  readonly #byKey = new Map<string, CompiledQuery | undefined>();

  /** The operation compiled, or undefined when graphql-jit cannot compile it (graphql-js runs it). */
  get(args: ExecutionArgs, text: string): CompiledQuery | undefined {
    const key = `${args.operationName ?? ""}\u0000${text}`;
    let compiled = this.#byKey.get(key);
    if (compiled !== undefined || this.#byKey.has(key)) {
      this.#byKey.delete(key);
    } else {
      compiled = compile(args);
      if (this.#byKey.size >= MAX_COMPILED) {
        const oldest = this.#byKey.keys().next();
        if (oldest.done !== true) this.#byKey.delete(oldest.value);
      }
    }
    this.#byKey.set(key, compiled);
    return compiled;
  }
}

/**
 * The result of the latest event for one shared operation (document, operation name, variables),
 * held by the subscriptions that run it. A live event reaches all of them in one turn (or, through
 * graphql-ws' iteration, in turn), so the first executes it and the others take its result: no
 * allocation per event beyond the result itself.
 */
class SharedResult {
  #event: object | undefined = undefined;
  #result: PromiseOrValue<ExecutionResult> | undefined = undefined;
  #holders = 0;

  /** `forget` drops the entry: called when its last subscription ends. */
  constructor(private readonly forget: () => void) {}

  hold(): this {
    this.#holders += 1;
    return this;
  }

  release(): void {
    this.#holders -= 1;
    if (this.#holders === 0) this.forget();
  }

  of(event: object, run: (event: object) => PromiseOrValue<ExecutionResult>) {
    if (this.#event === event) return this.#result as PromiseOrValue<ExecutionResult>;
    const result = run(event);
    this.#event = event;
    this.#result = result;
    return result;
  }
}

/** Undefined when the root field is not in `shareable` (each subscriber executes its own). */
function shareKey(args: ExecutionArgs, shareable: ReadonlySet<string>): ShareKey | undefined {
  const operation = getOperationAST(args.document, args.operationName);
  if (operation?.operation !== OperationTypeNode.SUBSCRIPTION) return undefined;
  const [root, ...more] = operation.selectionSet.selections;
  if (root?.kind !== Kind.FIELD || more.length > 0 || !shareable.has(root.name.value)) {
    return undefined;
  }
  const text = args.document.loc?.source.body;
  if (text === undefined) return undefined;
  return { text, rest: JSON.stringify([args.operationName ?? null, args.variableValues ?? null]) };
}

/**
 * A subscription's response stream: each source event executed, `return` passed through. A
 * shared one passes direct delivery through too (direct-delivery.ts): an event its source hands
 * over directly is executed (once for all subscribers) and its result, when it is at hand
 * synchronously, given to the transport's sink.
 */
class ResponseStream
  implements AsyncIterableIterator<ExecutionResult>, DirectDelivery<ExecutionResult>
{
  readonly #source: AsyncIterator<unknown>;
  readonly #run: (event: unknown) => PromiseOrValue<ExecutionResult>;
  /**
   * The shared operation's entry this stream holds, released once when it ends, however it ends.
   * Only a shared stream delivers directly: a result the sink turns down costs nothing to compute
   * again there (the latest event's result is kept for all its subscribers).
   */
  #shared: SharedResult | undefined;

  constructor(
    source: AsyncIterable<unknown>,
    run: (event: unknown) => PromiseOrValue<ExecutionResult>,
    shared?: SharedResult,
  ) {
    this.#source = source[Symbol.asyncIterator]();
    this.#run = run;
    this.#shared = shared;
  }

  #end(): void {
    const shared = this.#shared;
    this.#shared = undefined;
    shared?.release();
  }

  [DIRECT_DELIVERY](sink: DirectSink<ExecutionResult> | undefined): boolean {
    if (this.#shared === undefined) return false;
    if (sink === undefined) return deliverDirectly(this.#source, undefined);
    return deliverDirectly(this.#source, (event: unknown) => {
      let result: PromiseOrValue<ExecutionResult>;
      try {
        result = this.#run(event);
      } catch {
        // The iterator's way runs it again and fails the stream with the error.
        return false;
      }
      return !(result instanceof Promise) && sink(result);
    });
  }

  // Not async: a result executed already (the usual case) is handed on without another tick.
  next(): Promise<IteratorResult<ExecutionResult>> {
    return this.#source.next().then((event) => {
      if (event.done === true) {
        this.#end();
        return DONE;
      }
      let result: PromiseOrValue<ExecutionResult>;
      try {
        result = this.#run(event.value);
      } catch (error) {
        return this.#fail(error);
      }
      return result instanceof Promise
        ? result.then(
            (value) => ({ done: false, value }),
            (error: unknown) => this.#fail(error),
          )
        : { done: false, value: result };
    });
  }

  /** Ends the source, then fails with `error`. */
  #fail(error: unknown): Promise<never> {
    const reason = error instanceof Error ? error : new Error(String(error));
    return this.return().then(
      () => Promise.reject(reason),
      () => Promise.reject(reason),
    );
  }

  async return(): Promise<IteratorReturnResult<undefined>> {
    this.#end();
    await this.#source.return?.();
    return DONE;
  }

  async throw(error: unknown): Promise<never> {
    await this.return();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/**
 * A `subscribe` for graphql-ws: graphql-js' own, except that for a root field in `shareable`
 * the operation is compiled (where graphql-jit can; graphql-js executes it otherwise) and an
 * event shared by its subscribers (a frozen object) is executed once per distinct operation.
 * Subscribe-time errors (NOT_FOUND, BAD_USER_INPUT) come back as before, as a result.
 */
export function createSharedSubscribe(
  shareable: ReadonlySet<string>,
): (args: ExecutionArgs) => Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const compiled = new CompiledOperations();
  // By document text, then by operation name and variables (no key joins them: a document's
  // text is long, and one string per subscription built of it would be held as long).
  const sharedResults = new Map<string, Map<string, SharedResult>>();
  /** The shared operation's entry, held: release it when the subscription ends. */
  const hold = (key: ShareKey): SharedResult => {
    let byRest = sharedResults.get(key.text);
    if (byRest === undefined) {
      byRest = new Map();
      sharedResults.set(key.text, byRest);
    }
    let shared = byRest.get(key.rest);
    if (shared === undefined) {
      const ofText = byRest;
      shared = new SharedResult(() => {
        ofText.delete(key.rest);
        if (ofText.size === 0 && sharedResults.get(key.text) === ofText) {
          sharedResults.delete(key.text);
        }
      });
      byRest.set(key.rest, shared);
    }
    return shared.hold();
  };
  return async (args) => {
    const source = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in source)) return source;
    const key = shareKey(args, shareable);
    if (key === undefined) {
      return new ResponseStream(source, (event) => execute({ ...args, rootValue: event }));
    }
    const operation = compiled.get(args, key.text);
    const run =
      operation === undefined
        ? (event: unknown) => execute({ ...args, rootValue: event })
        : (event: unknown) =>
            operation.query(
              event,
              args.contextValue,
              args.variableValues,
            ) as PromiseOrValue<ExecutionResult>;
    const shared = hold(key);
    return new ResponseStream(
      source,
      (event) =>
        typeof event === "object" && event !== null && Object.isFrozen(event)
          ? shared.of(event, run)
          : run(event),
      shared,
    );
  };
}
