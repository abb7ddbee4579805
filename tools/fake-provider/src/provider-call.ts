import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as delay } from "node:timers/promises";
import { parseJson, readBody, sendJson } from "./http-util.js";
import {
  isErrorReply,
  type ErrorReply,
  type ParsedRequest,
  type ProviderAdapter,
  type ReplyChannel,
  type RequestContext,
} from "./providers/adapter.js";
import { computeUsage, echoReply, splitIntoChunks } from "./reply.js";
import { snapshot, type FakeState } from "./state.js";
import type { RecordedCall } from "./types.js";

export interface CallEnvironment {
  state: FakeState;
  maxBodyBytes: number;
  /** Aborted when the server closes, so paused and slow calls stop at once. */
  closing: AbortSignal;
}

const untilAborted = (signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) resolve();
    else
      signal.addEventListener(
        "abort",
        () => {
          resolve();
        },
        { once: true },
      );
  });

/**
 * One provider call, the same steps for every provider: body size, credential, JSON, request
 * shape, queued failures and scripts, then the answer in the adapter's wire format. Every
 * call is recorded, failed ones included, with the credential it carried.
 */
export const handleProviderCall = async <P extends ParsedRequest>(
  adapter: ProviderAdapter<P>,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  env: CallEnvironment,
): Promise<void> => {
  const { state } = env;
  const context: RequestContext = { url, headers: req.headers };
  const credential = adapter.credential(context);
  const fromUrl = adapter.fromUrl?.(url);
  const provider = adapter.recordAs ?? adapter.provider;
  let known: Omit<RecordedCall, "seq" | "at" | "completed" | "status" | "usage" | "text"> = {
    provider,
    api: adapter.api,
    model: fromUrl?.model ?? null,
    key: credential.key,
    auth: credential.auth,
    stream: fromUrl?.stream ?? false,
    prompt: "",
    body: null,
  };
  const fail = (reply: ErrorReply, headers: Record<string, string> = {}): void => {
    const call = state.record({ ...known, status: reply.status, usage: null, text: null });
    sendJson(res, reply.status, reply.body, { ...reply.headers, ...headers });
    call.completed = true;
  };

  const body = await readBody(req, env.maxBodyBytes);
  if (!body.ok) {
    // The rest of the body is not read, so the connection cannot be reused.
    fail(adapter.error({ kind: "too-large" }), { connection: "close" });
    return;
  }
  const authError = adapter.checkAuth(credential, (key) => state.hasKey(key), context);
  if (authError !== null) {
    fail(authError);
    return;
  }
  const json = parseJson(body.body);
  if (json === undefined) {
    fail(adapter.error({ kind: "invalid-json" }));
    return;
  }
  known = { ...known, body: json };
  const parsed = adapter.parse(json, context);
  if (isErrorReply(parsed)) {
    fail(parsed);
    return;
  }
  known = { ...known, model: parsed.model, stream: parsed.stream, prompt: parsed.prompt };

  const failure = state.takeFailure();
  if (failure !== undefined) {
    fail(adapter.error({ kind: "status", status: failure, model: parsed.model }));
    return;
  }
  const step = state.takeStep(provider, adapter.api);
  if (step?.status !== undefined) {
    fail(adapter.error({ kind: "status", status: step.status, model: parsed.model }));
    return;
  }

  const text = step?.text ?? adapter.defaultText?.(parsed) ?? echoReply(parsed.prompt);
  const usage = {
    ...computeUsage({
      provider: adapter.provider,
      model: parsed.model,
      promptWords: parsed.promptWords,
      reply: text,
      cacheControl: parsed.cacheControl,
      thinking: parsed.thinking,
      prefixSeen: state.seePrefix(provider, parsed.model, parsed.prefix),
    }),
    ...step?.usage,
  };
  const call = state.record({ ...known, status: 200, usage, text });
  const chunks = splitIntoChunks(text);
  if (chunks.length === 0) chunks.push("");

  const left = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) left.abort();
  });
  const signal = AbortSignal.any([left.signal, env.closing]);
  const delayMs = step?.delayMs ?? state.delayMs;
  // A hold pauses a stream after its first chunk (so the client has seen it start), and a
  // non-streamed call just before its answer.
  const holdIndex = parsed.stream ? Math.min(1, chunks.length - 1) : 0;
  const channel: ReplyChannel = {
    res,
    async pace(index) {
      if (index === holdIndex && step?.interrupt === "cut") {
        // Drop the connection only once what was written has left, so the client sees it.
        await new Promise<void>((resolve) => {
          res.write("", () => {
            resolve();
          });
        });
        res.destroy();
        return false;
      }
      if (index === holdIndex && step?.interrupt === "stall") {
        await untilAborted(signal);
        return false;
      }
      if (index === holdIndex && !signal.aborted) {
        const hold = state.takeHold(provider, adapter.api);
        if (hold !== undefined) {
          hold.started(snapshot(call));
          await Promise.race([hold.released, untilAborted(signal)]);
        }
      }
      if (delayMs > 0 && !signal.aborted) {
        await delay(delayMs, undefined, { signal }).catch(() => undefined);
      }
      return !signal.aborted;
    },
  };
  const toolCall = step?.toolCall;
  await adapter.reply(
    { text, chunks, usage, ...(toolCall === undefined ? {} : { toolCall }) },
    parsed,
    channel,
  );
  call.completed = res.writableEnded && !signal.aborted;
};
