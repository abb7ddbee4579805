// Content negotiation for GraphQL responses, as Apollo Server did it (the `negotiator`
// package's rules): the candidate the Accept header rates highest (q), then the one it names
// most specifically, then the one it names first, then the candidates' own order.

export const JSON_TYPE = "application/json; charset=utf-8";
export const GRAPHQL_RESPONSE_TYPE = "application/graphql-response+json; charset=utf-8";
const JSON_CALLBACK_TYPE = "application/json; callbackSpec=1.0; charset=utf-8";
const CANDIDATES = [JSON_TYPE, GRAPHQL_RESPONSE_TYPE, JSON_CALLBACK_TYPE] as const;

interface MediaRange {
  readonly type: string;
  readonly subtype: string;
  readonly params: ReadonlyMap<string, string>;
  readonly q: number;
  /** Its position in the header. */
  readonly order: number;
}

function parseMediaType(text: string, order: number): MediaRange | undefined {
  const [essence = "", ...rest] = text.split(";");
  const [type, subtype, ...extra] = essence.trim().toLowerCase().split("/");
  if (type === undefined || subtype === undefined || extra.length > 0 || type === "") {
    return undefined;
  }
  const params = new Map<string, string>();
  let q = 1;
  for (const param of rest) {
    const equals = param.indexOf("=");
    if (equals === -1) continue;
    const key = param.slice(0, equals).trim().toLowerCase();
    const value = param
      .slice(equals + 1)
      .trim()
      .replace(/^"(.*)"$/, "$1");
    if (key === "q") q = Number.parseFloat(value);
    else params.set(key, value.toLowerCase());
  }
  return { type, subtype, params, q: Number.isNaN(q) ? 0 : q, order };
}

const parsedCandidates = CANDIDATES.map((candidate) => parseMediaType(candidate, 0));

/** How well `range` names `candidate`: its specificity, or undefined when it does not. */
function specificity(range: MediaRange, candidate: MediaRange): number | undefined {
  let score = 0;
  if (range.type === candidate.type) score |= 4;
  else if (range.type !== "*") return undefined;
  if (range.subtype === candidate.subtype) score |= 2;
  else if (range.subtype !== "*") return undefined;
  if (range.params.size > 0) {
    for (const [key, value] of range.params) {
      if (value !== "*" && value !== (candidate.params.get(key) ?? "")) return undefined;
    }
    score |= 1;
  }
  return score;
}

/**
 * The content type to answer with for this Accept header (none: JSON), or null when the header
 * accepts neither JSON nor the GraphQL response type (406).
 */
export function responseContentType(accept: string | undefined): string | null {
  if (accept === undefined || accept === "") return JSON_TYPE;
  const ranges = accept
    .split(",")
    .map((text, order) => parseMediaType(text, order))
    .filter((range) => range !== undefined);
  let best: { q: number; s: number; o: number; index: number } | undefined;
  parsedCandidates.forEach((candidate, index) => {
    if (candidate === undefined) return;
    let priority: { q: number; s: number; o: number } | undefined;
    for (const range of ranges) {
      const s = specificity(range, candidate);
      if (s === undefined) continue;
      if (
        priority === undefined ||
        (priority.s - s || priority.q - range.q || priority.o - range.order) < 0
      ) {
        priority = { q: range.q, s, o: range.order };
      }
    }
    if (priority === undefined || priority.q <= 0) return;
    const ranked = { ...priority, index };
    if (
      best === undefined ||
      (ranked.q - best.q || ranked.s - best.s || best.o - ranked.o || best.index - ranked.index) > 0
    ) {
      best = ranked;
    }
  });
  return best === undefined ? null : (CANDIDATES[best.index] ?? null);
}

/** The essence (type/subtype, lower case) of a Content-Type; undefined when it is not one. */
export function mediaEssence(contentType: string): string | undefined {
  const essence = (contentType.split(";")[0] ?? "").trim().toLowerCase();
  return /^[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+$/.test(essence) ? essence : undefined;
}
