import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { secrets } from "./fixtures.js";
import { startTestApi, type TestApi, type TestUser } from "./harness.js";
import { countStatements } from "./support/statement-counter.js";

// A page of sessions with their per-session fields (agents, keys, key sources, usage, members)
// costs the same number of SQL statements whatever the page's size: each field is read for the
// whole page at once, and every session's values are its own.

const SESSIONS = 22;
const PAGE = `query ($first: Int) {
  sessions(first: $first) {
    totalCount
    edges { node { ...Fields } }
  }
}
fragment Fields on Session {
  id name
  agents { id kind provider }
  keys { id provider kind hint }
  keySource(provider: ANTHROPIC)
  openai: keySource(provider: OPENAI)
  nextCredential(provider: ANTHROPIC) { source kind hint }
  usage { apiCalls totalTokens estimatedCostUsd }
  members { email role }
}`;
const ONE = `query ($id: ID!) { session(id: $id) { ...Fields } }
fragment Fields on Session {
  id name
  agents { id kind provider }
  keys { id provider kind hint }
  keySource(provider: ANTHROPIC)
  openai: keySource(provider: OPENAI)
  nextCredential(provider: ANTHROPIC) { source kind hint }
  usage { apiCalls totalTokens estimatedCostUsd }
  members { email role }
}`;

interface Node {
  id: string;
  agents: unknown[];
  keySource: string | null;
  openai: string | null;
  members: { role: string }[];
  usage: { apiCalls: number };
}
interface Page {
  sessions: { totalCount: number; edges: { node: Node }[] };
}

let api: TestApi;
let owner: TestUser;
beforeAll(async () => {
  api = await startTestApi();
  owner = await api.signUp();
  const member = await api.signUp();
  // The owner's own OpenAI key: keySource(OPENAI) is ACCOUNT where the session has none.
  await api.ok(
    `mutation ($s: String!) { setAccountCredential(provider: OPENAI, kind: API_KEY, secret: $s) { id } }`,
    { s: secrets.openaiKey() },
    owner.token,
  );
  for (let index = 0; index < SESSIONS; index += 1) {
    // Every other session has its own Anthropic key, every third an agent or two, a member and usage.
    const withKey = index % 2 === 0;
    const { createSession } = await api.ok<{ createSession: { id: string } }>(
      `mutation ($input: CreateSessionInput!) { createSession(input: $input) { id } }`,
      {
        input: {
          name: `session ${index}`,
          ...(withKey
            ? { providerKey: { provider: "ANTHROPIC", secret: secrets.anthropicKey() } }
            : {}),
        },
      },
      owner.token,
    );
    if (index % 3 === 0) {
      for (let agent = 0; agent <= index % 2; agent += 1) {
        await api.ok(
          `mutation ($id: ID!) { spawnAgent(sessionId: $id, kind: CHAT) { id } }`,
          { id: createSession.id },
          owner.token,
        );
      }
      await api.ok(
        `mutation ($id: ID!, $e: String!) { addSessionMember(sessionId: $id, email: $e, role: VIEWER) { id } }`,
        { id: createSession.id, e: member.email },
        owner.token,
      );
      await api.prisma.sessionUsage.create({
        data: { sessionId: createSession.id, apiCalls: index + 1, inputTokens: BigInt(index * 10) },
      });
    }
  }
});
afterAll(async () => {
  await api.close();
});

/** The statements one request of the page costs (the token's lookup is warm, as it mostly is). */
async function statementsFor(first: number): Promise<{ page: Page; statements: string[] }> {
  await api.ok(`{ me { id } }`, undefined, owner.token);
  const counter = countStatements(api.databaseUrl);
  try {
    const page = await api.ok<Page>(PAGE, { first }, owner.token);
    return { page, statements: [...counter.statements] };
  } finally {
    counter.stop();
  }
}

describe("a page of sessions with their fields", () => {
  it("costs the same statements for 2 sessions as for 20, and at most 8", async ({ annotate }) => {
    const small = await statementsFor(2);
    const large = await statementsFor(20);
    expect(small.page.sessions.edges).toHaveLength(2);
    expect(large.page.sessions.edges).toHaveLength(20);
    expect(large.statements.length, large.statements.join("\n")).toBe(small.statements.length);
    expect(large.statements.length, large.statements.join("\n")).toBeLessThanOrEqual(8);
    await annotate(`${large.statements.length} statements for a page of 20 sessions`);
  });

  it("gives each session its own fields, as its own query does", async () => {
    const { page } = await statementsFor(20);
    // The page holds every kind of value: the comparison below compares something.
    const nodes = page.sessions.edges.map(({ node }) => node);
    expect(nodes.some((n) => n.keySource === "SESSION" && n.agents.length === 1)).toBe(true);
    expect(nodes.some((n) => n.keySource === null && n.openai === "ACCOUNT")).toBe(true);
    expect(
      nodes.some(
        (n) =>
          n.agents.length === 2 &&
          n.members.map((m) => m.role).join() === "OWNER,VIEWER" &&
          n.usage.apiCalls > 0,
      ),
    ).toBe(true);
    for (const { node } of page.sessions.edges) {
      const { session } = await api.ok<{ session: unknown }>(ONE, { id: node.id }, owner.token);
      expect(node).toEqual(session);
    }
  });
});
