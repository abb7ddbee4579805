import {
  agentEventPayloadSchema,
  isConnectionError,
  Topic,
  type AgentEventPayload,
  type SessionUsagePayload,
  type TopicPayloads,
} from "@agentry/core";
import { isDatabaseUnreachable } from "@agentry/prisma";
import type { Logger } from "pino";
import type { AuthService } from "../auth/auth.service.js";
import type { Viewer } from "../graphql/context.js";
import { eventsUnavailable, type TopicPubSub } from "../graphql/pubsub.js";
import type { SessionAccessService } from "../sessions/session-access.service.js";
import { usageFromPayload, type UsageService, type UsageStats } from "../usage/usage.service.js";
import { AccessRechecks } from "./access-recheck.js";
import { EventStream } from "./event-stream.js";

/** One push of the sessionUsage stream. */
export interface SessionUsageUpdate {
  readonly sessionId: string;
  readonly stats: UsageStats;
}

/** Replays an agent's recent events (core's AgentEventLog). */
export interface AgentEventHistory {
  /** Events after `afterSeq`, oldest first, as JSON strings. */
  replay(agentId: string, afterSeq: number): Promise<string[]>;
}

export interface RealtimeOptions {
  /** How often a live subscription re-checks that its viewer may still see it (ms). */
  readonly recheckMs?: number;
  /** Events a subscriber may fall behind by before its subscription is ended. */
  readonly maxQueued?: number;
}

/**
 * The subscriptions whose results depend only on the event and the operation's arguments,
 * never on who asks: graphql-ws executes and serializes each of their events once for every
 * subscriber with the same operation (see shared-subscribe.ts).
 */
export const VIEWER_INDEPENDENT_SUBSCRIPTIONS: ReadonlySet<string> = new Set([
  "agentEvents",
  "sessionUsage",
]);

/** agentEvents hands the payload on as it is (one function for every subscription). */
const asIs = <T>(event: T): T => event;

// One update object per published payload, shared by every subscriber of the session.
const updates = new WeakMap<SessionUsagePayload, SessionUsageUpdate>();
function usageUpdate(payload: SessionUsagePayload): SessionUsageUpdate {
  let update = updates.get(payload);
  if (update === undefined) {
    update = Object.freeze({ sessionId: payload.sessionId, stats: usageFromPayload(payload) });
    updates.set(payload, update);
  }
  return update;
}

/**
 * The subscriptions' streams. Authorization happens before anything is subscribed (not a
 * member → NOT_FOUND, no data) and again every `recheckMs` while events flow, so a revoked
 * token or a removed member stops receiving. Open streams live through outages: after Redis
 * was away they catch up on what they missed, and while the database is away the re-checks
 * wait for it. Live payloads arrive parsed and validated once per
 * api process (pubsub.ts); every subscriber of a topic gets the same object.
 */
export class RealtimeService {
  private readonly recheckMs: number;
  private readonly maxQueued: number;
  private readonly rechecks: AccessRechecks;

  constructor(
    private readonly pubsub: TopicPubSub,
    private readonly access: SessionAccessService,
    auth: AuthService,
    private readonly usage: UsageService,
    private readonly history: AgentEventHistory,
    private readonly logger: Logger,
    options: RealtimeOptions = {},
  ) {
    this.recheckMs = options.recheckMs ?? 15_000;
    this.maxQueued = options.maxQueued ?? 4096;
    this.rechecks = new AccessRechecks(auth, access);
  }

  /** The session's totals: the current ones first, then after every change. */
  async sessionUsage(
    viewer: Viewer,
    sessionId: string,
  ): Promise<AsyncIterable<SessionUsageUpdate>> {
    await this.access.require(viewer.userId, sessionId, "read");
    const stream = await this.listen(
      Topic.SessionUsage,
      sessionId,
      viewer,
      sessionId,
      usageUpdate,
      (update) => update.sessionId === sessionId,
      // Back from a Redis outage: the totals as they are now.
      async () => [{ sessionId, stats: await this.usage.stats(sessionId) }],
    );
    try {
      stream.prepend([{ sessionId, stats: await this.usage.stats(sessionId) }]);
    } catch (error) {
      await stream.return();
      throw error;
    }
    return stream;
  }

  /**
   * The agent's events as they happen. With `afterSeq`, the events after that sequence number
   * kept in the agent's history come first (no gap, no duplicate: live events are numbered too).
   */
  async agentEvents(
    viewer: Viewer,
    agentId: string,
    afterSeq: number | undefined,
  ): Promise<AsyncIterable<AgentEventPayload>> {
    const { session } = await this.access.requireAgent(viewer.userId, agentId, "read");
    let lastSeq = afterSeq ?? -1;
    const subscribedAt = new Date().toISOString();
    const stream = await this.listen(
      Topic.AgentEvents,
      agentId,
      viewer,
      session.id,
      asIs,
      (event) => {
        // Live events that came in while the history was read are there again: skip them.
        if (event.agentId !== agentId || event.seq <= lastSeq) return false;
        lastSeq = event.seq;
        return true;
      },
      // Back from a Redis outage: what was published meanwhile, from the history (for a live-only
      // subscriber that has seen nothing yet: what is stamped since it subscribed).
      async () => {
        const missed = this.parseHistory(await this.history.replay(agentId, Math.max(lastSeq, 0)));
        return lastSeq >= 0 ? missed : missed.filter((event) => event.at >= subscribedAt);
      },
    );
    let replayed: string[];
    try {
      replayed = afterSeq === undefined ? [] : await this.history.replay(agentId, afterSeq);
    } catch (error) {
      await stream.return();
      throw isConnectionError(error) ? eventsUnavailable() : error;
    }
    stream.prepend(this.parseHistory(replayed));
    return stream;
  }

  private parseHistory(replayed: readonly string[]): AgentEventPayload[] {
    return replayed.flatMap((json) => {
      const event = this.parseJson(json, Topic.AgentEvents);
      return event === undefined ? [] : [event];
    });
  }

  /**
   * A stream fed by the topic, waiting until Redis has the subscription, so nothing published
   * after it returns is missed. When the subscribing connection comes back after an outage,
   * the stream catches up with `missed` (what was published meanwhile) before going on live.
   */
  private async listen<K extends Topic, T>(
    topic: K,
    id: string,
    viewer: Viewer,
    sessionId: string,
    map: (payload: TopicPayloads[K]) => T,
    accept: (event: T) => boolean,
    missed: () => Promise<readonly T[]>,
  ): Promise<EventStream<T>> {
    // With Redis down a SUBSCRIBE would wait, unseen, for its return: say so at once instead.
    if (!this.pubsub.available()) throw eventsUnavailable();
    let stop = (): void => undefined;
    let stopCatchingUp = (): void => undefined;
    const stream = new EventStream<T>({
      maxQueued: this.maxQueued,
      accept,
      allowed: this.stillAllowed(viewer, sessionId),
      onEnd: () => {
        stop();
        stopCatchingUp();
      },
    });
    stop = this.pubsub.listen(topic, id, (payload) => {
      stream.push(map(payload));
    });
    stopCatchingUp = this.pubsub.onReconnect(() => {
      stream.catchUp(missed);
    });
    try {
      await this.pubsub.settle();
    } catch (error) {
      await stream.return();
      throw error;
    }
    return stream;
  }

  private parseJson(json: string, topic: Topic): AgentEventPayload | undefined {
    try {
      const parsed = agentEventPayloadSchema.safeParse(JSON.parse(json));
      if (parsed.success) return parsed.data;
    } catch {
      // falls through to the warning
    }
    this.logger.warn({ topic }, "dropped a malformed agent event from history");
    return undefined;
  }

  /**
   * A throttled re-check that the viewer's token still works and they still see the session
   * (answered with the other subscriptions' re-checks due at the same time).
   */
  private stillAllowed(viewer: Viewer, sessionId: string): () => boolean | Promise<boolean> {
    let checkedAt = Date.now();
    return () => {
      const now = Date.now();
      if (now - checkedAt < this.recheckMs) return true;
      checkedAt = now;
      return this.rechecks.allowed(viewer, sessionId).catch((error: unknown) => {
        // The database is away (a restart): the last answer stands, and the next event asks
        // again. (A revocation still ends the socket: it is told through Redis.)
        if (!isDatabaseUnreachable(error)) throw error;
        checkedAt = 0;
        return true;
      });
    };
  }
}
