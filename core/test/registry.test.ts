import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { systemKeysFromEnv } from "../src/config/common-env.js";
import { validateSecret } from "../src/credentials/formats.js";
import { estimateCost } from "../src/pricing/cost.js";
import {
  AGENT_KIND_LIST,
  AGENT_KIND_REGISTRY,
  agentKindDescriptor,
  credentialFormat,
  credentialSetup,
  defaultProviderOf,
  firstAgentKindFor,
  PROVIDER_LIST,
  providerDescriptor,
  providerOfModel,
} from "../src/registry/index.js";

const zero = {
  inputTokens: 1000,
  outputTokens: 1000,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
};

const tail = (): string => `x${randomBytes(24).toString("base64url")}`;

describe("the provider registry", () => {
  it("gives each provider a system key of a kind it has, and formats for exactly its kinds", () => {
    for (const provider of PROVIDER_LIST) {
      const descriptor = providerDescriptor(provider);
      const kinds = descriptor.credentials.map((format) => format.kind);
      expect(new Set(kinds).size, provider).toBe(kinds.length);
      expect(kinds, provider).toContain(descriptor.systemKey.kind);
    }
  });

  it("describes prefixes the server's validation accepts, and placeholders it refuses", () => {
    for (const provider of PROVIDER_LIST) {
      for (const format of providerDescriptor(provider).credentials) {
        const label = `${provider} ${format.kind}`;
        const samples = format.multiline
          ? [JSON.stringify({ tokens: { access_token: tail(), refresh_token: tail() } })]
          : format.prefixes.length === 0
            ? [tail()]
            : format.prefixes.map((prefix) => `${prefix}${tail()}`);
        for (const sample of samples) {
          expect(() => validateSecret(provider, format.kind, sample), label).not.toThrow();
        }
        expect(() => validateSecret(provider, format.kind, format.placeholder), label).toThrow();
        expect(format.steps.length, label).toBeGreaterThan(0);
      }
    }
  });

  it("has a priced default model for every provider billed per token, and infers it back", () => {
    for (const provider of PROVIDER_LIST) {
      const { defaultModel, priceProviderId, modelPattern } = providerDescriptor(provider);
      if (priceProviderId !== null) {
        expect(estimateCost(provider, defaultModel, zero).costUsd, provider).not.toBeNull();
      }
      if (modelPattern !== null) expect(providerOfModel(defaultModel)).toBe(provider);
    }
    expect(providerOfModel("claude-haiku-4-5")).toBe("ANTHROPIC");
    expect(providerOfModel("o3-mini")).toBe("OPENAI");
    expect(providerOfModel("gemini-2.5-pro")).toBe("GEMINI");
    expect(providerOfModel("mystery-model")).toBeNull();
  });

  it("reads each system key from the variable it names", () => {
    expect(
      systemKeysFromEnv({
        ANTHROPIC_API_KEY: "a",
        OPENAI_API_KEY: undefined,
        GEMINI_API_KEY: "g",
        COPILOT_GITHUB_TOKEN: "c",
      }),
    ).toEqual({ ANTHROPIC: "a", OPENAI: undefined, GEMINI: "g", GITHUB_COPILOT: "c" });
  });
});

describe("the agent kind registry", () => {
  it("lets each kind use only credential kinds its providers have, each provider once", () => {
    for (const kind of AGENT_KIND_LIST) {
      const { uses } = agentKindDescriptor(kind);
      expect(uses.length, kind).toBeGreaterThan(0);
      const providers = uses.map((use) => use.provider);
      expect(new Set(providers).size, kind).toBe(providers.length);
      for (const use of uses) {
        for (const credentialKind of use.kinds) {
          expect(
            credentialFormat(use.provider, credentialKind),
            `${kind} ${use.provider}`,
          ).toBeDefined();
        }
      }
    }
  });

  it("runs the chat agent through the SDK and every other kind through its own CLI, all runnable", () => {
    expect(AGENT_KIND_REGISTRY.CHAT.runs).toEqual({ via: "sdk" });
    const commands = Object.fromEntries(
      AGENT_KIND_LIST.filter((kind) => kind !== "CHAT").map((kind) => {
        const { runs } = agentKindDescriptor(kind);
        return [kind, runs.via === "cli" ? runs.command : null];
      }),
    );
    expect(commands).toEqual({
      CLAUDE_CODE: "claude",
      CODEX: "codex",
      GEMINI_CLI: "gemini",
      COPILOT: "copilot",
      OPENCODE: "opencode",
    });
    expect(AGENT_KIND_LIST.every((kind) => agentKindDescriptor(kind).runnable)).toBe(true);
  });

  it("defaults each kind to its first provider, and each provider to the first kind that runs it", () => {
    expect(AGENT_KIND_LIST.map(defaultProviderOf)).toEqual([
      "ANTHROPIC",
      "ANTHROPIC",
      "OPENAI",
      "GEMINI",
      "GITHUB_COPILOT",
      "ANTHROPIC",
    ]);
    // GIT is the repository token: no agent kind runs with it.
    expect(PROVIDER_LIST.map(firstAgentKindFor)).toEqual([
      "CHAT",
      "CHAT",
      "CHAT",
      "COPILOT",
      undefined,
    ]);
  });

  it("tells how to set up each credential an agent kind can use, the preferred one first", () => {
    const setup = (kind: "CLAUDE_CODE" | "CODEX" | "COPILOT" | "GEMINI_CLI" | "OPENCODE") =>
      credentialSetup(kind).map((entry) => ({
        provider: entry.provider,
        kind: entry.kind,
        text: entry.format.steps.join(" "),
      }));
    const claude = setup("CLAUDE_CODE");
    expect(claude.map((entry) => entry.kind)).toEqual(["SUBSCRIPTION", "API_KEY"]);
    expect(claude[0]?.text).toContain("`claude setup-token`");
    expect(claude[0]?.text).toContain("`sk-ant-oat01-`");
    const codex = setup("CODEX");
    expect(codex[0]?.text).toContain("`codex login --device-auth`");
    expect(codex[0]?.text).toContain("`~/.codex/auth.json`");
    expect(setup("COPILOT")).toEqual([
      expect.objectContaining({ provider: "GITHUB_COPILOT", kind: "SUBSCRIPTION" }),
    ]);
    expect(setup("COPILOT")[0]?.text).toMatch(/classic `ghp_` tokens do not/);
    expect(setup("GEMINI_CLI").map((entry) => entry.kind)).toEqual(["API_KEY"]);
    expect(setup("OPENCODE").map((entry) => `${entry.provider} ${entry.kind}`)).toEqual([
      "ANTHROPIC API_KEY",
      "OPENAI SUBSCRIPTION",
      "OPENAI API_KEY",
      "GEMINI API_KEY",
    ]);
  });
});
