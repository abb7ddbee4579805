import type { ServerResponse } from "node:http";
import { sendJson } from "./http-util.js";
import type { ProviderAdapter, RequestContext } from "./providers/adapter.js";
import type { FakeState } from "./state.js";

// Model listings: a few well-known names. Any model name is accepted by the call endpoints.
const ANTHROPIC_MODELS = ["claude-sonnet-5", "claude-opus-5", "claude-haiku-4-5"];
const OPENAI_MODELS = ["gpt-5.4", "gpt-5.4-mini", "gpt-4.1", "o4-mini"];
const GEMINI_MODELS = ["gemini-2.5-pro", "gemini-2.5-flash", "gemini-flash-latest"];
const CREATED = "2025-01-01T00:00:00Z";

/** Sends the listing after the same credential check as the provider's call endpoint. */
export const listModels = (
  adapter: Pick<ProviderAdapter, "provider" | "credential" | "checkAuth">,
  context: RequestContext,
  res: ServerResponse,
  state: FakeState,
): void => {
  const authError = adapter.checkAuth(
    adapter.credential(context),
    (key) => state.hasKey(key),
    context,
  );
  if (authError !== null) {
    sendJson(res, authError.status, authError.body, authError.headers);
    return;
  }
  switch (adapter.provider) {
    case "ANTHROPIC":
      sendJson(res, 200, {
        data: ANTHROPIC_MODELS.map((id) => ({
          type: "model",
          id,
          display_name: id,
          created_at: CREATED,
        })),
        has_more: false,
        first_id: ANTHROPIC_MODELS[0] ?? null,
        last_id: ANTHROPIC_MODELS.at(-1) ?? null,
      });
      return;
    case "OPENAI":
      sendJson(res, 200, {
        object: "list",
        data: OPENAI_MODELS.map((id) => ({
          id,
          object: "model",
          created: 1735689600,
          owned_by: "system",
        })),
      });
      return;
    case "GEMINI":
      sendJson(res, 200, {
        models: GEMINI_MODELS.map((id) => ({
          name: `models/${id}`,
          version: "001",
          displayName: id,
          inputTokenLimit: 1048576,
          outputTokenLimit: 65536,
          supportedGenerationMethods: ["generateContent", "countTokens"],
        })),
      });
      return;
  }
};
