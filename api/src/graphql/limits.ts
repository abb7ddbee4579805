import {
  AppError,
  guessProvider,
  parseRepositoryRef,
  parseRepositoryUrl,
  type RepositoryUrlRules,
} from "@agentry/core";
import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from "graphql";

// Input limits. Every refusal is a typed BAD_USER_INPUT naming the field, never an INTERNAL.

export const LIMITS = {
  /** Deepest selection nesting accepted. */
  maxDepth: 12,
  /** Highest query cost accepted (graphql-query-complexity: 1 per field, lists × their size). */
  maxComplexity: 1000,
  /** Largest request body (bytes). */
  maxBodyBytes: 1024 * 1024,
  nameLength: 200,
  repoUrlLength: 2048,
  emailLength: 320,
  passwordMin: 8,
  passwordMax: 1024,
  /** Secrets are validated per format by core; this only bounds what is read at all. */
  secretLength: 16 * 1024,
  pageSizeMax: 100,
  pageSizeDefault: 20,
} as const;

const badInput = (message: string, field: string): AppError =>
  new AppError("BAD_USER_INPUT", message, { field });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An ID argument: must be a UUID (every id here is one), normalized to lower case. */
export function parseId(value: string, field = "id"): string {
  if (!UUID.test(value)) throw badInput("Invalid id", field);
  return value.toLowerCase();
}

// The shapes of the credentials this platform handles, and of its own tokens: a known prefix and
// a long random tail (random tails mix cases or letters and digits; "sk-my-notes" does not).
const SECRET_SHAPE =
  /(?<![A-Za-z0-9])(?:sk-|AIza|gh[pousr]_|github_pat_|agt_|agp_|eyJ)([\w-]{20,})/g;
const TOKEN_FILE = /"(?:access|refresh|id)_token"\s*:/;

/** The first thing in `text` shaped like an API key or token ("" for a Codex auth.json's fields). */
function findSecret(text: string): string | undefined {
  for (const match of text.matchAll(SECRET_SHAPE)) {
    const tail = match[1] ?? "";
    // A random tail mixes cases, or letters and digits; one may by chance lack digits.
    const upper = /[A-Z]/.test(tail);
    const lower = /[a-z]/.test(tail);
    if ((upper && lower) || ((upper || lower) && /\d/.test(tail))) return match[0];
  }
  return TOKEN_FILE.test(text) ? "" : undefined;
}

/** Whether text holds something shaped like an API key or token (or a Codex auth.json). */
export function looksLikeSecret(text: string): boolean {
  return findSecret(text) !== undefined;
}

/**
 * Refuses a secret typed where it would be stored and shown in the clear (a name, a model, a
 * repository URL, a message's text): a key belongs in a key field, where it is sealed. The
 * message names the provider the key looks like it belongs to, and never quotes it.
 */
export function refuseSecretLike(value: string, field: string): string {
  const found = findSecret(value);
  if (found === undefined) return value;
  const guess = found === "" ? undefined : guessProvider(found);
  throw new AppError(
    "BAD_USER_INPUT",
    `${field} ${guess === undefined ? "looks like an API key or token" : `holds what looks like ${guess.described}`}; store secrets as a key, where they are encrypted`,
    { field, ...(guess === undefined ? {} : { looksLike: guess.provider }) },
  );
}

/**
 * A required, trimmed, non-empty string of at most `max` characters, which is stored and shown
 * as given, so it must not hold a secret.
 */
export function requireText(value: string, field: string, max: number): string {
  const text = value.trim();
  if (text === "") throw badInput(`${field} must not be empty`, field);
  if (text.length > max) throw badInput(`${field} is too long (at most ${max} characters)`, field);
  return refuseSecretLike(text, field);
}

/** Refuses a string longer than `max` before any further work is done with it. */
export function checkLength(value: string, field: string, max: number): string {
  if (value.length > max) throw badInput(`${field} is too long (at most ${max} characters)`, field);
  return value;
}

/** A session name: 1..200 characters after trimming. */
export const parseName = (value: string): string => requireText(value, "name", LIMITS.nameLength);

/**
 * A repository URL (core's parseRepositoryUrl: https only, no embedded credential, no
 * link-local or metadata host, loopback only when the tests allow it); null when blank. Text
 * shaped like a secret is refused as in any other free text.
 */
export function parseRepoUrl(
  value: string | null | undefined,
  rules: RepositoryUrlRules = {},
): string | null {
  if (value === null || value === undefined) return null;
  checkLength(value, "repoUrl", LIMITS.repoUrlLength * 2);
  const url = parseRepositoryUrl(value, rules, "repoUrl");
  return url === null ? null : refuseSecretLike(url, "repoUrl");
}

/** The branch, tag or commit a session's clones check out (core's parseRepositoryRef). */
export const parseRepoRef = (value: string | null | undefined): string | null =>
  parseRepositoryRef(value, "repoRef");

/** A page size: 1..100, 20 when omitted. */
export function parseFirst(value: number | null | undefined): number {
  if (value === null || value === undefined) return LIMITS.pageSizeDefault;
  if (!Number.isInteger(value) || value < 1 || value > LIMITS.pageSizeMax) {
    throw badInput(`first must be between 1 and ${LIMITS.pageSizeMax}`, "first");
  }
  return value;
}

/** A secret argument's size bound (its format is validated by core's validateSecret). */
export const checkSecretSize = (value: string): string =>
  checkLength(value, "secret", LIMITS.secretLength);

// --- depth limit ------------------------------------------------------------------------

// Depths are memoized per fragment: a fragment's depth does not depend on where it is spread,
// and expanding spreads afresh each time is exponential (F1 spreads F0 twice, F2 spreads F1
// twice, …: thirty such fragments, a kilobyte of query, would keep the process busy for ages).
interface DepthState {
  readonly fragments: Readonly<Record<string, FragmentDefinitionNode>>;
  readonly known: Map<string, number>;
  readonly visiting: Set<string>;
}

function selectionDepth(selectionSet: SelectionSetNode | undefined, state: DepthState): number {
  if (selectionSet === undefined) return 0;
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    let depth = 0;
    if (selection.kind === Kind.FIELD) {
      depth =
        selection.selectionSet === undefined
          ? 1
          : 1 + selectionDepth(selection.selectionSet, state);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      depth = selectionDepth(selection.selectionSet, state);
    } else {
      depth = fragmentDepth(selection.name.value, state);
    }
    deepest = Math.max(deepest, depth);
  }
  return deepest;
}

function fragmentDepth(name: string, state: DepthState): number {
  const known = state.known.get(name);
  if (known !== undefined) return known;
  const fragment = state.fragments[name];
  // A fragment cycle is reported by graphql's own NoFragmentCycles rule.
  if (fragment === undefined || state.visiting.has(name)) return 0;
  state.visiting.add(name);
  const depth = selectionDepth(fragment.selectionSet, state);
  state.visiting.delete(name);
  state.known.set(name, depth);
  return depth;
}

/** A validation rule refusing operations nested deeper than `maxDepth` fields. */
export function depthLimitRule(maxDepth: number = LIMITS.maxDepth) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION)
        fragments[definition.name.value] = definition;
    }
    return {
      OperationDefinition(operation: OperationDefinitionNode) {
        const depth = selectionDepth(operation.selectionSet, {
          fragments,
          known: new Map(),
          visiting: new Set(),
        });
        if (depth > maxDepth) {
          context.reportError(
            new GraphQLError(
              `The query is nested too deeply: depth ${depth}, at most ${maxDepth}`,
              {
                nodes: [operation],
                extensions: { code: "BAD_USER_INPUT" },
              },
            ),
          );
        }
      },
    };
  };
}
