import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeProvider, type FakeProvider } from "../src/index.js";
import { uniqueKey } from "./helpers.js";

let fake: FakeProvider;
const key = uniqueKey("sk-proj-");

beforeAll(async () => {
  fake = await startFakeProvider({ keys: [key] });
});

afterAll(async () => {
  await fake.close();
});

const client = (): OpenAI => new OpenAI({ apiKey: key, baseURL: fake.baseUrls.openai });
const toolCall = { name: "exec_command", arguments: { cmd: "ls -la" } };

describe("a scripted function call (OpenAI Responses)", () => {
  it("answers a non-streamed request with the function call instead of text", async () => {
    fake.script({ provider: "OPENAI", api: "responses", toolCall });
    const response = await client().responses.create({ model: "gpt-5-mini", input: "list" });

    expect(response.output).toMatchObject([
      {
        type: "function_call",
        status: "completed",
        name: "exec_command",
        call_id: expect.stringMatching(/^call_/) as string,
      },
    ]);
    const [item] = response.output;
    expect(item?.type === "function_call" ? JSON.parse(item.arguments) : null).toEqual({
      cmd: "ls -la",
    });
  });

  it("streams the call's events in the real order, and the next request gets text again", async () => {
    fake.script({ provider: "OPENAI", api: "responses", toolCall });
    const stream = await client().responses.create({
      model: "gpt-5-mini",
      input: "list",
      stream: true,
    });
    const types: string[] = [];
    let done: unknown;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.output_item.done") done = event.item;
    }

    expect(types).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(done).toMatchObject({ type: "function_call", name: "exec_command" });
    const next = await client().responses.create({ model: "gpt-5-mini", input: "again" });
    expect(next.output_text).toBe("Echo: again");
  });
});
