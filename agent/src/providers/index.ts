import type { ChatProvider } from "../errors.js";
import { callAnthropic } from "./anthropic.js";
import { callGemini } from "./gemini.js";
import { callOpenAI } from "./openai.js";
import type { ProviderCall } from "./provider.js";

export const PROVIDER_CALLS: Readonly<Record<ChatProvider, ProviderCall>> = {
  ANTHROPIC: callAnthropic,
  OPENAI: callOpenAI,
  GEMINI: callGemini,
};

export function isChatProvider(provider: string): provider is ChatProvider {
  return Object.hasOwn(PROVIDER_CALLS, provider);
}
