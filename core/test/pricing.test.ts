import { describe, expect, it } from "vitest";
import { catalogueModels, estimateCost } from "../src/pricing/cost.js";
import { pricedModels } from "../src/pricing/models.js";
import { PROVIDER_LIST } from "../src/registry/index.js";

const zero = {
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
};

describe("estimateCost", () => {
  it("prices each token class of an Anthropic call at its own list rate", () => {
    // Claude Sonnet 4 list prices per million: input $3, output $15, cache write $3.75, cache read $0.30.
    const cost = estimateCost("ANTHROPIC", "claude-sonnet-4-20250514", {
      ...zero,
      inputTokens: 1_000_000,
      outputTokens: 100_000,
      cacheReadTokens: 2_000_000,
      cacheWriteTokens: 400_000,
    });
    expect(cost.costUsd).toBeCloseTo(3 + 1.5 + 0.6 + 1.5, 9);
    expect(cost.pricedModel).toBe("claude-sonnet-4-0");
  });

  it("prices OpenAI cached input at the cached rate", () => {
    // gpt-4o-mini: input $0.15, cached input $0.075, output $0.60 per million.
    const cost = estimateCost("OPENAI", "gpt-4o-mini", {
      ...zero,
      inputTokens: 500_000,
      cacheReadTokens: 500_000,
      outputTokens: 1_000_000,
      reasoningTokens: 0,
    });
    expect(cost.costUsd).toBeCloseTo(0.075 + 0.0375 + 0.6, 9);
  });

  it("prices Gemini through Google's catalogue entry", () => {
    const cost = estimateCost("GEMINI", "gemini-2.5-flash", { ...zero, inputTokens: 1_000_000 });
    expect(cost.costUsd).toBeCloseTo(0.3, 9);
  });

  it("returns null, never a guess, for a model the catalogue does not know", () => {
    expect(estimateCost("ANTHROPIC", "claude-imaginary-9", { ...zero, inputTokens: 10 })).toEqual({
      costUsd: null,
      pricedModel: null,
    });
    expect(
      estimateCost("GITHUB_COPILOT", "gpt-4o", { ...zero, inputTokens: 10 }).costUsd,
    ).toBeNull();
  });

  it("rounds to the stored scale of 1e-9 USD", () => {
    const cost = estimateCost("OPENAI", "gpt-4o-mini", { ...zero, inputTokens: 1 });
    expect(cost.costUsd).toBe(1.5e-7);
  });
});

describe("pricedModels", () => {
  it("lists a provider's own priced models, the default first, none deprecated", () => {
    const anthropic = pricedModels("ANTHROPIC").map((model) => model.id);
    expect(anthropic[0]).toBe("claude-sonnet-4-5");
    expect(anthropic).toContain("claude-haiku-4-5");
    expect(anthropic.every((id) => id.startsWith("claude"))).toBe(true);
    // The catalogue files Claude under Google too: the Gemini list has only Gemini.
    const gemini = pricedModels("GEMINI").map((model) => model.id);
    expect(gemini[0]).toBe("gemini-2.5-flash");
    expect(gemini.every((id) => id.startsWith("gemini"))).toBe(true);
    // Each listed model is priced by estimateCost.
    for (const id of [...anthropic, ...gemini]) {
      const provider = id.startsWith("claude") ? "ANTHROPIC" : "GEMINI";
      expect(estimateCost(provider, id, { ...zero, inputTokens: 1000 }).pricedModel).not.toBeNull();
    }
  });

  it("lists nothing for a provider that does not bill per token", () => {
    expect(pricedModels("GITHUB_COPILOT")).toEqual([]);
  });

  it("is the catalogue's list (after upgrading it: npm run priced-models -w @agentry/core)", () => {
    for (const provider of PROVIDER_LIST) {
      expect(pricedModels(provider)).toEqual(catalogueModels(provider));
    }
  });
});
