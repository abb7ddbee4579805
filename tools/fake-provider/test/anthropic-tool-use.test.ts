import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeProvider, type FakeProvider } from "../src/index.js";
import { uniqueKey } from "./helpers.js";

let fake: FakeProvider;
let client: Anthropic;

beforeAll(async () => {
  const key = uniqueKey("sk-ant-api03-");
  fake = await startFakeProvider({ keys: [key] });
  client = new Anthropic({ apiKey: key, baseURL: fake.url, maxRetries: 0 });
});

afterAll(async () => {
  await fake.close();
});

const request = {
  model: "claude-sonnet-4-6",
  max_tokens: 100,
  messages: [{ role: "user" as const, content: "list the files" }],
};

describe("a scripted toolCall on Anthropic's Messages API", () => {
  it("streams a tool_use block whose input the SDK puts together, stopping for the tool", async () => {
    fake.script({
      provider: "ANTHROPIC",
      toolCall: { name: "Bash", arguments: { command: "ls -la", description: "List files" } },
      usage: { inputTokens: 30, outputTokens: 12, cacheReadTokens: 5 },
    });
    const message = await client.messages.stream(request).finalMessage();

    expect(message.stop_reason).toBe("tool_use");
    expect(message.content).toMatchObject([
      {
        type: "tool_use",
        name: "Bash",
        input: { command: "ls -la", description: "List files" },
        id: expect.stringMatching(/^toolu_01/) as string,
      },
    ]);
    expect(message.usage).toMatchObject({
      input_tokens: 30,
      output_tokens: 12,
      cache_read_input_tokens: 5,
    });
  });

  it("answers without streaming too, and the next call gets text again", async () => {
    fake.script({
      provider: "ANTHROPIC",
      toolCall: { name: "Read", arguments: { file_path: "a" } },
    });
    const message = await client.messages.create(request);
    expect(message.stop_reason).toBe("tool_use");
    expect(message.content).toMatchObject([
      { type: "tool_use", name: "Read", input: { file_path: "a" } },
    ]);

    const next = await client.messages.create(request);
    expect(next.content).toEqual([{ type: "text", text: "Echo: list the files" }]);
  });
});
