import { looksLikeSecret } from "../graphql/limits.js";

// Operation names are chosen by clients, so they cannot all become label values: a client
// sending a new name per request would grow the scrape (and Prometheus) without bound. The
// first `max` names that look like code (a GraphQL name of at most 64 characters, nothing
// key-shaped) keep their own series; every later or odd one is counted as OTHER.

/** An unnamed operation. Not a GraphQL name (parentheses), so no client can take it. */
export const ANONYMOUS = "(anonymous)";
/** A name past the cap, too long, or key-shaped. */
export const OTHER = "(other)";
/** The document did not parse or validate, so it has no operation yet. */
export const UNKNOWN = "(unknown)";

const SAFE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const TYPES = new Set(["query", "mutation", "subscription"]);

/** The `type` label: query, mutation, subscription, or unknown (not resolved). */
export const typeLabel = (type: string | null): string =>
  type !== null && TYPES.has(type) ? type : "unknown";

/** The `operation` label of each operation, with at most `max` distinct names. */
export class OperationLabels {
  private readonly admitted = new Set<string>();

  constructor(private readonly max: number) {}

  label(name: string | null, type: string | null): string {
    if (type === null) return UNKNOWN;
    if (name === null || name === "") return ANONYMOUS;
    if (this.admitted.has(name)) return name;
    if (this.admitted.size >= this.max || !SAFE_NAME.test(name) || looksLikeSecret(name)) {
      return OTHER;
    }
    this.admitted.add(name);
    return name;
  }
}
