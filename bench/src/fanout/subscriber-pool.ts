import { Worker } from "node:worker_threads";
import { withTimeout } from "../lib/clock.js";
import type { FromPool, PhaseResult, PoolMode, ToPool } from "./subscriber-protocol.js";

const OPEN_TIMEOUT_MS = 30_000;
const CLOSE_TIMEOUT_MS = 10_000;

type Waiter = {
  readonly accepts: (message: FromPool) => boolean;
  readonly resolve: (message: FromPool) => void;
  readonly reject: (error: unknown) => void;
};

/**
 * N client connections in a worker thread of their own. `expect(phase, count)` arms the pool;
 * `completed(phase)` resolves when every connection has received `count` events of that phase,
 * `collect(phase)` takes what arrived so far (after a timeout).
 */
export class SubscriberPool {
  readonly #worker: Worker;
  readonly #waiters = new Set<Waiter>();
  #failure: Error | undefined;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on("message", (message: FromPool) => {
      if (message.type === "failed") {
        this.#fail(new Error(message.message));
        return;
      }
      for (const waiter of this.#waiters) {
        if (waiter.accepts(message)) {
          this.#waiters.delete(waiter);
          waiter.resolve(message);
        }
      }
    });
    worker.on("error", (error) => {
      this.#fail(error);
    });
    worker.on("exit", (code) => {
      this.#fail(new Error(`the subscriber pool's thread exited (${code})`));
    });
  }

  /** Starts the thread (TypeScript through tsx's loader) and opens every connection. */
  static async open(mode: PoolMode): Promise<SubscriberPool> {
    const loader = import.meta.resolve("tsx/esm/api");
    const entry = new URL("./subscriber-pool.worker.ts", import.meta.url).href;
    const worker = new Worker(
      `import(${JSON.stringify(loader)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`,
      { eval: true },
    );
    const pool = new SubscriberPool(worker);
    try {
      await withTimeout(
        pool.#request({ type: "open", mode }, (m) => m.type === "opened"),
        OPEN_TIMEOUT_MS,
        `opening ${mode.kind === "ws" ? mode.connections : mode.tokens.length} ${mode.kind} connections`,
      );
    } catch (error) {
      await worker.terminate();
      throw error;
    }
    return pool;
  }

  /**
   * Arms the pool for a phase and resolves once the thread counts that phase's events; then
   * `completed` settles when every connection has `count` of them (or on `collect`).
   */
  async expect(phase: string, count: number): Promise<{ completed: Promise<PhaseResult> }> {
    const completed = this.#wait((m) => m.type === "phase" && m.result.phase === phase).then(
      (m) => (m as Extract<FromPool, { type: "phase" }>).result,
    );
    // Awaited by the caller later; a failure meanwhile must not count as unhandled.
    completed.catch(() => undefined);
    await this.#request(
      { type: "expect", phase, count },
      (m) => m.type === "expecting" && m.phase === phase,
    );
    return { completed };
  }

  /** What the phase has received so far (the armed phase's result settles with it). */
  collect(phase: string): void {
    this.#post({ type: "collect", phase });
  }

  async close(): Promise<void> {
    try {
      if (this.#failure === undefined) {
        await withTimeout(
          this.#request({ type: "close" }, (m) => m.type === "closed"),
          CLOSE_TIMEOUT_MS,
          "closing the subscriber connections",
        );
      }
    } finally {
      await this.#worker.terminate();
    }
  }

  #post(message: ToPool): void {
    this.#worker.postMessage(message);
  }

  #request(message: ToPool, accepts: (m: FromPool) => boolean): Promise<FromPool> {
    const reply = this.#wait(accepts);
    this.#post(message);
    return reply;
  }

  #wait(accepts: (m: FromPool) => boolean): Promise<FromPool> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#waiters.add({ accepts, resolve, reject });
    });
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const waiter of this.#waiters) waiter.reject(error);
    this.#waiters.clear();
  }
}
