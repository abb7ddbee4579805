import type { TestApi } from "@agentry/api/testing";
import type { FakeProvider, RecordedCall } from "@agentry/fake-provider";
import { expect } from "vitest";
import { sessionUsage, sumUsage, type TokenSums } from "../../support/flows.js";

// What every fault test checks when the dust settles: each provider call the fake answered in
// full is billed exactly once, on the message whose text it carried, with the tokens the fake
// reported; nothing else is billed; and every session's rollup (and Session.usage) is the sum.

export interface SentMessage {
  readonly id: string;
  readonly text: string;
  readonly sessionId: string;
}

export interface KeyedSession {
  readonly id: string;
  /** The session's own key: the fake's calls carry it, which ties them to the session. */
  readonly key: string;
}

const tuple = (usage: TokenSums): string =>
  [
    usage.inputTokens,
    usage.outputTokens,
    usage.cacheReadTokens,
    usage.cacheWriteTokens,
    usage.reasoningTokens,
  ].join("/");

/** Returns how many calls were billed (for the test's report). */
export async function expectBilledExactlyOnce(options: {
  readonly api: TestApi;
  readonly fake: FakeProvider;
  readonly token: string;
  readonly sessions: readonly KeyedSession[];
  readonly sent: readonly SentMessage[];
}): Promise<number> {
  const { api, fake, token, sessions, sent } = options;
  const keys = new Set(sessions.map((session) => session.key));
  const answered = fake
    .calls()
    .filter(
      (call) => call.key !== null && keys.has(call.key) && call.completed && call.usage !== null,
    );
  const events = await api.prisma.usageEvent.findMany({
    where: { sessionId: { in: sessions.map((session) => session.id) } },
  });
  const byMessage = new Map<string, RecordedCall[]>();
  for (const call of answered) {
    const message = sent.find((m) => m.text === call.prompt.trim());
    expect(message, `a call for an unknown prompt: ${call.prompt}`).toBeDefined();
    if (message === undefined) continue;
    byMessage.set(message.id, [...(byMessage.get(message.id) ?? []), call]);
  }
  for (const message of sent) {
    const calls = byMessage.get(message.id) ?? [];
    const billed = events.filter((event) => event.messageId === message.id);
    expect(
      billed
        .map((event) =>
          tuple({
            inputTokens: Number(event.inputTokens),
            outputTokens: Number(event.outputTokens),
            cacheReadTokens: Number(event.cacheReadTokens),
            cacheWriteTokens: Number(event.cacheWriteTokens),
            reasoningTokens: Number(event.reasoningTokens),
          }),
        )
        .sort(),
      `the usage billed for "${message.text}"`,
    ).toEqual(calls.flatMap((call) => (call.usage === null ? [] : [tuple(call.usage)])).sort());
  }
  expect(events).toHaveLength(answered.length);
  const ids = events.map((event) => `${event.messageId}/${event.attempt}/${event.callIndex}`);
  expect(new Set(ids).size).toBe(ids.length);

  for (const session of sessions) {
    const calls = answered.filter((call) => call.key === session.key);
    const expected = sumUsage(calls.map((call) => call.usage));
    const rollup = await api.prisma.sessionUsage.findUnique({ where: { sessionId: session.id } });
    expect({
      inputTokens: Number(rollup?.inputTokens ?? 0),
      outputTokens: Number(rollup?.outputTokens ?? 0),
      cacheReadTokens: Number(rollup?.cacheReadTokens ?? 0),
      cacheWriteTokens: Number(rollup?.cacheWriteTokens ?? 0),
      reasoningTokens: Number(rollup?.reasoningTokens ?? 0),
      apiCalls: rollup?.apiCalls ?? 0,
    }).toEqual({ ...expected, apiCalls: calls.length });
    expect(await sessionUsage(api, token, session.id)).toMatchObject({
      ...expected,
      apiCalls: calls.length,
    });
  }
  return answered.length;
}
