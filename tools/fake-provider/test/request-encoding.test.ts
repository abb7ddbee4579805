import { brotliCompressSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeProvider, type FakeProvider } from "../src/index.js";
import { uniqueKey } from "./helpers.js";

let fake: FakeProvider;

beforeAll(async () => {
  fake = await startFakeProvider({ maxBodyBytes: 4096 });
});

afterAll(async () => {
  await fake.close();
});

const TEXT = `compressed hello ${"again and again ".repeat(40).trim()}`;
const BODY = JSON.stringify({
  model: "gpt-5-mini",
  stream: false,
  input: [{ role: "user", content: [{ type: "input_text", text: TEXT }] }],
});
// BODY compressed by `zstd -3` (Node 20's zlib cannot compress zstd): Huffman and FSE coded
// blocks, as Codex sends them.
const BODY_ZSTD = Buffer.from(
  "KLUv/WT7AX0DABKHFhiAtzrGA5twGsWHwkbaEn8mpPSqFI0jspeveMXz0SyK8siyUvqgnDv3xtQyjDZewjfACqtfXYaN2x1i9NNqTgDoRZgim7uUArTKt3U2RorUQAzLDqPTz1JOAgYAa2ZWQAs5lWOnOoA1RGPTDCQff8M=",
  "base64",
);

const post = (key: string, body: Buffer, encoding: string): Promise<Response> =>
  fetch(`${fake.baseUrls.openai}/responses`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${key}`,
      "content-type": "application/json",
      "content-encoding": encoding,
    },
    body,
  });

describe("compressed request bodies", () => {
  it.each([
    ["zstd", BODY_ZSTD],
    ["gzip", gzipSync(BODY)],
    ["br", brotliCompressSync(BODY)],
  ])("reads a %s body like a plain one", async (encoding, body) => {
    const key = uniqueKey("sk-proj-");
    fake.addKey(key);
    const response = await post(key, body, encoding);

    expect(response.status).toBe(200);
    const answer = (await response.json()) as { output: { content: { text: string }[] }[] };
    expect(answer.output[0]?.content[0]?.text).toBe(`Echo: ${TEXT}`);
    expect(fake.calls().filter((call) => call.key === key)).toMatchObject([
      { status: 200, prompt: TEXT },
    ]);
  });

  it("refuses a body that is not what its content-encoding says, as malformed JSON", async () => {
    const key = uniqueKey("sk-proj-");
    fake.addKey(key);
    const response = await post(key, Buffer.from(BODY), "zstd");

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { type: "invalid_request_error" } });
  });

  it("refuses a small body that decompresses past the size cap", async () => {
    const key = uniqueKey("sk-proj-");
    fake.addKey(key);
    const padded = JSON.stringify({ model: "gpt-5-mini", input: " ".repeat(10_000) });
    const response = await post(key, gzipSync(padded), "gzip");

    expect(response.status).toBe(413);
  });
});
