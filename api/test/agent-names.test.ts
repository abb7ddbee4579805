import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi, type TestUser } from "./harness.js";

// Agents have names, so two of one kind can be told apart: the kind's name for the first of a
// kind in a session, then numbered; given at spawn or changed later by the session's owner or
// editors.

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

async function session(owner: TestUser): Promise<string> {
  return (
    await api.ok<{ createSession: { id: string } }>(
      `mutation { createSession(input: { name: "names" }) { id } }`,
      {},
      owner.token,
    )
  ).createSession.id;
}

const SPAWN = `mutation ($s: ID!, $k: AgentKind!, $n: String) {
  spawnAgent(sessionId: $s, kind: $k, provider: ANTHROPIC, name: $n) { id name } }`;

describe("agent names", () => {
  it("numbers unnamed agents of one kind, keeps a given name, and renames", async () => {
    const owner = await api.signUp();
    const id = await session(owner);
    const spawn = async (kind: string, name?: string) =>
      (
        await api.ok<{ spawnAgent: { id: string; name: string } }>(
          SPAWN,
          { s: id, k: kind, ...(name === undefined ? {} : { n: name }) },
          owner.token,
        )
      ).spawnAgent;
    expect((await spawn("CHAT")).name).toBe("Chat");
    const second = await spawn("CHAT");
    expect(second.name).toBe("Chat 2");
    expect((await spawn("CLAUDE_CODE")).name).toBe("Claude Code");
    expect((await spawn("CHAT", "  reviewer  ")).name).toBe("reviewer");

    const renamed = await api.ok<{ renameAgent: { name: string } }>(
      `mutation ($id: ID!) { renameAgent(id: $id, name: "writer") { name } }`,
      { id: second.id },
      owner.token,
    );
    expect(renamed.renameAgent.name).toBe("writer");
    const listed = await api.ok<{ session: { agents: { name: string }[] } }>(
      `query ($id: ID!) { session(id: $id) { agents { name } } }`,
      { id },
      owner.token,
    );
    expect(listed.session.agents.map((agent) => agent.name)).toEqual([
      "Chat",
      "writer",
      "Claude Code",
      "reviewer",
    ]);
  });

  it("refuses empty, oversized and control-character names at the field", async () => {
    const owner = await api.signUp();
    const id = await session(owner);
    for (const name of ["   ", "x".repeat(201), "bad\u0000name"]) {
      const error = await api.fail(SPAWN, { s: id, k: "CHAT", n: name }, owner.token);
      expect(error.extensions?.["code"]).toBe("BAD_USER_INPUT");
    }
    expect(await api.prisma.agent.count({ where: { sessionId: id } })).toBe(0);
  });
});
