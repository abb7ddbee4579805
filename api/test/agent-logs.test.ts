import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentRunLog, type AgentRunLogEntry } from "@agentry/core";
import { startTestApi, type TestApi, type TestUser } from "./harness.js";

// Agent.logs: the runs the worker recorded for an agent, newest first, for members of its
// session; a stranger cannot reach the agent at all.

let api: TestApi;
let owner: TestUser;
let viewer: TestUser;
let stranger: TestUser;
let agentId: string;

const LOGS = `query ($id: ID!, $last: Int) {
  agent(id: $id) {
    id
    logs(last: $last) {
      messageId startedAt endedAt durationMs outcome errorCode errorMessage calls output
    }
  }
}`;

interface LogShape {
  messageId: string;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  outcome: string;
  errorCode: string | null;
  errorMessage: string | null;
  calls: number;
  output: string;
}

const entry = (n: number, overrides: Partial<AgentRunLogEntry> = {}): AgentRunLogEntry => ({
  messageId: randomUUID(),
  startedAt: new Date(Date.UTC(2026, 0, 1, 12, 0, n)).toISOString(),
  endedAt: new Date(Date.UTC(2026, 0, 1, 12, 0, n, 1500)).toISOString(),
  outcome: "DONE",
  errorCode: null,
  errorMessage: null,
  calls: n,
  output: `run ${n}`,
  ...overrides,
});

beforeAll(async () => {
  api = await startTestApi();
  [owner, viewer, stranger] = await Promise.all([api.signUp(), api.signUp(), api.signUp()]);
  const { createSession } = await api.ok<{ createSession: { id: string } }>(
    `mutation { createSession(input: { name: "logs" }) { id } }`,
    {},
    owner.token,
  );
  await api.ok(
    `mutation ($s: ID!, $e: String!) { addSessionMember(sessionId: $s, email: $e, role: VIEWER) { id } }`,
    { s: createSession.id, e: viewer.email },
    owner.token,
  );
  const { spawnAgent } = await api.ok<{ spawnAgent: { id: string } }>(
    `mutation ($s: ID!) { spawnAgent(sessionId: $s, kind: CHAT, provider: ANTHROPIC) { id } }`,
    { s: createSession.id },
    owner.token,
  );
  agentId = spawnAgent.id;
});
afterAll(async () => {
  await api.close();
});

describe("Agent.logs", () => {
  it("is empty before any run", async () => {
    const data = await api.ok<{ agent: { logs: LogShape[] } }>(LOGS, { id: agentId }, owner.token);
    expect(data.agent.logs).toEqual([]);
  });

  it("lists the recorded runs newest first, to the owner and to a viewer", async () => {
    const log = new AgentRunLog(api.redis, api.namespace);
    const failed = entry(2, {
      outcome: "FAILED",
      errorCode: "AUTHENTICATION_FAILED",
      errorMessage: "The provider refused the key",
      output: "401 Unauthorized\nkey [redacted]",
    });
    await log.record(agentId, entry(1));
    await log.record(agentId, failed);
    for (const user of [owner, viewer]) {
      const data = await api.ok<{ agent: { logs: LogShape[] } }>(LOGS, { id: agentId }, user.token);
      expect(data.agent.logs).toHaveLength(2);
      expect(data.agent.logs[0]).toEqual({ ...failed, durationMs: 1500 });
      expect(data.agent.logs[1]?.output).toBe("run 1");
    }
    const one = await api.ok<{ agent: { logs: LogShape[] } }>(
      LOGS,
      { id: agentId, last: 1 },
      owner.token,
    );
    expect(one.agent.logs.map((l) => l.messageId)).toEqual([failed.messageId]);
  });

  it("is out of a stranger's reach: the agent is null to them", async () => {
    const response = await api.gql<{ agent: unknown }>(LOGS, { id: agentId }, stranger.token);
    expect(response.errors).toBeUndefined();
    expect(response.data?.agent).toBeNull();
    expect(response.text).not.toContain("401 Unauthorized");
  });

  it("refuses a `last` out of range", async () => {
    for (const last of [0, 21]) {
      const error = await api.fail(LOGS, { id: agentId, last }, owner.token);
      expect(error.extensions?.code).toBe("BAD_USER_INPUT");
    }
  });
});
