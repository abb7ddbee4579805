import type { TestApi } from "@agentry/api/testing";

// The few public operations the benches set their scene with, as a client would send them.

export async function createSession(
  api: TestApi,
  token: string,
  name: string,
  providerKey?: { provider: string; secret: string },
): Promise<string> {
  const data = await api.ok<{ createSession: { id: string } }>(
    `mutation ($input: CreateSessionInput!) { createSession(input: $input) { id } }`,
    { input: { name, ...(providerKey === undefined ? {} : { providerKey }) } },
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

export async function addViewer(
  api: TestApi,
  ownerToken: string,
  sessionId: string,
  email: string,
): Promise<void> {
  await api.ok(
    `mutation ($sessionId: ID!, $email: String!) { addSessionMember(sessionId: $sessionId, email: $email, role: VIEWER) { id } }`,
    { sessionId, email },
    ownerToken,
  );
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

/** The agentEvents subscription, with the fields the benches read. */
export const AGENT_EVENTS_SUBSCRIPTION = `subscription BenchAgentEvents($agentId: ID!) {
  agentEvents(agentId: $agentId) { seq type messageId text errorCode }
}`;
