import type {
  CallFilter,
  FakeApi,
  FakeCallProvider,
  HeldCall,
  RecordedCall,
  ScriptStep,
} from "./types.js";

interface PendingFailure {
  remaining: number;
  status: number;
}

interface PendingHold extends CallFilter {
  resolveStarted: (call: RecordedCall) => void;
  released: Promise<void>;
  release: () => void;
}

const matches = (filter: CallFilter, provider: FakeCallProvider, api: FakeApi): boolean =>
  (filter.provider === undefined || filter.provider === provider) &&
  (filter.api === undefined || filter.api === api);

/** A copy of a recorded call, so a caller cannot change what was recorded. */
export const snapshot = (call: RecordedCall): RecordedCall => ({
  ...call,
  usage: call.usage === null ? null : { ...call.usage },
});

/** What the fake remembers between calls: keys, recorded calls and what tests queued. */
export class FakeState {
  private readonly keys: Set<string>;
  private readonly recorded: RecordedCall[] = [];
  private readonly failures: PendingFailure[] = [];
  private readonly steps: ScriptStep[] = [];
  private readonly holds: PendingHold[] = [];
  private readonly prefixes = new Set<string>();
  private seq = 0;
  delayMs = 0;

  constructor(keys: Iterable<string>) {
    this.keys = new Set(keys);
  }

  addKey(key: string): void {
    this.keys.add(key);
  }

  removeKey(key: string): void {
    this.keys.delete(key);
  }

  hasKey(key: string): boolean {
    return this.keys.has(key);
  }

  record(call: Omit<RecordedCall, "seq" | "at" | "completed">): RecordedCall {
    this.seq += 1;
    const recorded: RecordedCall = { ...call, seq: this.seq, at: new Date(), completed: false };
    this.recorded.push(recorded);
    return recorded;
  }

  calls(filter: CallFilter = {}): RecordedCall[] {
    return this.recorded.filter((call) => matches(filter, call.provider, call.api)).map(snapshot);
  }

  clearCalls(): void {
    this.recorded.length = 0;
  }

  failNext(count: number, status: number): void {
    if (!Number.isInteger(count) || count < 0) throw new RangeError("count must be an integer ≥ 0");
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError("status must be an HTTP error status (400–599)");
    }
    if (count > 0) this.failures.push({ remaining: count, status });
  }

  /** The status the next call must fail with, if a failure is queued. */
  takeFailure(): number | undefined {
    const failure = this.failures[0];
    if (failure === undefined) return undefined;
    failure.remaining -= 1;
    if (failure.remaining === 0) this.failures.shift();
    return failure.status;
  }

  script(steps: readonly ScriptStep[]): void {
    for (const step of steps) {
      if (step.status !== undefined && (step.status < 400 || step.status > 599)) {
        throw new RangeError("a scripted status must be an HTTP error status (400–599)");
      }
      this.steps.push({ ...step });
    }
  }

  takeStep(provider: FakeCallProvider, api: FakeApi): ScriptStep | undefined {
    const index = this.steps.findIndex((step) => matches(step, provider, api));
    return index === -1 ? undefined : this.steps.splice(index, 1)[0];
  }

  hold(filter: CallFilter): HeldCall {
    let resolveStarted: (call: RecordedCall) => void = () => undefined;
    const started = new Promise<RecordedCall>((resolve) => {
      resolveStarted = resolve;
    });
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const pending: PendingHold = { ...filter, resolveStarted, released, release };
    this.holds.push(pending);
    return {
      started,
      release: () => {
        const index = this.holds.indexOf(pending);
        if (index !== -1) this.holds.splice(index, 1);
        release();
      },
    };
  }

  /** The hold a starting call must honour: `wait` resolves when the test releases it. */
  takeHold(
    provider: FakeCallProvider,
    api: FakeApi,
  ): { started: (call: RecordedCall) => void; released: Promise<void> } | undefined {
    const index = this.holds.findIndex((hold) => matches(hold, provider, api));
    if (index === -1) return undefined;
    const [hold] = this.holds.splice(index, 1);
    return hold === undefined
      ? undefined
      : { started: hold.resolveStarted, released: hold.released };
  }

  /** Whether this prefix was seen before (for the same provider and model); remembers it. */
  seePrefix(provider: FakeCallProvider, model: string, prefix: string): boolean {
    const id = JSON.stringify([provider, model, prefix]);
    const seen = this.prefixes.has(id);
    this.prefixes.add(id);
    return seen;
  }

  /** Forgets calls, queued failures, scripts, holds (released), cache prefixes and the delay. */
  reset(): void {
    this.clearCalls();
    this.failures.length = 0;
    this.steps.length = 0;
    this.releaseHolds();
    this.prefixes.clear();
    this.delayMs = 0;
  }

  releaseHolds(): void {
    for (const hold of this.holds.splice(0)) hold.release();
  }
}
