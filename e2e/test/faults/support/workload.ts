import type { TestUser } from "@agentry/api/testing";
import { expect } from "vitest";
import {
  AGENT_EVENTS,
  createSession,
  SESSION_USAGE,
  sendMessage,
  settled,
  spawnChatAgent,
  type AgentEventView,
  type UsageTotals,
} from "../../support/flows.js";
import { anthropicKey, type System } from "../../support/system.js";
import { until } from "../../support/until.js";
import { expectBilledExactlyOnce, type KeyedSession, type SentMessage } from "./ledger.js";
import { subscribeResuming, type Subscriber } from "./subscriber.js";

// The work a fault lands on: one user, two sessions with keys of their own, three chat agents
// (two in one session, so its rollup sums agents running in parallel), a client subscribed to
// every agent's events and every session's usage before anything runs (reopening a subscription
// that ends with UNAVAILABLE, agentEvents after the last sequence number it saw, as the
// contract asks of clients), and messages that queue up behind each other. After the fault:
// everything settles and is checked the same way.

export interface Agent {
  readonly id: string;
  readonly sessionId: string;
}

export interface Workload {
  readonly user: TestUser;
  readonly sessions: readonly KeyedSession[];
  readonly agents: readonly Agent[];
  readonly sent: (SentMessage & { readonly agentId: string })[];
  /** Sends `text` to agent `index` and remembers it. */
  send(index: number, text: string): Promise<string>;
  /**
   * Waits until every message sent so far is DONE; then checks that each provider call the
   * fake answered is billed once, and that the client's subscriptions (reopened where they
   * ended with UNAVAILABLE, never ended otherwise) saw every message whole, in order, once, and
   * reached the final totals. Returns the number of calls billed.
   */
  expectAllDoneAndCounted(timeoutMs: number): Promise<number>;
  /** How often the client's subscriptions ended with UNAVAILABLE and were reopened. */
  reopened(): number;
  /** Closes the client's socket. */
  close(): Promise<void>;
}

export async function startWorkload(system: System): Promise<Workload> {
  const { api, fake } = system;
  const user = await api.signUp();
  const sessions: KeyedSession[] = [];
  for (let i = 0; i < 2; i++) {
    const key = anthropicKey();
    fake.addKey(key);
    sessions.push({
      key,
      id: await createSession(api, user.token, { provider: "ANTHROPIC", secret: key }),
    });
  }
  const [first, second] = sessions as [KeyedSession, KeyedSession];
  const agents: Agent[] = [];
  for (const session of [first, first, second]) {
    agents.push({ sessionId: session.id, id: await spawnChatAgent(api, user.token, session.id) });
  }

  const socket = api.ws(user.token);
  type Event = { agentEvents: AgentEventView };
  const events: Subscriber<Event>[] = agents.map((agent) =>
    subscribeResuming<Event>(socket, AGENT_EVENTS, (seen) => ({
      agentId: agent.id,
      afterSeq: seen.at(-1)?.agentEvents.seq ?? 0,
    })),
  );
  type Totals = { sessionUsage: UsageTotals };
  const totals: Subscriber<Totals>[] = sessions.map((session) =>
    subscribeResuming<Totals>(socket, SESSION_USAGE, () => ({ sessionId: session.id })),
  );
  await until(
    () => totals.every((subscriber) => subscriber.items.length > 0),
    "the usage subscriptions start",
  );

  const sent: (SentMessage & { agentId: string })[] = [];
  const workload: Workload = {
    user,
    sessions,
    agents,
    sent,
    async send(index, text) {
      const agent = agents[index];
      if (agent === undefined) throw new Error(`no agent ${index}`);
      const id = await sendMessage(api, user.token, agent.id, text);
      sent.push({ id, text, sessionId: agent.sessionId, agentId: agent.id });
      return id;
    },
    async expectAllDoneAndCounted(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (const message of sent) {
        const result = await settled(
          api,
          user.token,
          message.sessionId,
          message.agentId,
          message.id,
          Math.max(1_000, deadline - Date.now()),
        );
        expect(result, message.text).toMatchObject({ status: "DONE", errorCode: null });
      }
      const stored = await api.prisma.message.findMany({
        where: { role: "USER", agentId: { in: agents.map((agent) => agent.id) } },
        select: { id: true },
      });
      expect(stored.map((message) => message.id).sort()).toEqual(sent.map((m) => m.id).sort());

      const billed = await expectBilledExactlyOnce({
        api,
        fake,
        token: user.token,
        sessions,
        sent,
      });

      for (const [index, agent] of agents.entries()) {
        const subscriber = events[index];
        if (subscriber === undefined) continue;
        const own = sent.filter((m) => m.agentId === agent.id);
        const last = own.at(-1);
        await until(
          () =>
            subscriber.items.some(
              (item) => item.agentEvents.type === "DONE" && item.agentEvents.messageId === last?.id,
            ),
          `agent ${index}'s subscription sees its last message done`,
          15_000,
        );
        expect(subscriber.failure(), `agent ${index}'s subscription`).toBeUndefined();
        const seqs = subscriber.items.map((item) => item.agentEvents.seq);
        expect(seqs, `agent ${index}'s sequence numbers`).toEqual(
          [...new Set(seqs)].sort((a, b) => a - b),
        );
        // Nothing missed, nothing twice: each message's text deltas join to its stored reply,
        // and its DONE came once.
        for (const message of own) {
          const seen = subscriber.items.flatMap((item) =>
            item.agentEvents.messageId === message.id ? [item.agentEvents] : [],
          );
          const reply = await api.prisma.message.findFirst({ where: { replyToId: message.id } });
          expect(
            {
              text: seen.flatMap((e) => (e.type === "TEXT" ? [e.text] : [])).join(""),
              done: seen.filter((e) => e.type === "DONE").length,
            },
            `what agent ${index}'s subscription saw of "${message.text}"`,
          ).toEqual({ text: reply?.text, done: 1 });
        }
      }
      for (const [index, session] of sessions.entries()) {
        const subscriber = totals[index];
        if (subscriber === undefined) continue;
        const rollup = await api.prisma.sessionUsage.findUnique({
          where: { sessionId: session.id },
        });
        await until(
          () => subscriber.items.at(-1)?.sessionUsage.apiCalls === rollup?.apiCalls,
          `session ${index}'s usage subscription reaches the final totals`,
          15_000,
        );
        expect(subscriber.failure(), `session ${index}'s usage subscription`).toBeUndefined();
      }
      return billed;
    },
    reopened: () =>
      [...events, ...totals].reduce((sum, subscriber) => sum + subscriber.unavailable(), 0),
    close: () => socket.dispose(),
  };
  return workload;
}
