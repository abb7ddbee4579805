import type { TestApi } from "@agentry/api/testing";

// The public operations the benches set their scene with: the end-to-end tests' own, plus one.
export { createSession, sendMessage, spawnChatAgent } from "@agentry/e2e/flows";

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

/** The agentEvents subscription, with the fields the benches read. */
export const AGENT_EVENTS_SUBSCRIPTION = `subscription BenchAgentEvents($agentId: ID!) {
  agentEvents(agentId: $agentId) { seq type messageId text errorCode }
}`;
