import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { CONTROL_PREFIX, handleControl, type FakeControls } from "./control.js";
import { sendJson } from "./http-util.js";
import { listModels } from "./models.js";
import { OAuthGrants, type RefreshTokenOptions, type TokenRefresh } from "./oauth.js";
import { handleProviderCall, type CallEnvironment } from "./provider-call.js";
import {
  DEVICE_TOKEN_PATH,
  DEVICE_USERCODE_PATH,
  SignInGrants,
  type CodeAuthorization,
  type CodeExchange,
  type DeviceAuthorizationOptions,
  type DeviceOutcome,
  type DevicePoll,
} from "./sign-in-grants.js";
import type { ParsedRequest, ProviderAdapter } from "./providers/adapter.js";
import { anthropicMessages, looksLikeAnthropic } from "./providers/anthropic.js";
import { copilotRoutes } from "./providers/copilot.js";
import { GEMINI_PATH, geminiGenerateContent } from "./providers/gemini.js";
import { openAiChat } from "./providers/openai-chat.js";
import { openAiResponses } from "./providers/openai-responses.js";
import { FakeState } from "./state.js";
import type { CallFilter, HeldCall, RecordedCall, ScriptStep } from "./types.js";

export interface FakeProviderOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1. The control API answers loopback callers only, whatever the host. */
  host?: string;
  /** Credentials it accepts (API keys and subscription tokens alike). */
  keys?: Iterable<string>;
  /** Larger request bodies get the provider's "too large" error. Defaults to 10 MiB. */
  maxBodyBytes?: number;
  /** Told about unexpected failures inside the fake (answered with a 500). */
  onError?: (error: unknown) => void;
}

/** A running fake provider. */
export interface FakeProvider extends FakeControls {
  /** `http://host:port`: ANTHROPIC_BASE_URL and GEMINI_BASE_URL. */
  readonly url: string;
  readonly port: number;
  /** The base URL each SDK expects (OpenAI's ends in `/v1`). */
  readonly baseUrls: {
    readonly anthropic: string;
    readonly openai: string;
    readonly gemini: string;
    /** GitHub's API for the Copilot CLI (`COPILOT_DEBUG_GITHUB_API_URL`); Copilot's model API is under `/copilot`. */
    readonly githubCopilot: string;
  };
  /** Stops the server; calls in flight are cut off and holds released. */
  close(): Promise<void>;
  /** Recorded calls, oldest first, optionally for one provider or API. */
  calls(filter?: CallFilter): RecordedCall[];
  /** The next `count` calls fail with `status` (default 429) in the provider's own shape. */
  failNext(count: number, status?: number): void;
  /** Queues scripted answers (FIFO); each is used by the next call that matches its filter. */
  script(...steps: ScriptStep[]): void;
  /** Slow mode: a pause before every streamed chunk (0 turns it off). */
  setDelay(ms: number): void;
  /** Pauses the next matching call once it has started, until released. */
  hold(filter?: CallFilter): HeldCall;
  /** Accepts this refresh token (once: refreshing rotates it) at `POST …/oauth/token`. */
  addRefreshToken(token: string, options?: RefreshTokenOptions): void;
  /** Requests to `…/oauth/token`, oldest first. Refresh tokens and this log survive `reset()`. */
  tokenRefreshes(): TokenRefresh[];
  /** How OpenAI's device sign-in (`POST /api/accounts/deviceauth/usercode`) answers from now on (lifetime, interval, minted tokens). */
  setDeviceOptions(options: DeviceAuthorizationOptions): void;
  /** How the device code with this user code answers its polls, in order (the last repeats). */
  scriptDevice(userCode: string, outcomes: readonly DeviceOutcome[]): void;
  /** Polls of `POST /api/accounts/deviceauth/token`, oldest first. */
  devicePolls(): DevicePoll[];
  /** Plays the user approving at the authorize URL: the code the callback page would show. */
  authorizeCode(authorization: CodeAuthorization): string;
  /** authorization_code grant requests, oldest first. */
  codeExchanges(): CodeExchange[];
}

type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Starts a fake Anthropic, OpenAI and Gemini API on one port. */
export const startFakeProvider = async (
  options: FakeProviderOptions = {},
): Promise<FakeProvider> => {
  const state = new FakeState(options.keys ?? []);
  const closing = new AbortController();
  const env: CallEnvironment = {
    state,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    closing: closing.signal,
  };
  const call =
    <P extends ParsedRequest>(adapter: ProviderAdapter<P>): Route =>
    (req, res, url) =>
      handleProviderCall(adapter, req, res, url, env);
  const routes: Readonly<Record<string, Route>> = {
    "POST /v1/messages": call(anthropicMessages),
    "POST /v1/chat/completions": call(openAiChat),
    "POST /v1/responses": call(openAiResponses),
    // ChatGPT's Codex API, where a ChatGPT sign-in's calls go (OpenCode's address is hard-coded).
    "POST /backend-api/codex/responses": call(openAiResponses),
    ...copilotRoutes(call, state),
  };
  const geminiCall = call(geminiGenerateContent);
  const oauth = new OAuthGrants((key) => {
    state.addKey(key);
  });
  let serverUrl = "";
  const signIn = new SignInGrants(oauth, () => serverUrl);

  const controls: FakeControls = {
    addKey: (key) => {
      state.addKey(key);
    },
    removeKey: (key) => {
      state.removeKey(key);
    },
    calls: (filter: CallFilter = {}) => state.calls(filter),
    clearCalls: () => {
      state.clearCalls();
    },
    failNext: (count, status = 429) => {
      state.failNext(count, status);
    },
    script: (...steps) => {
      state.script(steps);
    },
    setDelay: (ms) => {
      if (!Number.isInteger(ms) || ms < 0) throw new RangeError("delay must be an integer ≥ 0");
      state.delayMs = ms;
    },
    reset: () => {
      state.reset();
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://fake-provider.invalid");
    const path = url.pathname.replace(/\/+$/, "") || "/";
    // Claude Code probes hosts with HEAD; any path answers.
    if (req.method === "HEAD") {
      res.writeHead(200);
      res.end();
      return;
    }
    if (url.pathname.startsWith(CONTROL_PREFIX)) {
      await handleControl(req, res, url, controls);
      return;
    }
    if (req.method === "POST" && path === DEVICE_USERCODE_PATH) {
      await signIn.deviceAuthorization(req, res);
      return;
    }
    if (req.method === "POST" && path === DEVICE_TOKEN_PATH) {
      await signIn.devicePoll(req, res);
      return;
    }
    if (req.method === "POST" && /^(\/v1)?\/oauth\/token$/.test(path)) {
      await oauth.handle(req, res);
      return;
    }
    const route = routes[`${req.method ?? ""} ${path}`];
    if (route !== undefined) {
      await route(req, res, url);
      return;
    }
    if (req.method === "POST" && GEMINI_PATH.test(path)) {
      await geminiCall(req, res, url);
      return;
    }
    const context = { url, headers: req.headers };
    if (req.method === "GET" && path === "/v1/models") {
      listModels(looksLikeAnthropic(context) ? anthropicMessages : openAiChat, context, res, state);
      return;
    }
    if (req.method === "GET" && /^\/(v1|v1beta|v1alpha)\/models$/.test(path)) {
      listModels(geminiGenerateContent, context, res, state);
      return;
    }
    sendJson(res, 404, {
      error: {
        message: `The fake provider has no route ${req.method ?? ""} ${url.pathname}`,
        type: "not_found",
      },
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.onError?.(error);
      if (!res.headersSent)
        sendJson(res, 500, { error: { message: "fake provider failure", type: "api_error" } });
      else res.destroy();
    });
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  serverUrl = url;

  return {
    ...controls,
    url,
    port,
    baseUrls: { anthropic: url, openai: `${url}/v1`, gemini: url, githubCopilot: url },
    calls: (filter: CallFilter = {}) => state.calls(filter),
    hold: (filter: CallFilter = {}) => state.hold(filter),
    addRefreshToken: (token, refreshOptions) => {
      oauth.addRefreshToken(token, refreshOptions);
    },
    tokenRefreshes: () => oauth.refreshes(),
    setDeviceOptions: (deviceOptions) => {
      signIn.setDeviceOptions(deviceOptions);
    },
    scriptDevice: (userCode, outcomes) => {
      signIn.scriptDevice(userCode, outcomes);
    },
    devicePolls: () => signIn.devicePolls(),
    authorizeCode: (authorization) => signIn.authorizeCode(authorization),
    codeExchanges: () => signIn.codeExchanges(),
    close: async () => {
      state.releaseHolds();
      closing.abort();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
        server.closeAllConnections();
      });
    },
  };
};
