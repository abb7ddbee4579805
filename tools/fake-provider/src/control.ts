import type { IncomingMessage, ServerResponse } from "node:http";
import { asRecord, isLoopback, parseJson, readBody, sendJson } from "./http-util.js";
import type { FakeApi, FakeCallProvider, FakeUsage, RecordedCall, ScriptStep } from "./types.js";

/** What the control API can do; the in-process `FakeProvider` offers the same. */
export interface FakeControls {
  addKey(key: string): void;
  removeKey(key: string): void;
  calls(): RecordedCall[];
  clearCalls(): void;
  failNext(count: number, status?: number): void;
  script(...steps: ScriptStep[]): void;
  setDelay(ms: number): void;
  reset(): void;
}

/** Routes under `/_fake/`, for out-of-process tests and the demo. */
export const CONTROL_PREFIX = "/_fake/";

const CONTROL_BODY_LIMIT = 1024 * 1024;
const PROVIDERS: readonly FakeCallProvider[] = ["ANTHROPIC", "OPENAI", "GEMINI", "GITHUB_COPILOT"];
const APIS: readonly FakeApi[] = ["messages", "chat", "responses", "generateContent"];
const USAGE_FIELDS: readonly (keyof FakeUsage)[] = [
  "inputTokens",
  "outputTokens",
  "cacheReadTokens",
  "cacheWriteTokens",
  "reasoningTokens",
];

class BadControlRequest extends Error {}

const isCount = (value: unknown): value is number =>
  typeof value === "number" && Number.isInteger(value) && value >= 0;

const optionalCount = (record: Record<string, unknown>, name: string, fallback: number): number => {
  const value = record[name] ?? fallback;
  if (!isCount(value)) throw new BadControlRequest(`${name} must be an integer ≥ 0`);
  return value;
};

const parseStep = (value: unknown): ScriptStep => {
  const record = asRecord(value);
  if (record === undefined) throw new BadControlRequest("a script step must be an object");
  const step: ScriptStep = {};
  const { text, status, delayMs, provider, api, usage, interrupt } = record;
  if (text !== undefined) {
    if (typeof text !== "string") throw new BadControlRequest("text must be a string");
    step.text = text;
  }
  if (status !== undefined) {
    if (!isCount(status)) throw new BadControlRequest("status must be an HTTP status");
    step.status = status;
  }
  if (delayMs !== undefined) {
    if (!isCount(delayMs)) throw new BadControlRequest("delayMs must be an integer ≥ 0");
    step.delayMs = delayMs;
  }
  if (interrupt !== undefined) {
    if (interrupt !== "cut" && interrupt !== "stall") {
      throw new BadControlRequest('interrupt must be "cut" or "stall"');
    }
    step.interrupt = interrupt;
  }
  if (provider !== undefined) {
    const match = PROVIDERS.find((name) => name === provider);
    if (match === undefined)
      throw new BadControlRequest(`provider must be one of ${PROVIDERS.join(", ")}`);
    step.provider = match;
  }
  if (api !== undefined) {
    const match = APIS.find((name) => name === api);
    if (match === undefined) throw new BadControlRequest(`api must be one of ${APIS.join(", ")}`);
    step.api = match;
  }
  if (usage !== undefined) {
    const usageRecord = asRecord(usage);
    if (usageRecord === undefined) throw new BadControlRequest("usage must be an object");
    const parsed: Partial<FakeUsage> = {};
    for (const field of USAGE_FIELDS) {
      const count = usageRecord[field];
      if (count === undefined) continue;
      if (!isCount(count)) throw new BadControlRequest(`usage.${field} must be an integer ≥ 0`);
      parsed[field] = count;
    }
    step.usage = parsed;
  }
  return step;
};

const readJson = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
  const body = await readBody(req, CONTROL_BODY_LIMIT);
  if (!body.ok) throw new BadControlRequest("body too large");
  if (body.body.length === 0) return {};
  const record = asRecord(parseJson(body.body));
  if (record === undefined) throw new BadControlRequest("body must be a JSON object");
  return record;
};

const noContent = (res: ServerResponse): void => {
  res.writeHead(204);
  res.end();
};

/**
 * The control API (loopback callers only):
 * `POST /_fake/keys {key}`, `DELETE /_fake/keys/{key}`, `GET /_fake/calls`,
 * `DELETE /_fake/calls`, `POST /_fake/fail {count?, status?}`, `POST /_fake/script {steps}`,
 * `POST /_fake/delay {ms}`, `POST /_fake/reset`.
 */
export const handleControl = async (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  controls: FakeControls,
): Promise<void> => {
  if (!isLoopback(req)) {
    sendJson(res, 403, { error: "the control API answers loopback callers only" });
    return;
  }
  const route = `${req.method ?? ""} ${url.pathname.slice(CONTROL_PREFIX.length - 1)}`;
  try {
    if (route === "POST /keys") {
      const { key } = await readJson(req);
      if (typeof key !== "string" || key === "")
        throw new BadControlRequest("key must be a non-empty string");
      controls.addKey(key);
      noContent(res);
    } else if (req.method === "DELETE" && url.pathname.startsWith(`${CONTROL_PREFIX}keys/`)) {
      controls.removeKey(decodeURIComponent(url.pathname.slice(`${CONTROL_PREFIX}keys/`.length)));
      noContent(res);
    } else if (route === "GET /calls") {
      sendJson(res, 200, { calls: controls.calls() });
    } else if (route === "DELETE /calls") {
      controls.clearCalls();
      noContent(res);
    } else if (route === "POST /fail") {
      const body = await readJson(req);
      const count = optionalCount(body, "count", 1);
      const status = optionalCount(body, "status", 429);
      if (status < 400 || status > 599) throw new BadControlRequest("status must be 400–599");
      controls.failNext(count, status);
      noContent(res);
    } else if (route === "POST /script") {
      const body = await readJson(req);
      const steps = Array.isArray(body["steps"]) ? body["steps"] : [body];
      const parsed = steps.map(parseStep);
      if (
        parsed.some((step) => step.status !== undefined && (step.status < 400 || step.status > 599))
      ) {
        throw new BadControlRequest("a scripted status must be 400–599");
      }
      controls.script(...parsed);
      noContent(res);
    } else if (route === "POST /delay") {
      controls.setDelay(optionalCount(await readJson(req), "ms", 0));
      noContent(res);
    } else if (route === "POST /reset") {
      controls.reset();
      noContent(res);
    } else {
      sendJson(res, 404, { error: `no control route ${route}` });
    }
  } catch (error) {
    if (!(error instanceof BadControlRequest)) throw error;
    sendJson(res, 400, { error: error.message });
  }
};
