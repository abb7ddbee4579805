import { describe, expect, it } from "vitest";
import {
  checkAnthropicApiKey,
  checkClaudeCodeToken,
  checkCodexAuthJson,
  checkCopilotToken,
  checkGeminiApiKey,
  checkOpenAiApiKey,
} from "./credential-checks.js";

describe("checkClaudeCodeToken", () => {
  it("accepts a token from claude setup-token", () => {
    expect(checkClaudeCodeToken("  sk-ant-oat01-abc123def456 ")).toBeUndefined();
  });

  it("tells an API key apart and says where it goes", () => {
    expect(checkClaudeCodeToken("sk-ant-api03-xyz")).toMatch(/API key.*API Keys/);
  });

  it("asks for claude setup-token for anything else", () => {
    expect(checkClaudeCodeToken("hello")).toMatch(/sk-ant-oat01-.*claude setup-token/);
  });
});

describe("checkCodexAuthJson", () => {
  const authJson = JSON.stringify({
    auth_mode: "chatgpt",
    tokens: { access_token: "at", refresh_token: "rt", id_token: "it" },
  });

  it("accepts the contents of a ChatGPT-mode auth.json", () => {
    expect(checkCodexAuthJson(authJson)).toBeUndefined();
  });

  it("refuses an API-key-mode auth.json and says how to sign in", () => {
    expect(checkCodexAuthJson('{"auth_mode":"apikey","OPENAI_API_KEY":"sk-x"}')).toMatch(
      /codex login/,
    );
  });

  it("refuses a cut-off paste and an sk- key with their own messages", () => {
    expect(checkCodexAuthJson(authJson.slice(0, 20))).toMatch(/whole file/);
    expect(checkCodexAuthJson("sk-proj-abc")).toMatch(/API key/);
  });
});

describe("checkCopilotToken", () => {
  it("accepts fine-grained and OAuth GitHub tokens", () => {
    expect(checkCopilotToken("github_pat_11ABCDEFGH")).toBeUndefined();
    expect(checkCopilotToken("gho_abcdefgh12")).toBeUndefined();
  });

  it("explains that classic tokens do not work", () => {
    expect(checkCopilotToken("ghp_abc")).toMatch(/Classic ghp_ tokens/);
  });
});

describe("API key checks", () => {
  it("send subscription tokens to Agent Credentials", () => {
    expect(checkAnthropicApiKey("sk-ant-oat01-x")).toMatch(/Agent Credentials/);
    expect(checkOpenAiApiKey('{"tokens":{}}')).toMatch(/Agent Credentials/);
  });

  it("accept keys of the right shape", () => {
    expect(checkAnthropicApiKey("sk-ant-api03-abcdefgh")).toBeUndefined();
    expect(checkOpenAiApiKey("sk-proj-x1234567")).toBeUndefined();
    // Made at run time: no key-shaped secret is committed.
    const gemini = `AIza${Array.from({ length: 35 }, () => "abcdefghijklmnopqrstuvwxyz0123456789"[Math.floor(Math.random() * 36)]).join("")}`;
    expect(checkGeminiApiKey(gemini)).toBeUndefined();
    expect(checkGeminiApiKey("short")).toMatch(/longer/);
  });
});

describe("a token cut short after its prefix", () => {
  it("is refused before it is sent, as the api refuses it", () => {
    expect(checkClaudeCodeToken("sk-ant-oat01-")).toMatch(/only the start of a Claude Code token/);
    expect(checkClaudeCodeToken("sk-ant-oat01-abc")).toMatch(/paste the whole token/);
    expect(checkClaudeCodeToken("sk-ant-oat01-abcdefgh")).toBeUndefined();
    expect(checkAnthropicApiKey("sk-ant-")).toMatch(/only the start/);
    expect(checkOpenAiApiKey("sk-")).toMatch(/only the start/);
    expect(checkCopilotToken("github_pat_")).toMatch(/only the start/);
  });
});
