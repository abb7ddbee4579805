import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anthropicKey, startSystem, type System } from "./support/system.js";
import { createSession, replyTo, sendMessage, settled, spawnChatAgent } from "./support/flows.js";

// The key each message used, seen where it lands: at the (fake) provider.

let system: System;
const systemKey = anthropicKey();

beforeAll(async () => {
  system = await startSystem({ env: { ANTHROPIC_API_KEY: systemKey } });
  system.fake.addKey(systemKey);
});
afterAll(async () => {
  await system.close();
});

describe("per-message key resolution", () => {
  it("uses the session key, a new one from the very next message, then the account key, then the system key, then none", async () => {
    const { api, fake } = system;
    const user = await api.signUp();
    const [sessionKey, newSessionKey, accountKey] = [
      anthropicKey(),
      anthropicKey(),
      anthropicKey(),
    ];
    for (const key of [sessionKey, newSessionKey, accountKey]) fake.addKey(key);

    const sessionId = await createSession(api, user.token, {
      provider: "ANTHROPIC",
      secret: sessionKey,
    });
    await api.ok(
      `mutation ($secret: String!) { setAccountCredential(provider: ANTHROPIC, kind: API_KEY, secret: $secret) { id } }`,
      { secret: accountKey },
      user.token,
    );
    const agentId = await spawnChatAgent(api, user.token, sessionId);

    const run = async (text: string) => {
      fake.clearCalls();
      const id = await sendMessage(api, user.token, agentId, text);
      const message = await settled(api, user.token, sessionId, agentId, id);
      return { message, keys: fake.calls().map((call) => call.key) };
    };

    const first = await run("hello with the session key");
    expect(first.message).toMatchObject({ status: "DONE", keySource: "SESSION" });
    expect(first.keys).toEqual([sessionKey]);
    expect((await replyTo(api, user.token, sessionId, agentId, first.message.id))?.text).toBe(
      "Echo: hello with the session key",
    );

    await api.ok(
      `mutation ($id: ID!, $secret: String!) { setSessionKey(sessionId: $id, provider: ANTHROPIC, secret: $secret) { id } }`,
      { id: sessionId, secret: newSessionKey },
      user.token,
    );
    const second = await run("after replacing the session key");
    expect(second.message.keySource).toBe("SESSION");
    expect(second.keys).toEqual([newSessionKey]);

    await api.ok(
      `mutation ($id: ID!) { removeSessionKey(sessionId: $id, provider: ANTHROPIC) { id } }`,
      { id: sessionId },
      user.token,
    );
    const third = await run("after removing the session key");
    expect(third.message.keySource).toBe("ACCOUNT");
    expect(third.keys).toEqual([accountKey]);

    await api.ok(
      `mutation { removeAccountCredential(provider: ANTHROPIC, kind: API_KEY) }`,
      {},
      user.token,
    );
    const fourth = await run("after removing the account key");
    expect(fourth.message.keySource).toBe("SYSTEM");
    expect(fourth.keys).toEqual([systemKey]);
  });

  it("fails with NO_API_KEY when nothing resolves, making no provider call", async () => {
    const { api, fake } = system;
    const user = await api.signUp();
    const sessionId = await createSession(api, user.token);
    // A Gemini agent: no Gemini key anywhere (the system only has an Anthropic key).
    const agentId = await spawnChatAgent(api, user.token, sessionId, "gemini-2.5-flash");
    fake.clearCalls();
    const id = await sendMessage(api, user.token, agentId, "is anyone there?");
    const message = await settled(api, user.token, sessionId, agentId, id);
    expect(message).toMatchObject({
      status: "FAILED",
      errorCode: "NO_API_KEY",
      errorMessage: "No API key configured for this session",
    });
    expect(fake.calls()).toEqual([]);
  });

  it("fails with INVALID_API_KEY naming the refused key's source and hint", async () => {
    const { api, fake } = system;
    const user = await api.signUp();
    const refused = anthropicKey(); // never added to the fake: it answers 401
    const sessionId = await createSession(api, user.token, {
      provider: "ANTHROPIC",
      secret: refused,
    });
    const agentId = await spawnChatAgent(api, user.token, sessionId);
    const id = await sendMessage(api, user.token, agentId, "hello?");
    const message = await settled(api, user.token, sessionId, agentId, id);
    expect(message).toMatchObject({
      status: "FAILED",
      errorCode: "INVALID_API_KEY",
      keySource: "SESSION",
    });
    expect(message.errorMessage).toBe(
      `Invalid API key — the session key (…${refused.slice(-4)}) was refused by Anthropic`,
    );
    expect(fake.calls().filter((call) => call.key === refused).length).toBeGreaterThan(0);
  });
});
