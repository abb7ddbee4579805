import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentEvent } from "@agentry/core/protocol";
import {
  ANTHROPIC_OAUTH_BETA,
  startFakeProvider,
  type FakeProvider,
  type FakeProviderName,
  type FakeUsage,
} from "@agentry/fake-provider";
import { conversationPath } from "../src/conversation.js";
import { AgentRunError } from "../src/errors.js";
import { runMessage } from "../src/run.js";
import {
  MODELS,
  PROVIDERS,
  newKey,
  newSubscriptionToken,
  promptTokensFor,
  readAllFiles,
  run,
  runInput,
  tempWorkspace,
} from "./support/run-helpers.js";

type Usage = Omit<
  Extract<AgentEvent, { type: "usage" }>,
  "type" | "callIndex" | "provider" | "model"
>;

const keys = Object.fromEntries(PROVIDERS.map((p) => [p, newKey(p)])) as Record<
  FakeProviderName,
  string
>;
const subscriptionToken = newSubscriptionToken();

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider({ keys: [...Object.values(keys), subscriptionToken] });
});
afterAll(async () => {
  await fake.close();
});

const callsFor = (text: string) => fake.calls().filter((call) => call.prompt === text);
const usageOf = (events: AgentEvent[]) => events.filter((e) => e.type === "usage");
const classes = ({
  inputTokens,
  outputTokens,
  cacheReadTokens,
  cacheWriteTokens,
  reasoningTokens,
}: Usage | FakeUsage): Usage => ({
  inputTokens,
  outputTokens,
  cacheReadTokens,
  cacheWriteTokens,
  reasoningTokens,
});

/** Every class non-zero where the provider reports it, in the provider-neutral shape. */
const SCRIPTED_USAGE: Record<FakeProviderName, Usage> = {
  // Anthropic reports the classes apart already (input_tokens excludes the cache).
  ANTHROPIC: {
    inputTokens: 11,
    outputTokens: 7,
    cacheReadTokens: 5,
    cacheWriteTokens: 3,
    reasoningTokens: 0,
  },
  // On the wire: prompt_tokens 20 including cached_tokens 8; completion_tokens 9 including 4 reasoning.
  OPENAI: {
    inputTokens: 12,
    outputTokens: 9,
    cacheReadTokens: 8,
    cacheWriteTokens: 0,
    reasoningTokens: 4,
  },
  // On the wire: promptTokenCount 30 including cachedContentTokenCount 10; candidates 6 + thoughts 2.
  GEMINI: {
    inputTokens: 20,
    outputTokens: 8,
    cacheReadTokens: 10,
    cacheWriteTokens: 0,
    reasoningTokens: 2,
  },
};

describe.each(PROVIDERS)("chat agent on %s", (provider) => {
  it("streams the reply as several text events, then one usage event for the call, then done", async () => {
    const workspace = await tempWorkspace();
    try {
      const input = runInput(provider, keys[provider], fake);
      const { outcome, events } = await run(input, workspace.path);

      expect(outcome).toBe("done");
      const texts = events.filter((e) => e.type === "text");
      expect(texts.length).toBeGreaterThan(1);
      expect(texts.map((e) => e.delta).join("")).toBe(`Echo: ${input.text}`);
      expect(events.slice(0, texts.length)).toEqual(texts);
      const [call] = callsFor(input.text);
      expect(events.slice(texts.length)).toEqual([
        {
          type: "usage",
          callIndex: 0,
          provider,
          model: MODELS[provider],
          ...classes(call!.usage!),
        },
        { type: "done", stopReason: expect.any(String) as string },
      ]);
      expect(callsFor(input.text)).toHaveLength(1);
    } finally {
      await workspace.remove();
    }
  });

  it("maps each token class of the provider's usage", async () => {
    const workspace = await tempWorkspace();
    try {
      fake.script({ provider, usage: SCRIPTED_USAGE[provider] });
      const { events } = await run(runInput(provider, keys[provider], fake), workspace.path);

      expect(usageOf(events).map(classes)).toEqual([SCRIPTED_USAGE[provider]]);
    } finally {
      await workspace.remove();
    }
  });

  it("sends the earlier turns with the next message, and keeps the conversation on disk", async () => {
    const workspace = await tempWorkspace();
    try {
      const first = runInput(provider, keys[provider], fake);
      const second = runInput(provider, keys[provider], fake);
      expect((await run(first, workspace.path)).outcome).toBe("done");
      const { outcome, events } = await run(second, workspace.path);
      expect(outcome).toBe("done");

      // The fake's prompt counts every text the request carried: both questions and the answer.
      const [usage] = usageOf(events);
      expect(usage!.inputTokens + usage!.cacheReadTokens + usage!.cacheWriteTokens).toBe(
        promptTokensFor(first.text, `Echo: ${first.text}`, second.text),
      );
      const saved = JSON.parse(await readFile(conversationPath(workspace.path), "utf8")) as {
        turns: { role: string; text: string }[];
      };
      expect(saved.turns.map((t) => [t.role, t.text])).toEqual([
        ["user", first.text],
        ["assistant", `Echo: ${first.text}`],
        ["user", second.text],
        ["assistant", `Echo: ${second.text}`],
      ]);
      const files = await readAllFiles(workspace.path);
      for (const content of files.values()) expect(content).not.toContain(keys[provider]);
      expect([...files.keys()].filter((path) => path.endsWith(".tmp"))).toEqual([]);
    } finally {
      await workspace.remove();
    }
  });

  it("fails with INVALID_API_KEY and the provider's status on a refused key, the key nowhere", async () => {
    const workspace = await tempWorkspace();
    try {
      const wrongKey = newKey(provider);
      const { outcome, events, logs } = await run(
        runInput(provider, wrongKey, fake),
        workspace.path,
      );

      expect(outcome).toBe("error");
      expect(events).toEqual([
        expect.objectContaining({
          type: "error",
          code: "INVALID_API_KEY",
          // Gemini answers an unknown key with 400 API_KEY_INVALID.
          status: provider === "GEMINI" ? 400 : 401,
        }),
      ]);
      const everything = JSON.stringify(events) + logs.join("\n");
      expect(everything).not.toContain(wrongKey.slice(0, 12));
      expect(everything).not.toContain(wrongKey.slice(-8));
      await expect(readdir(workspace.path)).resolves.toEqual([]);
    } finally {
      await workspace.remove();
    }
  });

  it("fails with RATE_LIMITED on a 429 and keeps the conversation as it was", async () => {
    const workspace = await tempWorkspace();
    try {
      expect((await run(runInput(provider, keys[provider], fake), workspace.path)).outcome).toBe(
        "done",
      );
      const before = await readFile(conversationPath(workspace.path), "utf8");

      fake.failNext(1, 429);
      const { outcome, events } = await run(
        runInput(provider, keys[provider], fake),
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
      fake.failNext(1, 500);
      const { events } = await run(runInput(provider, keys[provider], fake), workspace.path);
      expect(events).toEqual([
        expect.objectContaining({ type: "error", code: "AGENT_FAILED", status: 500 }),
      ]);
    } finally {
      await workspace.remove();
    }
  });

  it("gives up on a stream that stalls past the deadline, reporting the tokens already counted", async () => {
    const workspace = await tempWorkspace();
    const held = fake.hold({ provider });
    try {
      const input = runInput(provider, keys[provider], fake);
      const { outcome, events } = await run(input, workspace.path, 500);

      expect(outcome).toBe("error");
      const last = events.at(-1);
      expect(last).toMatchObject({ type: "error", code: "AGENT_FAILED" });
      expect(last).toHaveProperty("message", expect.stringContaining("timed out"));
      // Anthropic's message_start and Gemini's first chunk carry usage; OpenAI's last chunk only.
      const usage = usageOf(events);
      expect(usage).toHaveLength(provider === "OPENAI" ? 0 : 1);
      if (provider !== "OPENAI") {
        expect(usage[0]!.inputTokens + usage[0]!.cacheReadTokens + usage[0]!.cacheWriteTokens).toBe(
          promptTokensFor(input.text),
        );
      }
      await expect(readdir(workspace.path)).resolves.toEqual([]);
    } finally {
      held.release();
      await workspace.remove();
    }
  });

  it("reports the tokens of a stream cut short, then AGENT_FAILED without status, saving no half reply", async () => {
    const workspace = await tempWorkspace();
    const own = await startFakeProvider({ keys: [keys[provider]] });
    try {
      // Slow chunks keep the stream open; the first text shows everything before it arrived.
      own.setDelay(200);
      const events: AgentEvent[] = [];
      let firstText: () => void = () => undefined;
      const textArrived = new Promise<void>((resolve) => {
        firstText = resolve;
      });
      const running = runMessage(runInput(provider, keys[provider], own), {
        workspace: workspace.path,
        emit: (event) => {
          events.push(event);
          if (event.type === "text") firstText();
        },
      });
      await textArrived;
      await own.close();

      expect(await running).toBe("error");
      expect(events.at(-1)).toMatchObject({ type: "error", code: "AGENT_FAILED" });
      expect(events.at(-1)).not.toHaveProperty("status");
      // Anthropic's message_start and Gemini's every chunk carry usage; OpenAI's last chunk only.
      expect(usageOf(events)).toHaveLength(provider === "OPENAI" ? 0 : 1);
      await expect(readdir(workspace.path)).resolves.toEqual([]);
    } finally {
      await own.close().catch(() => undefined);
      await workspace.remove();
    }
  });

  it("replaces what an earlier attempt of the same message left, instead of sending it twice", async () => {
    const workspace = await tempWorkspace();
    try {
      const input = runInput(provider, keys[provider], fake);
      await run(input, workspace.path);
      const { outcome, events } = await run({ ...input, attempt: 2 }, workspace.path);

      expect(outcome).toBe("done");
      const [usage] = usageOf(events);
      expect(usage!.inputTokens + usage!.cacheReadTokens + usage!.cacheWriteTokens).toBe(
        promptTokensFor(input.text),
      );
      const saved = JSON.parse(await readFile(conversationPath(workspace.path), "utf8")) as {
        turns: unknown[];
      };
      expect(saved.turns).toHaveLength(2);
    } finally {
      await workspace.remove();
    }
  });
});

describe("credential kinds", () => {
  it("sends an Anthropic subscription token as a bearer token the OAuth endpoint accepts", async () => {
    const workspace = await tempWorkspace();
    try {
      const input = runInput("ANTHROPIC", subscriptionToken, fake, {
        credential: { kind: "SUBSCRIPTION", secret: subscriptionToken },
      });
      // The fake refuses a token sent without the OAuth beta, as Anthropic does.
      const { outcome } = await run(input, workspace.path);

      expect(outcome).toBe("done");
      const [call] = callsFor(input.text);
      expect(call).toMatchObject({ auth: "bearer", key: subscriptionToken, status: 200 });
      expect(ANTHROPIC_OAUTH_BETA).toBe("oauth-2025-04-20");
    } finally {
      await workspace.remove();
    }
  });

  it("fails with AUTHENTICATION_FAILED when Anthropic refuses the subscription token", async () => {
    const workspace = await tempWorkspace();
    try {
      const expired = newSubscriptionToken();
      const input = runInput("ANTHROPIC", expired, fake, {
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

  it.each(["OPENAI", "GEMINI"] as const)(
    "refuses a %s subscription credential before calling (the API takes keys only)",
    async (provider) => {
      const workspace = await tempWorkspace();
      try {
        const input = runInput(provider, keys[provider], fake, {
          credential: { kind: "SUBSCRIPTION", secret: keys[provider] },
        });
        const { events } = await run(input, workspace.path);

        expect(events).toEqual([expect.objectContaining({ type: "error", code: "AGENT_FAILED" })]);
        expect(callsFor(input.text)).toEqual([]);
      } finally {
        await workspace.remove();
      }
    },
  );
});

describe("runMessage", () => {
  it("scrubs the credential from an error a provider echoed it in, and from the diagnostics", async () => {
    const workspace = await tempWorkspace();
    try {
      const secret = newKey("OPENAI");
      const events: AgentEvent[] = [];
      const logs: string[] = [];
      // A provider worse than any real one: its refusal quotes the whole key.
      const echoing = () =>
        Promise.reject(
          new AgentRunError("INVALID_API_KEY", `OpenAI refused the API key ${secret}`, {
            status: 401,
            cause: new Error(`bad key ${secret.slice(0, 20)}`),
          }),
        );
      const outcome = await runMessage(runInput("OPENAI", secret, fake), {
        workspace: workspace.path,
        emit: (event) => events.push(event),
        log: (line) => logs.push(line),
        providerCalls: { OPENAI: echoing },
      });

      expect(outcome).toBe("error");
      expect(events).toEqual([
        {
          type: "error",
          code: "INVALID_API_KEY",
          status: 401,
          message: "OpenAI refused the API key [redacted]",
        },
      ]);
      expect(logs.length).toBeGreaterThan(0);
      expect(logs.join("\n")).not.toContain(secret.slice(0, 20));
    } finally {
      await workspace.remove();
    }
  });

  it("refuses a provider the chat agent cannot call, before any request", async () => {
    const workspace = await tempWorkspace();
    try {
      const input = runInput("OPENAI", keys.OPENAI, fake, { provider: "GITHUB_COPILOT" });
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
      const input = runInput("ANTHROPIC", keys.ANTHROPIC, fake);
      const { outcome, events, logs } = await run(input, workspace.path);

      expect(outcome).toBe("done");
      const [usage] = usageOf(events);
      expect(usage!.inputTokens + usage!.cacheReadTokens + usage!.cacheWriteTokens).toBe(
        promptTokensFor(input.text),
      );
      const kept = await readdir(join(workspace.path, ".agentry"));
      expect(kept.some((name) => name.startsWith("conversation.json.corrupt-"))).toBe(true);
      expect(logs.join("\n")).toContain("moved to");
    } finally {
      await workspace.remove();
    }
  });
});
