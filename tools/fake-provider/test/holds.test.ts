import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeProvider, type FakeProvider } from "../src/index.js";
import { rejectionOf, uniqueKey } from "./helpers.js";

let fake: FakeProvider;

beforeAll(async () => {
  fake = await startFakeProvider();
});

afterAll(async () => {
  await fake.close();
});

const anthropic = (apiKey: string, url = fake.url): Anthropic =>
  new Anthropic({ apiKey, authToken: null, baseURL: url, maxRetries: 0 });

const openai = (apiKey: string): OpenAI =>
  new OpenAI({ apiKey, baseURL: fake.baseUrls.openai, maxRetries: 0 });

const ask = (client: Anthropic, content: string) =>
  client.messages.create({
    model: "claude-sonnet-5",
    max_tokens: 50,
    messages: [{ role: "user", content }],
  });

describe("holds and the slow mode", () => {
  it("holds a stream after its first delta, so a key changed meanwhile applies to the next call only", async () => {
    const oldKey = uniqueKey("sk-ant-api03-");
    const newKey = uniqueKey("sk-ant-api03-");
    fake.addKey(oldKey);
    const held = fake.hold({ provider: "ANTHROPIC" });
    const stream = anthropic(oldKey).messages.stream({
      model: "claude-sonnet-5",
      max_tokens: 50,
      messages: [{ role: "user", content: "a long answer" }],
    });
    const firstDelta = new Promise<string>((resolve) => stream.once("text", resolve));

    const started = await held.started;
    expect(started).toMatchObject({ key: oldKey, stream: true, completed: false });
    expect(await firstDelta).toBe("Echo:");
    fake.removeKey(oldKey);
    fake.addKey(newKey);
    expect(fake.calls().find((call) => call.seq === started.seq)?.completed).toBe(false);
    held.release();

    const message = await stream.finalMessage();
    expect(message.content).toMatchObject([{ type: "text", text: "Echo: a long answer" }]);
    expect(fake.calls().find((call) => call.seq === started.seq)?.completed).toBe(true);
    expect(await rejectionOf(ask(anthropic(oldKey), "next"))).toBeInstanceOf(
      Anthropic.AuthenticationError,
    );
    expect((await ask(anthropic(newKey), "next")).content).toEqual([
      { type: "text", text: "Echo: next" },
    ]);
  });

  it("holds a non-streamed call before its answer", async () => {
    const key = uniqueKey("sk-proj-");
    fake.addKey(key);
    const held = fake.hold({ api: "chat" });
    let answered = false;
    const pending = openai(key)
      .chat.completions.create({
        model: "gpt-4.1",
        messages: [{ role: "user", content: "wait for it" }],
      })
      .then((completion) => {
        answered = true;
        return completion;
      });

    expect(await held.started).toMatchObject({ key, stream: false });
    expect(answered).toBe(false);
    held.release();
    expect((await pending).choices[0]?.message.content).toBe("Echo: wait for it");
  });

  it("paces every streamed chunk with a scripted delay", async () => {
    const key = uniqueKey("sk-ant-api03-");
    fake.addKey(key);
    fake.script({ provider: "ANTHROPIC", delayMs: 40 });
    const began = performance.now();
    const stream = anthropic(key).messages.stream({
      model: "claude-sonnet-5",
      max_tokens: 50,
      messages: [{ role: "user", content: "slow down please" }],
    });
    const message = await stream.finalMessage();

    // Four chunks ("Echo:", " slow", " down", " please"), each after 40 ms.
    expect(performance.now() - began).toBeGreaterThanOrEqual(4 * 40 - 5);
    expect(message.content).toMatchObject([{ type: "text", text: "Echo: slow down please" }]);
  });

  it("cuts a stream after its first delta when scripted to, so the SDK sees a broken stream", async () => {
    const key = uniqueKey("sk-ant-api03-");
    fake.addKey(key);
    fake.script({ provider: "ANTHROPIC", interrupt: "cut" });
    const stream = anthropic(key).messages.stream({
      model: "claude-sonnet-5",
      max_tokens: 50,
      messages: [{ role: "user", content: "cut me off" }],
    });
    const deltas: string[] = [];
    stream.on("text", (delta) => deltas.push(delta));

    expect(await rejectionOf(stream.finalMessage())).toBeInstanceOf(Error);
    expect(deltas).toEqual(["Echo:"]);
    expect(fake.calls().filter((call) => call.key === key)).toMatchObject([
      { status: 200, completed: false },
    ]);
  });

  it("stalls a stream after its first delta when scripted to, until the server closes", async () => {
    const key = uniqueKey("sk-ant-api03-");
    const stalling = await startFakeProvider({ keys: [key] });
    stalling.script({ interrupt: "stall" });
    const stream = anthropic(key, stalling.url).messages.stream({
      model: "claude-sonnet-5",
      max_tokens: 50,
      messages: [{ role: "user", content: "then silence" }],
    });
    const outcome = stream.finalMessage();
    const deltas: string[] = [];
    const firstDelta = new Promise<void>((resolve) =>
      stream.on("text", (delta) => {
        deltas.push(delta);
        resolve();
      }),
    );
    await firstDelta;
    await stalling.close();

    expect(await rejectionOf(outcome)).toBeInstanceOf(Error);
    expect(deltas).toEqual(["Echo:"]);
  });

  it("cuts a held call off when the server closes instead of hanging", async () => {
    const key = uniqueKey("sk-ant-api03-");
    const closing = await startFakeProvider({ keys: [key] });
    const held = closing.hold();
    const stream = anthropic(key, closing.url).messages.stream({
      model: "claude-sonnet-5",
      max_tokens: 50,
      messages: [{ role: "user", content: "never finished" }],
    });
    const outcome = stream.finalMessage();
    await held.started;
    await closing.close();

    expect(await rejectionOf(outcome)).toBeInstanceOf(Error);
    expect(closing.calls()).toMatchObject([{ key, completed: false }]);
  });
});
