import { describe, expect, it } from "vitest";
import { chooseCredential } from "../src/credentials/choose.js";
import {
  AGENT_CREDENTIALS,
  agentCanUse,
  agentSupportsProvider,
  SYSTEM_KEY_KINDS,
  SYSTEM_KEY_VARIABLES,
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
        providers: ["ANTHROPIC", "OPENAI", "GEMINI"],
        kinds: ["SUBSCRIPTION", "API_KEY"],
      },
    });
    expect(SYSTEM_KEY_VARIABLES).toEqual({
      ANTHROPIC: "ANTHROPIC_API_KEY",
      OPENAI: "OPENAI_API_KEY",
      GEMINI: "GEMINI_API_KEY",
      GITHUB_COPILOT: "COPILOT_GITHUB_TOKEN",
      GIT: "GIT_TOKEN",
    });
    expect(SYSTEM_KEY_KINDS).toEqual({
      ANTHROPIC: "API_KEY",
      OPENAI: "API_KEY",
      GEMINI: "API_KEY",
      GITHUB_COPILOT: "SUBSCRIPTION",
      GIT: "API_KEY",
    });
  });

  it("answers per agent kind, provider and credential kind", () => {
    expect(agentCanUse("CHAT", "ANTHROPIC", "SUBSCRIPTION")).toBe(false);
    expect(agentCanUse("CLAUDE_CODE", "ANTHROPIC", "SUBSCRIPTION")).toBe(true);
    expect(agentCanUse("CLAUDE_CODE", "OPENAI", "API_KEY")).toBe(false);
    expect(agentSupportsProvider("COPILOT", "GITHUB_COPILOT")).toBe(true);
    expect(agentSupportsProvider("GEMINI_CLI", "ANTHROPIC")).toBe(false);
  });

  it("lets OpenCode use a ChatGPT sign-in but not a Claude subscription, which it no longer accepts", () => {
    expect(agentCanUse("OPENCODE", "OPENAI", "SUBSCRIPTION")).toBe(true);
    expect(agentCanUse("OPENCODE", "ANTHROPIC", "SUBSCRIPTION")).toBe(false);
    expect(agentCanUse("OPENCODE", "ANTHROPIC", "API_KEY")).toBe(true);
    expect(agentSupportsProvider("OPENCODE", "GITHUB_COPILOT")).toBe(false);

    // An account holding both Anthropic kinds: OpenCode runs with the API key, Claude Code with
    // the subscription.
    const row = (kind: "SUBSCRIPTION" | "API_KEY") => ({
      id: kind,
      userId: "u",
      sessionId: null,
      provider: "ANTHROPIC" as const,
      kind,
      version: 1,
      hint: "",
      expiresAt: null,
    });
    const choose = (agentKind: "OPENCODE" | "CLAUDE_CODE") =>
      chooseCredential({
        query: { sessionId: "s", actingUserId: "u", provider: "ANTHROPIC", agentKind },
        candidates: [row("SUBSCRIPTION"), row("API_KEY")],
        systemKeys: {},
        allowSystemKeys: false,
        now: new Date(),
      });
    expect(choose("OPENCODE")).toMatchObject({ source: "ACCOUNT", kind: "API_KEY" });
    expect(choose("CLAUDE_CODE")).toMatchObject({ source: "ACCOUNT", kind: "SUBSCRIPTION" });
  });

  it("hints what to add, or that the agent cannot use the provider at all", () => {
    expect(noCredentialHint("ANTHROPIC", "CLAUDE_CODE")).toBe(
      "Add an Anthropic API key or subscription token in Session Settings → Provider API Key or Account settings → API Keys",
    );
    expect(noCredentialHint("ANTHROPIC", "OPENCODE")).toBe(
      "Add an Anthropic API key in Session Settings → Provider API Key or Account settings → API Keys",
    );
    expect(noCredentialHint("GEMINI", "OPENCODE")).toBe(
      "Add a Gemini API key in Session Settings → Provider API Key or Account settings → API Keys",
    );
    expect(noCredentialHint("OPENAI", "CLAUDE_CODE")).toBe(
      "Claude Code agents run with Anthropic credentials, not OpenAI",
    );
  });
});
