import { describe, expect, it } from "vitest";
import { codeSpans } from "../ui/steps.js";
import { REGISTRY_FIXTURE } from "./registry-fixture.js";
import { agentCredentialsPath, createRegistry, credentialFixFor } from "./registry.js";

const registry = createRegistry(REGISTRY_FIXTURE);

describe("the registry from the api", () => {
  it("names agent kinds, providers and credentials as the api does", () => {
    expect(registry.agentKindLabel("CLAUDE_CODE")).toBe("Claude Code");
    expect(registry.providerLabel("OPENAI")).toBe("OpenAI");
    expect(registry.credentialName("ANTHROPIC", "SUBSCRIPTION")).toBe("Claude subscription token");
    expect(registry.credentialName("GEMINI", "API_KEY")).toBe("Gemini API key");
  });

  it("falls back to the api's own value for what it does not list, instead of failing", () => {
    expect(registry.providerLabel("GITHUB_COPILOT")).toBe("GITHUB_COPILOT");
    expect(registry.agentKindLabel("COPILOT")).toBe("COPILOT");
  });

  it("offers only the kinds the api can run, in its order", () => {
    expect(registry.runnableKinds().map((info) => info.kind)).toEqual([
      "CHAT",
      "CLAUDE_CODE",
      "CODEX",
      "OPENCODE",
    ]);
  });

  it("lists the agents that run with a provider, the first one the default", () => {
    expect(registry.agentKindsFor("ANTHROPIC")).toEqual(["CHAT", "CLAUDE_CODE", "OPENCODE"]);
    expect(registry.defaultAgentKind("ANTHROPIC")).toBe("CHAT");
    expect(registry.agentKindsFor("GEMINI")).toEqual(["CHAT", "GEMINI_CLI", "OPENCODE"]);
  });

  it("tells how to replace a refused subscription, and links the agent's panel", () => {
    expect(credentialFixFor(registry, "CLAUDE_CODE", "ANTHROPIC")).toEqual({
      steps: REGISTRY_FIXTURE.agentKinds[1]?.setup[0]?.steps,
      label: "Claude Code credentials",
      href: "/account/agent-credentials#agent-claude-code",
    });
    const codex = credentialFixFor(registry, "CODEX", "OPENAI");
    expect(codex.steps.join(" ")).toContain("`codex login --device-auth`");
    // OpenCode takes no Anthropic subscription: its first Anthropic credential is shown.
    expect(credentialFixFor(registry, "OPENCODE", "ANTHROPIC").steps.join(" ")).toContain(
      "Anthropic Console",
    );
    expect(agentCredentialsPath("GEMINI_CLI")).toBe("/account/agent-credentials#agent-gemini-cli");
  });
});

describe("codeSpans", () => {
  it("splits backticked commands out of a step", () => {
    expect(codeSpans("Run `claude setup-token` and paste `sk-ant-oat01-…`.")).toEqual([
      { code: false, text: "Run " },
      { code: true, text: "claude setup-token" },
      { code: false, text: " and paste " },
      { code: true, text: "sk-ant-oat01-…" },
      { code: false, text: "." },
    ]);
  });
});
