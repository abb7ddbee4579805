import { setTimeout as sleep } from "node:timers/promises";
import type { TestApi } from "@agentry/api/testing";
import { now, withTimeout } from "../lib/clock.js";
import { AGENT_EVENTS_SUBSCRIPTION, sendMessage } from "../lib/gql.js";
import { EventTimes, type AgentEventView } from "./event-times.js";

// One agent's messages timed the way a client sees them: sendMessage over HTTP, then its first
// TEXT and its DONE on the client's own agentEvents subscription. Shared by the benches that
// send messages through the whole system (dispatch, agents).

/** One message, each figure from the moment `sendMessage` was called (ms). */
export interface MessageSample {
  readonly mutationMs: number;
  readonly firstTextMs: number;
  readonly doneMs: number;
  readonly returnedToFirstTextMs: number;
}

export interface AgentMessages {
  /** Sends `text` and waits for its DONE (rejects on its ERROR or after `timeoutMs`). */
  measure(text: string, timeoutMs: number): Promise<MessageSample>;
  close(): Promise<void>;
}

/** Subscribes to the agent's events as `token`'s user and waits until the stream is live. */
export async function watchAgentMessages(
  api: TestApi,
  token: string,
  agentId: string,
): Promise<AgentMessages> {
  const times = new EventTimes();
  const socket = api.ws(token);
  socket.client.subscribe<{ agentEvents: AgentEventView }>(
    { query: AGENT_EVENTS_SUBSCRIPTION, variables: { agentId } },
    {
      next: (result) => {
        times.received(result.data?.agentEvents);
      },
      error: (error: unknown) => {
        times.fail(new Error(`agentEvents failed: ${JSON.stringify(error)}`));
      },
      complete: () => {
        times.fail(new Error("agentEvents completed early"));
      },
    },
  );
  try {
    // Live once a probe event comes through (graphql-ws does not acknowledge a subscription).
    const probeDeadline = performance.now() + 20_000;
    const probed = times.probed.promise.then(() => true);
    for (;;) {
      if (performance.now() > probeDeadline) throw new Error("agentEvents was not live in time");
      await api.appendAgentEvent({
        agentId,
        messageId: null,
        at: new Date().toISOString(),
        type: "TEXT",
        text: "probe",
      });
      if (await Promise.race([probed, sleep(50).then(() => false)])) break;
    }
  } catch (error) {
    await socket.dispose();
    throw error;
  }
  return {
    async measure(text, timeoutMs) {
      const sent = now();
      const messageId = await sendMessage(api, token, agentId, text);
      const returned = now();
      const got = await withTimeout(times.done(messageId), timeoutMs, `message "${text}"`);
      return {
        mutationMs: returned - sent,
        firstTextMs: got.firstText - sent,
        doneMs: got.done - sent,
        returnedToFirstTextMs: got.firstText - returned,
      };
    },
    close: () => socket.dispose(),
  };
}
