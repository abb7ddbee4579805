import { setTimeout as sleep } from "node:timers/promises";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession, sendMessage, settled, spawnChatAgent } from "./support/flows.js";
import { anthropicKey, startSystem, type System } from "./support/system.js";

let system: System;
const docker = new Docker();

beforeAll(async () => {
  system = await startSystem();
});
afterAll(async () => {
  await system.close();
});

const exists = (inspect: () => Promise<unknown>) =>
  inspect().then(
    () => true,
    () => false,
  );

describe("housekeeping", () => {
  it("deleting a session removes its agents' containers and workspaces", async () => {
    const { api, fake } = system;
    const user = await api.signUp();
    const key = anthropicKey();
    fake.addKey(key);
    const sessionId = await createSession(api, user.token, { provider: "ANTHROPIC", secret: key });
    const agentId = await spawnChatAgent(api, user.token, sessionId);
    const messageId = await sendMessage(api, user.token, agentId, "make my container");
    expect(await settled(api, user.token, sessionId, agentId, messageId)).toMatchObject({
      status: "DONE",
    });

    const container = docker.getContainer(`agentry-agent-${agentId}`);
    const volume = docker.getVolume(`agentry-workspace-${agentId}`);
    expect(await exists(() => container.inspect())).toBe(true);

    await api.ok(`mutation ($id: ID!) { deleteSession(id: $id) }`, { id: sessionId }, user.token);
    const deadline = Date.now() + 20_000;
    while (
      ((await exists(() => container.inspect())) || (await exists(() => volume.inspect()))) &&
      Date.now() < deadline
    ) {
      await sleep(200);
    }
    expect(await exists(() => container.inspect())).toBe(false);
    expect(await exists(() => volume.inspect())).toBe(false);
  });

  it("settles a queued message whose sender's account is gone, so the agent's later messages run", async () => {
    const { api, fake } = system;
    const owner = await api.signUp();
    const key = anthropicKey();
    fake.addKey(key);
    const sessionId = await createSession(api, owner.token, { provider: "ANTHROPIC", secret: key });
    const agentId = await spawnChatAgent(api, owner.token, sessionId);
    const editor = await api.signUp();
    await api.ok(
      `mutation ($id: ID!, $email: String!) { addSessionMember(sessionId: $id, email: $email, role: EDITOR) { id } }`,
      { id: sessionId, email: editor.email },
      owner.token,
    );

    await system.stopWorker();
    const orphaned = await sendMessage(api, editor.token, agentId, "from an account about to go");
    const later = await sendMessage(api, owner.token, agentId, "from the owner");
    // No api deletes accounts yet; an operator's cleanup does it in the database.
    await api.prisma.user.delete({ where: { id: editor.user.id } });
    await system.startWorker();

    expect(await settled(api, owner.token, sessionId, agentId, orphaned)).toMatchObject({
      status: "FAILED",
      errorCode: "AGENT_FAILED",
      errorMessage: "The sender's account no longer exists",
    });
    expect(await settled(api, owner.token, sessionId, agentId, later)).toMatchObject({
      status: "DONE",
    });
  });
});
