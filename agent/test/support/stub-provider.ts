import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// A minimal stand-in for @agentry/fake-provider (tools/fake-provider) until that lands: the
// three providers' real streaming wire formats and error bodies, keys checked like the real
// ones. Its refusals echo the credential presented (worse than any real provider) so tests
// prove the agent scrubs it.

export type StubProvider = "ANTHROPIC" | "OPENAI" | "GEMINI";

export interface StubCall {
  provider: StubProvider;
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export interface Stub {
  /** Root URL; Anthropic and Gemini base URLs are this, OpenAI's is `${url}/v1`. */
  url: string;
  calls: () => StubCall[];
  /** The next `count` calls fail with `status` and the provider's error body. */
  failNext: (count: number, status: number) => void;
  /** The next call sends its first event (with usage, where the format has it) and hangs up. */
  cutNextStream: () => void;
  /** The next call sends its first event and then nothing, keeping the connection open. */
  stallNextStream: () => void;
  close: () => Promise<void>;
}

/** The reply every call streams, in these pieces. */
export const REPLY_CHUNKS = ["Hello", " from", " the", " stub."];
export const REPLY = REPLY_CHUNKS.join("");

/** The usage every stubbed call reports, in each provider's own fields. */
export const STUB_USAGE = {
  ANTHROPIC: { input: 11, cacheRead: 5, cacheWrite: 3, output: 7, thinking: 2 },
  OPENAI: { prompt: 20, cached: 8, completion: 9, reasoning: 4 },
  GEMINI: { prompt: 30, cached: 10, candidates: 6, thoughts: 2 },
} as const;

export const STUB_MODEL_VERSION = { ANTHROPIC: "-20990101", OPENAI: "-2099-01-01", GEMINI: "-001" };

const sse = (res: ServerResponse, data: unknown, event?: string): void => {
  res.write(`${event ? `event: ${event}\n` : ""}data: ${JSON.stringify(data)}\n\n`);
};

/** How the next stream breaks after its first event, if it does. */
type Break = "cut" | "stall" | undefined;

/** Drops the connection once what was written has left (a broken stream), or goes silent. */
function hangUp(res: ServerResponse, how: "cut" | "stall"): void {
  if (how === "cut") res.write("", () => res.destroy());
}

function errorBody(provider: StubProvider, status: number, presented: string): unknown {
  if (provider === "ANTHROPIC") {
    const type =
      status === 401
        ? "authentication_error"
        : status === 429
          ? "rate_limit_error"
          : status === 529
            ? "overloaded_error"
            : "api_error";
    return { type: "error", error: { type, message: `refused (credential ${presented})` } };
  }
  if (provider === "OPENAI") {
    return {
      error: {
        message:
          status === 401
            ? `Incorrect API key provided: ${presented.slice(0, 6)}****${presented.slice(-4)} (${presented})`
            : status === 429
              ? "Rate limit reached for requests"
              : "The server had an error",
        type: status === 429 ? "requests" : "invalid_request_error",
        param: null,
        code: status === 401 ? "invalid_api_key" : status === 429 ? "rate_limit_exceeded" : null,
      },
    };
  }
  return {
    error: {
      code: status,
      message:
        status === 400
          ? `API key not valid. Please pass a valid API key. (${presented})`
          : status === 429
            ? "Resource has been exhausted (e.g. check quota)."
            : "Internal error encountered.",
      status:
        status === 400 ? "INVALID_ARGUMENT" : status === 429 ? "RESOURCE_EXHAUSTED" : "INTERNAL",
      ...(status === 400
        ? {
            details: [
              {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                reason: "API_KEY_INVALID",
                domain: "googleapis.com",
              },
            ],
          }
        : {}),
    },
  };
}

function presentedCredential(provider: StubProvider, headers: IncomingHttpHeaders): string {
  if (provider === "GEMINI") return String(headers["x-goog-api-key"] ?? "");
  const apiKey = headers["x-api-key"];
  if (typeof apiKey === "string") return apiKey;
  return (headers.authorization ?? "").replace(/^Bearer\s+/i, "");
}

function routeOf(method: string | undefined, path: string): StubProvider | undefined {
  if (method !== "POST") return undefined;
  if (path === "/v1/messages") return "ANTHROPIC";
  if (path === "/v1/chat/completions") return "OPENAI";
  if (/^\/v1beta\/models\/[^/]+:streamGenerateContent$/.test(path)) return "GEMINI";
  return undefined;
}

export async function startStubProvider({ keys }: { keys: readonly string[] }): Promise<Stub> {
  const recorded: StubCall[] = [];
  const failures: number[] = [];
  let breakNext: Break = undefined;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://stub");
      const provider = routeOf(req.method, url.pathname);
      if (!provider) {
        res.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
      recorded.push({ provider, path: url.pathname, headers: req.headers, body });

      const presented = presentedCredential(provider, req.headers);
      const failure = failures.shift();
      const status =
        failure ?? (keys.includes(presented) ? 200 : provider === "GEMINI" ? 400 : 401);
      if (status !== 200) {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(errorBody(provider, status, presented)));
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      const cut = breakNext;
      breakNext = undefined;
      const model =
        typeof body["model"] === "string"
          ? body["model"]
          : (url.pathname.split("/").pop()?.split(":")[0] ?? "unknown");
      if (provider === "ANTHROPIC") streamAnthropic(res, model, cut);
      else if (provider === "OPENAI") streamOpenAI(res, model, cut);
      else streamGemini(res, model, cut);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls: () => recorded.map((call) => ({ ...call })),
    failNext: (count, status) => {
      for (let i = 0; i < count; i++) failures.push(status);
    },
    cutNextStream: () => {
      breakNext = "cut";
    },
    stallNextStream: () => {
      breakNext = "stall";
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
      });
    },
  };
}

function streamAnthropic(res: ServerResponse, model: string, cut: Break): void {
  const u = STUB_USAGE.ANTHROPIC;
  sse(
    res,
    {
      type: "message_start",
      message: {
        id: "msg_stub",
        type: "message",
        role: "assistant",
        model: `${model}${STUB_MODEL_VERSION.ANTHROPIC}`,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: u.input,
          cache_read_input_tokens: u.cacheRead,
          cache_creation_input_tokens: u.cacheWrite,
          output_tokens: 1,
        },
      },
    },
    "message_start",
  );
  if (cut) {
    hangUp(res, cut);
    return;
  }
  sse(
    res,
    { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    "content_block_start",
  );
  sse(res, { type: "ping" }, "ping");
  for (const text of REPLY_CHUNKS) {
    sse(
      res,
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text } },
      "content_block_delta",
    );
  }
  sse(res, { type: "content_block_stop", index: 0 }, "content_block_stop");
  sse(
    res,
    {
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: {
        input_tokens: u.input,
        cache_read_input_tokens: u.cacheRead,
        cache_creation_input_tokens: u.cacheWrite,
        output_tokens: u.output,
        output_tokens_details: { thinking_tokens: u.thinking },
      },
    },
    "message_delta",
  );
  sse(res, { type: "message_stop" }, "message_stop");
  res.end();
}

function streamOpenAI(res: ServerResponse, model: string, cut: Break): void {
  const u = STUB_USAGE.OPENAI;
  const base = {
    id: "chatcmpl-stub",
    object: "chat.completion.chunk",
    created: 1,
    model: `${model}${STUB_MODEL_VERSION.OPENAI}`,
  };
  sse(res, {
    ...base,
    choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }],
    usage: null,
  });
  if (cut) {
    hangUp(res, cut);
    return;
  }
  for (const content of REPLY_CHUNKS) {
    sse(res, {
      ...base,
      choices: [{ index: 0, delta: { content }, finish_reason: null }],
      usage: null,
    });
  }
  sse(res, { ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }], usage: null });
  sse(res, {
    ...base,
    choices: [],
    usage: {
      prompt_tokens: u.prompt,
      completion_tokens: u.completion,
      total_tokens: u.prompt + u.completion,
      prompt_tokens_details: { cached_tokens: u.cached },
      completion_tokens_details: { reasoning_tokens: u.reasoning },
    },
  });
  res.end("data: [DONE]\n\n");
}

function streamGemini(res: ServerResponse, model: string, cut: Break): void {
  const u = STUB_USAGE.GEMINI;
  const usageMetadata = {
    promptTokenCount: u.prompt,
    cachedContentTokenCount: u.cached,
    candidatesTokenCount: u.candidates,
    thoughtsTokenCount: u.thoughts,
    totalTokenCount: u.prompt + u.candidates + u.thoughts,
  };
  for (const [index, text] of REPLY_CHUNKS.entries()) {
    const last = index === REPLY_CHUNKS.length - 1;
    sse(res, {
      candidates: [
        {
          content: { role: "model", parts: [{ text }] },
          index: 0,
          ...(last ? { finishReason: "STOP" } : {}),
        },
      ],
      usageMetadata: last ? usageMetadata : { promptTokenCount: u.prompt },
      modelVersion: `${model}${STUB_MODEL_VERSION.GEMINI}`,
      responseId: "stub",
    });
    if (cut) {
      hangUp(res, cut);
      return;
    }
  }
  res.end();
}
