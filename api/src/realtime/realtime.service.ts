import {
  agentEventPayloadSchema,
  isConnectionError,
  sessionUsagePayloadSchema,
  Topic,
  type AgentEventPayload,
} from "@agentry/core";
import { Repeater } from "@graphql-yoga/subscription";
import type { Logger } from "pino";
import type { z } from "zod";
import type { AuthService } from "../auth/auth.service.js";
import type { Viewer } from "../graphql/context.js";
import { eventsUnavailable, type TopicPubSub } from "../graphql/pubsub.js";
import type { SessionAccessService } from "../sessions/session-access.service.js";
import { usageFromPayload, type UsageService, type UsageStats } from "../usage/usage.service.js";

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
}

/**
 * The subscriptions' streams. Authorization happens before anything is subscribed (not a
 * member → NOT_FOUND, no data) and again every `recheckMs` while events flow, so a revoked
 * token or a removed member stops receiving. Payloads from Redis are parsed with core's schemas;
 * a malformed one is logged and dropped, never passed on.
 */
export class RealtimeService {
  private readonly recheckMs: number;

  constructor(
    private readonly pubsub: TopicPubSub,
    private readonly access: SessionAccessService,
    private readonly auth: AuthService,
    private readonly usage: UsageService,
    private readonly history: AgentEventHistory,
    private readonly logger: Logger,
    options: RealtimeOptions = {},
  ) {
    this.recheckMs = options.recheckMs ?? 15_000;
  }

  /** The session's totals: the current ones first, then after every change. */
  async sessionUsage(
    viewer: Viewer,
    sessionId: string,
  ): Promise<AsyncIterable<SessionUsageUpdate>> {
    await this.access.require(viewer.userId, sessionId, "read");
    const live = await this.listen(Topic.SessionUsage, sessionId);
    const stillAllowed = this.stillAllowed(viewer, sessionId);
    let initial: UsageStats;
    try {
      initial = await this.usage.stats(sessionId);
    } catch (error) {
      await live.return?.();
      throw error;
    }
    return new Repeater<SessionUsageUpdate>(async (push, stop) => {
      void stop.then(() => live.return?.());
      await push({ sessionId, stats: initial });
      for await (const payload of this.parsed(
        live,
        sessionUsagePayloadSchema,
        Topic.SessionUsage,
        stop,
      )) {
        if (payload.sessionId !== sessionId) continue;
        if (!(await stillAllowed())) break;
        await push({ sessionId, stats: usageFromPayload(payload) });
      }
      stop();
    });
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
    const live = await this.listen(Topic.AgentEvents, agentId);
    const stillAllowed = this.stillAllowed(viewer, session.id);
    let replayed: string[];
    try {
      replayed = afterSeq === undefined ? [] : await this.history.replay(agentId, afterSeq);
    } catch (error) {
      await live.return?.();
      throw isConnectionError(error) ? eventsUnavailable() : error;
    }
    return new Repeater<AgentEventPayload>(async (push, stop) => {
      void stop.then(() => live.return?.());
      let lastSeq = afterSeq ?? -1;
      for (const json of replayed) {
        const event = this.parseJson(json, Topic.AgentEvents);
        if (event !== undefined && event.seq > lastSeq) {
          lastSeq = event.seq;
          await push(event);
        }
      }
      for await (const event of this.parsed(
        live,
        agentEventPayloadSchema,
        Topic.AgentEvents,
        stop,
      )) {
        if (event.agentId !== agentId || event.seq <= lastSeq) continue;
        if (!(await stillAllowed())) break;
        lastSeq = event.seq;
        await push(event);
      }
      stop();
    });
  }

  /** Subscribes and waits until Redis has the subscription, so nothing published after is missed. */
  private async listen(topic: Topic, id: string): Promise<AsyncIterator<unknown>> {
    // With Redis down a SUBSCRIBE would wait, unseen, for its return: say so at once instead.
    if (!this.pubsub.available()) throw eventsUnavailable();
    const iterator = this.pubsub.subscribe(topic, id);
    // The first next() starts the subscription (the iterator is lazy); its value is kept.
    const first = iterator.next();
    try {
      await this.pubsub.settle();
    } catch (error) {
      await iterator.return();
      throw error;
    }
    let pending: Promise<IteratorResult<unknown>> | undefined = first;
    return {
      next: () => {
        const result = pending ?? iterator.next();
        pending = undefined;
        return result;
      },
      return: () => iterator.return(),
    };
  }

  private async *parsed<T>(
    source: AsyncIterator<unknown>,
    schema: z.ZodType<T>,
    topic: Topic,
    stopped: Promise<unknown>,
  ): AsyncGenerator<T> {
    const stop = stopped.then(() => ({ done: true, value: undefined }) as const);
    for (;;) {
      const result = await Promise.race([source.next(), stop]);
      if (result.done === true) return;
      const parsed = schema.safeParse(result.value);
      if (parsed.success) yield parsed.data;
      else
        this.logger.warn(
          { topic, issues: parsed.error.issues.length },
          "dropped a malformed pub/sub payload",
        );
    }
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

  /** A throttled re-check that the viewer's token still works and they still see the session. */
  private stillAllowed(viewer: Viewer, sessionId: string): () => Promise<boolean> {
    let checkedAt = Date.now();
    return async () => {
      if (Date.now() - checkedAt < this.recheckMs) return true;
      checkedAt = Date.now();
      const [active, session] = await Promise.all([
        this.auth.isTokenActive(viewer.tokenId),
        this.access.find(viewer.userId, sessionId),
      ]);
      return active && session !== null;
    };
  }
}
