import { describe, expect, it } from "vitest";
import {
  AGENT_CREDENTIALS,
  agentCanUse,
  agentSupportsProvider,
} from "../src/credentials/compatibility.js";
import { noCredentialHint } from "../src/credentials/resolve.js";

describe("agent credential compatibility", () => {
  it("matches the documented table", () => {
    expect(AGENT_CREDENTIALS).toEqual({
      CHAT: { providers: ["ANTHROPIC", "OPENAI", "GEMINI"], kinds: ["API_KEY"] },
      CLAUDE_CODE: { providers: ["ANTHROPIC"], kinds: ["SUBSCRIPTION", "API_KEY"] },
      CODEX: { providers: ["OPENAI"], kinds: ["SUBSCRIPTION", "API_KEY"] },
      GEMINI_CLI: { providers: ["GEMINI"], kinds: ["API_KEY"] },
      COPILOT: { providers: ["GITHUB_COPILOT"], kinds: ["SUBSCRIPTION"] },
      OPENCODE: {
        providers: ["ANTHROPIC", "OPENAI", "GEMINI", "GITHUB_COPILOT"],
        kinds: ["SUBSCRIPTION", "API_KEY"],
      },
    });
  });

  it("answers per agent kind, provider and credential kind", () => {
    expect(agentCanUse("CHAT", "ANTHROPIC", "SUBSCRIPTION")).toBe(false);
    expect(agentCanUse("CLAUDE_CODE", "ANTHROPIC", "SUBSCRIPTION")).toBe(true);
    expect(agentCanUse("CLAUDE_CODE", "OPENAI", "API_KEY")).toBe(false);
    expect(agentSupportsProvider("COPILOT", "GITHUB_COPILOT")).toBe(true);
    expect(agentSupportsProvider("GEMINI_CLI", "ANTHROPIC")).toBe(false);
  });

  it("hints what to add, or that the agent cannot use the provider at all", () => {
    expect(noCredentialHint("ANTHROPIC", "CLAUDE_CODE")).toBe(
      "Add an Anthropic API key or subscription token in Session Settings → Provider API Key or Account settings → API Keys",
    );
    expect(noCredentialHint("GEMINI", "OPENCODE")).toBe(
      "Add a Gemini API key in Session Settings → Provider API Key or Account settings → API Keys",
    );
    expect(noCredentialHint("OPENAI", "CLAUDE_CODE")).toBe(
      "Claude Code agents run with Anthropic credentials, not OpenAI",
    );
  });
});
