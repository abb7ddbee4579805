import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeProvider, type FakeProvider } from "../src/index.js";
import { rejectionOf, uniqueKey } from "./helpers.js";

// A ChatGPT sign-in's calls go to ChatGPT's Codex API (`/backend-api/codex/responses`), which
// speaks OpenAI's Responses format with the access token as bearer.

let fake: FakeProvider;

beforeAll(async () => {
  fake = await startFakeProvider();
});

afterAll(async () => {
  await fake.close();
});

const client = (apiKey: string): OpenAI =>
  new OpenAI({ apiKey, baseURL: `${fake.url}/backend-api/codex`, maxRetries: 0 });

describe("ChatGPT's Codex API", () => {
  it("answers a streamed Responses call with the echo and records the access token", async () => {
    const token = uniqueKey("chatgpt-access-");
    fake.addKey(token);
    const stream = await client(token).responses.create({
      model: "gpt-5.4",
      input: "hello codex backend",
      stream: true,
    });
    let text = "";
    for await (const event of stream) {
      if (event.type === "response.output_text.delta") text += event.delta;
    }

    expect(text).toBe("Echo: hello codex backend");
    expect(fake.calls().filter((call) => call.key === token)).toMatchObject([
      { provider: "OPENAI", api: "responses", model: "gpt-5.4", status: 200, completed: true },
    ]);
  });

  it("refuses a token it does not know with OpenAI's 401", async () => {
    const error = await rejectionOf(
      client(uniqueKey("chatgpt-access-")).responses.create({ model: "gpt-5.4", input: "hi" }),
    );
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
  });
});
