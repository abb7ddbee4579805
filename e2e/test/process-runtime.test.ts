import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anthropicKey, startSystem, type System } from "./support/system.js";
import { createSession, sendMessage, settled, spawnChatAgent } from "./support/flows.js";
import { describeKeyResolution } from "./support/key-resolution.js";
import { dockerGet } from "./support/leaks.js";

// The message path through the process runtime (AGENT_RUNTIME=process, for machines without a
// Docker engine): the same key-resolution flow as the Docker runtime's, and agents really run
// as local processes.

let system: System;
const systemKey = anthropicKey();

beforeAll(async () => {
  system = await startSystem({ runtime: "process", env: { ANTHROPIC_API_KEY: systemKey } });
  system.fake.addKey(systemKey);
});
afterAll(async () => {
  await system.close();
});

describe("the process runtime", () => {
  it("runs an agent as a local process, in a directory of its own and with no container", async () => {
    const { api } = system;
    const user = await api.signUp();
    const sessionId = await createSession(api, user.token);
    const agentId = await spawnChatAgent(api, user.token, sessionId);
    const id = await sendMessage(api, user.token, agentId, "hello from a process");
    expect(await settled(api, user.token, sessionId, agentId, id)).toMatchObject({
      status: "DONE",
      keySource: "SYSTEM",
    });

    const runtime = system.worker().runtime;
    expect(runtime.name).toBe("process");
    const inspection = await runtime.inspect(agentId);
    expect(inspection.state).toBe("running");
    expect(inspection.handle).toMatch(new RegExp(`/${agentId}$`));
    expect(await runtime.readJournal(agentId, id, 1)).toContain('"type":"done"');
    // No container by that name (or no engine at all, where this runtime is meant for).
    const container = await dockerGet(`/containers/agentry-agent-${agentId}/json`).then(
      (response) => response.status,
      () => "no engine",
    );
    expect([404, "no engine"]).toContain(container);
  });
});

describeKeyResolution({ label: "process runtime", system: () => system, systemKey });
