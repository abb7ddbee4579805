import { deferred, now, type Deferred } from "../lib/clock.js";

// Receipt times of each message's first TEXT and its DONE, read from the agentEvents stream.

/** The fields of an agentEvents event the dispatch bench reads. */
export interface AgentEventView {
  readonly type: string;
  readonly messageId: string | null;
  readonly text: string | null;
  readonly errorCode: string | null;
}

interface Timeline {
  firstText: number;
  readonly done: Deferred<{ firstText: number; done: number }>;
}

export class EventTimes {
  readonly #messages = new Map<string, Timeline>();
  readonly probed = deferred<undefined>();
  failure: Error | undefined;

  #timeline(messageId: string): Timeline {
    let timeline = this.#messages.get(messageId);
    if (timeline === undefined) {
      timeline = { firstText: Number.NaN, done: deferred() };
      this.#messages.set(messageId, timeline);
    }
    return timeline;
  }

  received(event: AgentEventView | undefined): void {
    const at = now();
    if (event === undefined) return;
    if (event.messageId === null) {
      if (event.text === "probe") this.probed.resolve(undefined);
      return;
    }
    const timeline = this.#timeline(event.messageId);
    if (event.type === "TEXT" && Number.isNaN(timeline.firstText)) timeline.firstText = at;
    if (event.type === "DONE") timeline.done.resolve({ firstText: timeline.firstText, done: at });
    if (event.type === "ERROR") {
      timeline.done.reject(new Error(`the message failed: ${event.errorCode ?? "?"}`));
    }
  }

  fail(error: Error): void {
    this.failure = error;
    this.probed.reject(error);
    for (const timeline of this.#messages.values()) timeline.done.reject(error);
  }

  done(messageId: string): Promise<{ firstText: number; done: number }> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return this.#timeline(messageId).done.promise;
  }
}
