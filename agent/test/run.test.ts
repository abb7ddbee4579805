import { readdir, readFile, writeFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentEvent } from "@agentry/core";
import { conversationPath } from "../src/conversation.js";
import { OAUTH_BETA } from "../src/providers/anthropic.js";
import {
  newKey,
  readAllFiles,
  run,
  runInput,
  tempWorkspace,
  MODELS,
} from "./support/run-helpers.js";
import {
  REPLY,
  REPLY_CHUNKS,
  STUB_MODEL_VERSION,
  startStubProvider,
  type Stub,
  type StubCall,
  type StubProvider,
} from "./support/stub-provider.js";

const PROVIDERS: StubProvider[] = ["ANTHROPIC", "OPENAI", "GEMINI"];
const keys = Object.fromEntries(PROVIDERS.map((p) => [p, newKey(p)])) as Record<
  StubProvider,
  string
>;
const subscriptionToken = `sk-ant-oat01-${crypto.randomUUID()}`;

const EXPECTED_USAGE: Record<
  StubProvider,
  Omit<Extract<AgentEvent, { type: "usage" }>, "type" | "callIndex" | "provider" | "model">
> = {
  // Anthropic reports the classes apart already.
  ANTHROPIC: {
    inputTokens: 11,
    outputTokens: 7,
    cacheReadTokens: 5,
    cacheWriteTokens: 3,
    reasoningTokens: 2,
  },
  // prompt_tokens 20 includes cached_tokens 8.
  OPENAI: {
    inputTokens: 12,
    outputTokens: 9,
    cacheReadTokens: 8,
    cacheWriteTokens: 0,
    reasoningTokens: 4,
  },
  // promptTokenCount 30 includes cachedContentTokenCount 10; thoughts 2 come on top of candidates 6.
  GEMINI: {
    inputTokens: 20,
    outputTokens: 8,
    cacheReadTokens: 10,
    cacheWriteTokens: 0,
    reasoningTokens: 2,
  },
};

let stub: Stub;
beforeAll(async () => {
  stub = await startStubProvider({ keys: [...Object.values(keys), subscriptionToken] });
});
afterAll(async () => {
  await stub.close();
});

/** The calls the stub received for this message (the text is unique per test). */
function callsFor(text: string): StubCall[] {
  return stub.calls().filter((call) => JSON.stringify(call.body).includes(text));
}

function sentTurns(call: StubCall): { role: string; text: string }[] {
  if (call.provider === "GEMINI") {
    const contents = call.body["contents"] as { role: string; parts: { text: string }[] }[];
    return contents.map((c) => ({ role: c.role, text: c.parts.map((p) => p.text).join("") }));
  }
  const messages = call.body["messages"] as { role: string; content: string }[];
  return messages.map((m) => ({ role: m.role, text: m.content }));
}

describe.each(PROVIDERS)("chat agent on %s", (provider) => {
  it("streams the reply as several text events, then one usage event with the classes apart, then done", async () => {
    const workspace = await tempWorkspace();
    try {
      const input = runInput(provider, keys[provider], stub.url);
      const { outcome, events } = await run(input, workspace.path);

      expect(outcome).toBe("done");
      const texts = events.filter((e) => e.type === "text");
      expect(texts.length).toBeGreaterThan(1);
      expect(texts.map((e) => e.delta)).toEqual(REPLY_CHUNKS);
      expect(events.slice(texts.length)).toEqual([
        {
          type: "usage",
          callIndex: 0,
          provider,
          model: `${MODELS[provider]}${STUB_MODEL_VERSION[provider]}`,
          ...EXPECTED_USAGE[provider],
        },
        {
          type: "done",
          stopReason:
            provider === "ANTHROPIC" ? "end_turn" : provider === "OPENAI" ? "stop" : "STOP",
        },
      ]);
      expect(callsFor(input.text)).toHaveLength(1);
    } finally {
      await workspace.remove();
    }
  });

  it("sends the earlier turns with the next message, and keeps the conversation on disk", async () => {
    const workspace = await tempWorkspace();
    try {
      const first = runInput(provider, keys[provider], stub.url);
      const second = runInput(provider, keys[provider], stub.url);
      expect((await run(first, workspace.path)).outcome).toBe("done");
      expect((await run(second, workspace.path)).outcome).toBe("done");

      const [call] = callsFor(second.text);
      const assistantRole = provider === "GEMINI" ? "model" : "assistant";
      expect(sentTurns(call!)).toEqual([
        { role: "user", text: first.text },
        { role: assistantRole, text: REPLY },
        { role: "user", text: second.text },
      ]);
      const saved = JSON.parse(await readFile(conversationPath(workspace.path), "utf8")) as {
        turns: { role: string; text: string }[];
      };
      expect(saved.turns.map((t) => [t.role, t.text])).toEqual([
        ["user", first.text],
        ["assistant", REPLY],
        ["user", second.text],
        ["assistant", REPLY],
      ]);
      const files = await readAllFiles(workspace.path);
      for (const content of files.values()) expect(content).not.toContain(keys[provider]);
      expect([...files.keys()].filter((path) => path.endsWith(".tmp"))).toEqual([]);
    } finally {
      await workspace.remove();
    }
  });

  it("fails with INVALID_API_KEY and the provider's status on a refused key, without the key anywhere", async () => {
    const workspace = await tempWorkspace();
    try {
      const wrongKey = newKey(provider);
      const input = runInput(provider, wrongKey, stub.url);
      const { outcome, events, logs } = await run(input, workspace.path);

      expect(outcome).toBe("error");
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        type: "error",
        code: "INVALID_API_KEY",
        status: provider === "GEMINI" ? 400 : 401,
      });
      // The stub echoed the key in its refusal; nothing of it may come out.
      const everything = JSON.stringify(events) + logs.join("\n");
      expect(everything).not.toContain(wrongKey);
      expect(everything).not.toContain(wrongKey.slice(-12));
      expect(everything).not.toContain(wrongKey.slice(0, 12));
      await expect(readdir(workspace.path)).resolves.toEqual([]);
    } finally {
      await workspace.remove();
    }
  });

  it("fails with RATE_LIMITED on a 429 and keeps the conversation as it was", async () => {
    const workspace = await tempWorkspace();
    try {
      const first = runInput(provider, keys[provider], stub.url);
      expect((await run(first, workspace.path)).outcome).toBe("done");
      const before = await readFile(conversationPath(workspace.path), "utf8");

      stub.failNext(1, 429);
      const { outcome, events } = await run(
        runInput(provider, keys[provider], stub.url),
        workspace.path,
      );

      expect(outcome).toBe("error");
      expect(events).toEqual([
        expect.objectContaining({ type: "error", code: "RATE_LIMITED", status: 429 }),
      ]);
      await expect(readFile(conversationPath(workspace.path), "utf8")).resolves.toBe(before);
    } finally {
      await workspace.remove();
    }
  });

  it("reports a provider's 500 as AGENT_FAILED with its status", async () => {
    const workspace = await tempWorkspace();
    try {
      stub.failNext(1, 500);
      const { events } = await run(runInput(provider, keys[provider], stub.url), workspace.path);
      expect(events).toEqual([
        expect.objectContaining({ type: "error", code: "AGENT_FAILED", status: 500 }),
      ]);
    } finally {
      await workspace.remove();
    }
  });

  it("reports the tokens of a stream cut short before the error, and saves no half reply", async () => {
    const workspace = await tempWorkspace();
    try {
      stub.cutNextStream();
      const { outcome, events } = await run(
        runInput(provider, keys[provider], stub.url),
        workspace.path,
      );

      expect(outcome).toBe("error");
      const last = events.at(-1);
      expect(last).toMatchObject({ type: "error", code: "AGENT_FAILED" });
      expect(last).not.toHaveProperty("status");
      const usage = events.filter((e) => e.type === "usage");
      // OpenAI sends usage only in its last chunk: a cut stream has none to report.
      expect(usage).toHaveLength(provider === "OPENAI" ? 0 : 1);
      if (provider !== "OPENAI") expect(usage[0]).toMatchObject({ callIndex: 0, provider });
      await expect(readdir(workspace.path)).resolves.toEqual([]);
    } finally {
      await workspace.remove();
    }
  });

  it("gives up on a stream that stalls past the deadline, reporting the tokens already counted", async () => {
    const workspace = await tempWorkspace();
    try {
      stub.stallNextStream();
      const { outcome, events } = await run(
        runInput(provider, keys[provider], stub.url),
        workspace.path,
        500,
      );

      expect(outcome).toBe("error");
      expect(events.at(-1)).toMatchObject({ type: "error", code: "AGENT_FAILED" });
      expect((events.at(-1) as { message: string }).message).toContain("timed out");
      expect(events.filter((e) => e.type === "usage")).toHaveLength(provider === "OPENAI" ? 0 : 1);
      await expect(readdir(workspace.path)).resolves.toEqual([]);
    } finally {
      await workspace.remove();
    }
  });

  it("replaces what an earlier attempt of the same message left, instead of sending it twice", async () => {
    const workspace = await tempWorkspace();
    try {
      const input = runInput(provider, keys[provider], stub.url);
      await run(input, workspace.path);
      const { outcome } = await run({ ...input, attempt: 2 }, workspace.path);

      expect(outcome).toBe("done");
      const calls = callsFor(input.text);
      expect(calls).toHaveLength(2);
      expect(sentTurns(calls[1]!)).toHaveLength(1);
      const saved = JSON.parse(await readFile(conversationPath(workspace.path), "utf8")) as {
        turns: unknown[];
      };
      expect(saved.turns).toHaveLength(2);
    } finally {
      await workspace.remove();
    }
  });
});

describe("Anthropic subscription token", () => {
  it("goes as a bearer token with the OAuth beta header", async () => {
    const workspace = await tempWorkspace();
    try {
      const input = runInput("ANTHROPIC", subscriptionToken, stub.url, {
        credential: { kind: "SUBSCRIPTION", secret: subscriptionToken },
      });
      const { outcome } = await run(input, workspace.path);

      expect(outcome).toBe("done");
      const [call] = callsFor(input.text);
      expect(call!.headers.authorization).toBe(`Bearer ${subscriptionToken}`);
      expect(String(call!.headers["anthropic-beta"]).split(",")).toContain(OAUTH_BETA);
      expect(call!.headers["x-api-key"]).toBeUndefined();
    } finally {
      await workspace.remove();
    }
  });

  it("fails with AUTHENTICATION_FAILED when the token is refused", async () => {
    const workspace = await tempWorkspace();
    try {
      const expired = `sk-ant-oat01-${crypto.randomUUID()}`;
      const input = runInput("ANTHROPIC", expired, stub.url, {
        credential: { kind: "SUBSCRIPTION", secret: expired },
      });
      const { events } = await run(input, workspace.path);

      expect(events).toEqual([
        expect.objectContaining({ type: "error", code: "AUTHENTICATION_FAILED", status: 401 }),
      ]);
      expect(JSON.stringify(events)).not.toContain(expired.slice(-12));
    } finally {
      await workspace.remove();
    }
  });
});

describe("runMessage", () => {
  it("refuses a provider the chat agent cannot call, before any request", async () => {
    const workspace = await tempWorkspace();
    try {
      const input = runInput("OPENAI", keys.OPENAI, stub.url, { provider: "GITHUB_COPILOT" });
      const { outcome, events } = await run(input, workspace.path);
      expect(outcome).toBe("error");
      expect(events).toEqual([expect.objectContaining({ type: "error", code: "AGENT_FAILED" })]);
      expect(callsFor(input.text)).toEqual([]);
    } finally {
      await workspace.remove();
    }
  });

  it("moves an unreadable conversation aside and answers from a fresh one", async () => {
    const workspace = await tempWorkspace();
    try {
      await mkdir(join(workspace.path, ".agentry"));
      await writeFile(conversationPath(workspace.path), "{ not json");
      const input = runInput("ANTHROPIC", keys.ANTHROPIC, stub.url);
      const { outcome, logs } = await run(input, workspace.path);

      expect(outcome).toBe("done");
      expect(sentTurns(callsFor(input.text)[0]!)).toHaveLength(1);
      const kept = await readdir(join(workspace.path, ".agentry"));
      expect(kept.some((name) => name.startsWith("conversation.json.corrupt-"))).toBe(true);
      expect(logs.join("\n")).toContain("moved to");
    } finally {
      await workspace.remove();
    }
  });
});
