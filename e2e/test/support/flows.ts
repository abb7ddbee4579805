import { setTimeout as sleep } from "node:timers/promises";
import type { TestApi } from "@agentry/api/testing";

// The GraphQL operations the end-to-end tests use, as a user or program would send them.

export interface MessageView {
  readonly id: string;
  readonly role: string;
  readonly text: string;
  readonly status: "QUEUED" | "RUNNING" | "DONE" | "FAILED";
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly keySource: "SESSION" | "ACCOUNT" | "SYSTEM" | null;
}

const MESSAGE_FIELDS = "id role text status errorCode errorMessage keySource";

export async function createSession(
  api: TestApi,
  token: string,
  providerKey?: { provider: string; secret: string },
): Promise<string> {
  const data = await api.ok<{ createSession: { id: string } }>(
    `mutation ($input: CreateSessionInput!) { createSession(input: $input) { id } }`,
    { input: { name: "e2e", ...(providerKey === undefined ? {} : { providerKey }) } },
    token,
  );
  return data.createSession.id;
}

export async function spawnChatAgent(
  api: TestApi,
  token: string,
  sessionId: string,
  model = "claude-haiku-4-5",
): Promise<string> {
  const data = await api.ok<{ spawnAgent: { id: string } }>(
    `mutation ($sessionId: ID!, $model: String) { spawnAgent(sessionId: $sessionId, kind: CHAT, model: $model) { id } }`,
    { sessionId, model },
    token,
  );
  return data.spawnAgent.id;
}

export async function sendMessage(
  api: TestApi,
  token: string,
  agentId: string,
  text: string,
): Promise<string> {
  const data = await api.ok<{ sendMessage: { id: string } }>(
    `mutation ($agentId: ID!, $text: String!) { sendMessage(agentId: $agentId, text: $text) { id } }`,
    { agentId, text },
    token,
  );
  return data.sendMessage.id;
}

/** The agent's messages, oldest first, read through the public API. */
export async function messages(
  api: TestApi,
  token: string,
  sessionId: string,
  agentId: string,
): Promise<MessageView[]> {
  const data = await api.ok<{
    session: { agents: { id: string; messages: MessageView[] }[] } | null;
  }>(
    `query ($id: ID!) { session(id: $id) { agents { id messages { ${MESSAGE_FIELDS} } } } }`,
    { id: sessionId },
    token,
  );
  return data.session?.agents.find((agent) => agent.id === agentId)?.messages ?? [];
}

/** Waits until the user message has finished (DONE or FAILED) and returns it. */
export async function settled(
  api: TestApi,
  token: string,
  sessionId: string,
  agentId: string,
  messageId: string,
  timeoutMs = 45_000,
): Promise<MessageView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const message = (await messages(api, token, sessionId, agentId)).find(
      (m) => m.id === messageId,
    );
    if (message !== undefined && (message.status === "DONE" || message.status === "FAILED")) {
      return message;
    }
    if (Date.now() > deadline) {
      throw new Error(`message ${messageId} did not settle: ${JSON.stringify(message)}`);
    }
    await sleep(100);
  }
}

/** The assistant reply to a user message (the message after it). */
export async function replyTo(
  api: TestApi,
  token: string,
  sessionId: string,
  agentId: string,
  messageId: string,
): Promise<MessageView | undefined> {
  const all = await messages(api, token, sessionId, agentId);
  const index = all.findIndex((m) => m.id === messageId);
  return all.slice(index + 1).find((m) => m.role === "assistant");
}
