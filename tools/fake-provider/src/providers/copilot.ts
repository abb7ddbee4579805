import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson } from "../http-util.js";
import type { FakeState } from "../state.js";
import type { FakeUsage } from "../types.js";
import type { ParsedRequest, ProviderAdapter, RequestContext } from "./adapter.js";
import { anthropicMessages } from "./anthropic.js";
import { openAiChat } from "./openai-chat.js";
import { openAiResponses } from "./openai-responses.js";
import { openAiCheckAuth, openAiCredential } from "./openai-shared.js";

// GitHub Copilot as its CLI reaches it. GitHub's API (`GET /copilot_internal/user`, GitHub
// token as bearer) says whose token it is and where Copilot's model API is (`endpoints.api`:
// here `<fake>/copilot`). The model API lists models and takes OpenAI Responses, Chat
// Completions and Anthropic Messages calls, again with the GitHub token as bearer (no token
// exchange). Calls are recorded as provider GITHUB_COPILOT with the token they carried.

/** Where the fake's Copilot model API lives (its `endpoints.api`). */
export const COPILOT_API_PATH = "/copilot";

type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;
type CallRoute = <P extends ParsedRequest>(adapter: ProviderAdapter<P>) => Route;

/** Copilot's catalog: the CLI offers only these (`--model` must name one). */
const COPILOT_MODELS = [
  "gpt-5-mini",
  "gpt-5.4",
  "gpt-5.4-mini",
  "gpt-4.1",
  "claude-sonnet-4.5",
  "claude-haiku-4.5",
];

const copilotModel = (id: string) => {
  const anthropic = id.startsWith("claude-");
  return {
    id,
    name: id,
    object: "model",
    vendor: anthropic ? "Anthropic" : "Azure OpenAI",
    version: id,
    preview: false,
    model_picker_enabled: true,
    capabilities: {
      family: id,
      type: "chat",
      object: "model_capabilities",
      tokenizer: "o200k_base",
      limits: {
        max_context_window_tokens: 200_000,
        max_prompt_tokens: 128_000,
        max_output_tokens: 16_000,
      },
      supports: { streaming: true, tool_calls: true, parallel_tool_calls: true },
    },
    policy: { state: "enabled", terms: "" },
    billing: { is_premium: true, multiplier: 1 },
    // The CLI calls the first of /responses or /v1/messages a model lists.
    supported_endpoints: anthropic
      ? ["/v1/messages", "/chat/completions"]
      : ["/responses", "/chat/completions"],
  };
};

/** The bearer token of a GitHub API call (`token <t>` is GitHub's older spelling). */
const githubToken = ({ headers }: RequestContext): string | null => {
  const match = /^(?:Bearer|token)\s+(.+)$/i.exec(headers.authorization ?? "");
  return match?.[1]?.trim() ?? null;
};

const githubError = (res: ServerResponse, status: number, message: string): void => {
  sendJson(res, status, {
    message,
    documentation_url: "https://docs.github.com/rest",
    status: String(status),
  });
};

/**
 * The AI credits the fake charges a Copilot call, in nano-AIU (10⁻⁹ AI credit; an AI credit is
 * $0.01): 250 per input or cache-write token, 25 per cache-read token, 2 000 per output token.
 */
export const copilotNanoAiu = (usage: FakeUsage): number =>
  250 * (usage.inputTokens + usage.cacheWriteTokens) +
  25 * usage.cacheReadTokens +
  2000 * usage.outputTokens;

// Copilot's model API reports each call's charge beside the OpenAI usage, as `copilot_usage`
// at the top of `response.completed` (where the CLI reads it).
const copilotResponses: typeof openAiResponses = {
  ...openAiResponses,
  recordAs: "GITHUB_COPILOT",
  reply: (plan, parsed, channel) =>
    openAiResponses.reply(
      {
        ...plan,
        extra: {
          copilot_usage: {
            total_nano_aiu: copilotNanoAiu(plan.usage),
            token_details: [
              {
                token_type: "input",
                token_count: plan.usage.inputTokens,
                batch_size: 1,
                cost_per_batch: 250,
              },
              {
                token_type: "cache_read",
                token_count: plan.usage.cacheReadTokens,
                batch_size: 1,
                cost_per_batch: 25,
              },
              {
                token_type: "output",
                token_count: plan.usage.outputTokens,
                batch_size: 1,
                cost_per_batch: 2000,
              },
            ],
          },
        },
      },
      parsed,
      channel,
    ),
};

const copilotChat: typeof openAiChat = { ...openAiChat, recordAs: "GITHUB_COPILOT" };

// Copilot sends the GitHub token as a bearer token to Claude models too, never `x-api-key`.
const copilotMessages: typeof anthropicMessages = {
  ...anthropicMessages,
  recordAs: "GITHUB_COPILOT",
  credential: openAiCredential,
  checkAuth: (credential, isKnown, context) =>
    credential.key === null
      ? anthropicMessages.error({ kind: "status", status: 401, model: null })
      : anthropicMessages.checkAuth(credential, isKnown, context),
};

/** The routes of GitHub's and Copilot's APIs, for the fake's router. */
export const copilotRoutes = (call: CallRoute, state: FakeState): Record<string, Route> => ({
  "GET /copilot_internal/user": (req, res) => {
    const token = githubToken({ url: new URL("http://x"), headers: req.headers });
    if (token === null) githubError(res, 401, "Requires authentication");
    else if (!state.hasKey(token)) githubError(res, 401, "Bad credentials");
    else {
      sendJson(res, 200, {
        login: "fake-user",
        copilot_plan: "individual",
        access_type_sku: "free_limited_copilot",
        chat_enabled: true,
        organization_login_list: [],
        // The model API is this server, at the address the caller used.
        endpoints: { api: `http://${req.headers.host ?? "127.0.0.1"}${COPILOT_API_PATH}` },
      });
    }
    return Promise.resolve();
  },
  [`GET ${COPILOT_API_PATH}/models`]: (req, res, url) => {
    const authError = openAiCheckAuth(openAiCredential({ url, headers: req.headers }), (key) =>
      state.hasKey(key),
    );
    if (authError !== null) sendJson(res, authError.status, authError.body, authError.headers);
    else sendJson(res, 200, { object: "list", data: COPILOT_MODELS.map(copilotModel) });
    return Promise.resolve();
  },
  [`POST ${COPILOT_API_PATH}/responses`]: call(copilotResponses),
  [`POST ${COPILOT_API_PATH}/chat/completions`]: call(copilotChat),
  [`POST ${COPILOT_API_PATH}/v1/messages`]: call(copilotMessages),
});
