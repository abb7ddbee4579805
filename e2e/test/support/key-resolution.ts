import { describe, expect, it } from "vitest";
import { anthropicKey, type System } from "./system.js";
import { createSession, replyTo, sendMessage, settled, spawnChatAgent } from "./flows.js";

// The per-message key resolution flow, as one suite any system runs (the Docker runtime in
// key-resolution.test.ts, the process runtime in process-runtime.test.ts): the key each
// message used, seen where it lands — at the (fake) provider.

export interface KeyResolutionSubject {
  /** Shown in the suite's name. */
  readonly label: string;
  /** The running system; it must hold `systemKey` as ANTHROPIC_API_KEY (and the fake accept it). */
  readonly system: () => System;
  readonly systemKey: string;
}

export function describeKeyResolution(subject: KeyResolutionSubject): void {
  describe(`per-message key resolution (${subject.label})`, () => {
    it("uses the session key, a new one from the very next message, then the account key, then the system key", async () => {
      const { api, fake } = subject.system();
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

      // The calls each message made, told apart by their text (other tests may share the fake).
      const run = async (text: string) => {
        const id = await sendMessage(api, user.token, agentId, text);
        const message = await settled(api, user.token, sessionId, agentId, id);
        const keys = fake
          .calls()
          .filter((call) => call.prompt === text)
          .map((call) => call.key);
        return { message, keys };
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
      expect(fourth.keys).toEqual([subject.systemKey]);
    });

    it("fails with NO_API_KEY when nothing resolves, making no provider call", async () => {
      const { api, fake } = subject.system();
      const user = await api.signUp();
      const sessionId = await createSession(api, user.token);
      // A Gemini agent: no Gemini key anywhere (the system only has an Anthropic key).
      const agentId = await spawnChatAgent(api, user.token, sessionId, "gemini-2.5-flash");
      const text = "is anyone there?";
      const id = await sendMessage(api, user.token, agentId, text);
      const message = await settled(api, user.token, sessionId, agentId, id);
      expect(message).toMatchObject({
        status: "FAILED",
        errorCode: "NO_API_KEY",
        errorMessage: "No API key configured for this session",
      });
      expect(fake.calls().filter((call) => call.prompt === text)).toEqual([]);
    });

    it("fails with INVALID_API_KEY naming the refused key's source and hint", async () => {
      const { api, fake } = subject.system();
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
}
