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
});
