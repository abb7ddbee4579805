import type * as GenaiPrices from "@pydantic/genai-prices";
import { createRequire } from "node:module";
import type { Provider } from "../domain/enums.js";
import { providerDescriptor } from "../registry/index.js";
import type { PricedModel } from "./models.js";

let catalogue: typeof GenaiPrices | undefined;

/**
 * The price catalogue, loaded when a cost is first estimated: its tables are megabytes of parsed
 * JSON (about 7 MB of the worker's RSS), which a process that has recorded no call — a worker at
 * idle, the api, a command — need not hold.
 */
function prices(): typeof GenaiPrices {
  catalogue ??= createRequire(import.meta.url)("@pydantic/genai-prices") as typeof GenaiPrices;
  return catalogue;
}

/** One provider call's tokens, classes kept apart (inputTokens excludes cache reads/writes). */
export interface CallTokens {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
  readonly reasoningTokens: number;
}

export interface CostEstimate {
  /** USD rounded to 1e-9 (the column's scale); null when the model has no known price. */
  readonly costUsd: number | null;
  /** The catalogue's id of the matched model, when priced. */
  readonly pricedModel: string | null;
}

/**
 * Estimates a call's cost from the maintained price catalogue (@pydantic/genai-prices), cache
 * reads and writes at their own rates. Never guesses: an unknown model gives `costUsd: null`.
 * Reasoning tokens are billed as output tokens by every provider here, and `outputTokens`
 * already includes them (see the agent's usage mapping), so they are not added again.
 */
export function estimateCost(provider: Provider, model: string, tokens: CallTokens): CostEstimate {
  // genai-prices' provider id (the registry's); null for a provider that bills by subscription.
  const providerId = providerDescriptor(provider).priceProviderId;
  if (providerId === null) return { costUsd: null, pricedModel: null };
  const result = prices().calcPrice(
    {
      // genai-prices takes the total input, with the cache classes as parts of it.
      input_tokens: tokens.inputTokens + tokens.cacheReadTokens + tokens.cacheWriteTokens,
      cache_read_tokens: tokens.cacheReadTokens,
      cache_write_tokens: tokens.cacheWriteTokens,
      output_tokens: tokens.outputTokens,
    },
    model,
    { providerId },
  );
  if (result === null) return { costUsd: null, pricedModel: null };
  return { costUsd: Math.round(result.total_price * 1e9) / 1e9, pricedModel: result.model.id };
}

/**
 * The models the price catalogue knows for a provider (its own, by the registry's model pattern),
 * deprecated ones left out, the default model first, then the catalogue's order; empty for a
 * provider that does not bill per token. Read from the catalogue itself: what the generated list
 * in priced-models.generated.ts (which the api serves, without loading the catalogue) is made
 * from, and checked against.
 */
export function catalogueModels(provider: Provider): readonly PricedModel[] {
  const descriptor = providerDescriptor(provider);
  const providerId = descriptor.priceProviderId;
  const own = (id: string): boolean => descriptor.modelPattern?.test(id) ?? true;
  if (providerId === null) return [];
  return (prices().findProvider({ providerId })?.models ?? [])
    .filter((model) => model.deprecated !== true && own(model.id))
    .map((model) => ({ id: model.id, name: model.name ?? model.id }))
    .sort(
      (a, b) => Number(b.id === descriptor.defaultModel) - Number(a.id === descriptor.defaultModel),
    );
}
