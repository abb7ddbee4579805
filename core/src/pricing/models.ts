import type { Provider } from "../domain/enums.js";
import { PRICED_MODELS } from "./priced-models.generated.js";

/** A model the price catalogue knows for a provider. */
export interface PricedModel {
  /** What agents are spawned with (the catalogue's id). */
  readonly id: string;
  /** Its name for people (the id when the catalogue has none). */
  readonly name: string;
}

/**
 * The models the price catalogue knows for a provider (its own, deprecated ones left out, the
 * default first), for the spawn form's model picker. A generated list, so the api does not load
 * the catalogue (800 KB of code and data) to serve it; a core test fails when it no longer
 * matches the catalogue (`npm run priced-models -w @agentry/core` makes it again). A model not
 * in it can still be used: its calls are counted, unpriced.
 */
export function pricedModels(provider: Provider): readonly PricedModel[] {
  return PRICED_MODELS[provider];
}
