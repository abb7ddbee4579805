import {
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationRule,
} from "graphql";
import { compileTextCheck, type TextCheck } from "./text-input.js";

// Parsing and validating a document costs more than executing a small query (graphql-js'
// validation visits the document once per rule). A client sends the same few documents over
// and over, so each is parsed and validated once per process and kept, keyed by its text. Only
// what the document alone decides is kept: the limits that depend on the variables or the
// caller (argument text, cost, the caller's allowance) are applied to every operation.

/** Documents kept at most (least recently used ones go first). */
export const DOCUMENT_CACHE_MAX_ENTRIES = 1_000;
/** Query text kept at most, in characters, over all entries. */
export const DOCUMENT_CACHE_MAX_CHARS = 4 * 1024 * 1024;
/** A longer document is parsed and validated every time (and never crowds out the others). */
export const DOCUMENT_CACHE_MAX_DOCUMENT_CHARS = 64 * 1024;

/** A document that parsed and passed validation, with what is derived from it alone. */
export interface ValidDocument {
  readonly document: DocumentNode;
  /** The argument-text check, compiled for this document (only variables are looked at later). */
  readonly textCheck: TextCheck;
  /** Costs of operations without variables, by operation name ("" for the only one). */
  readonly costs: Map<string, number | undefined>;
}

export type DocumentResult =
  | { readonly valid: ValidDocument; readonly errors?: undefined }
  | {
      readonly valid?: undefined;
      readonly errors: readonly GraphQLError[];
      readonly parsed: boolean;
    };

/** graphql-js' own request errors carry no code; give them the one clients know them by. */
const withCode = (errors: readonly GraphQLError[], code: string): GraphQLError[] =>
  errors.map(
    (error) =>
      new GraphQLError(error.message, {
        ...(error.nodes === undefined ? {} : { nodes: error.nodes }),
        ...(error.source === undefined ? {} : { source: error.source }),
        ...(error.positions === undefined ? {} : { positions: error.positions }),
        originalError: error,
        extensions: { ...error.extensions, code },
      }),
  );

// graphql-js' suggestions name fields and types the client did not ask about.
const withoutSuggestions = (errors: readonly GraphQLError[]): GraphQLError[] =>
  errors.map(
    (error) =>
      new GraphQLError(error.message.replace(/ ?Did you mean(.+?)\?$/, ""), {
        ...(error.nodes === undefined ? {} : { nodes: error.nodes }),
        ...(error.source === undefined ? {} : { source: error.source }),
        ...(error.positions === undefined ? {} : { positions: error.positions }),
        extensions: error.extensions,
      }),
  );

export class DocumentCache {
  /** By query text, least recently used first (a Map keeps insertion order). */
  private readonly entries = new Map<string, ValidDocument>();
  private chars = 0;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly rules: readonly ValidationRule[],
    /** Whether validation messages may suggest names ("Did you mean …"). */
    private readonly suggestions: boolean,
    private readonly limits = {
      maxEntries: DOCUMENT_CACHE_MAX_ENTRIES,
      maxChars: DOCUMENT_CACHE_MAX_CHARS,
      maxDocumentChars: DOCUMENT_CACHE_MAX_DOCUMENT_CHARS,
    },
  ) {}

  /** The parsed, validated document of `query`, or why it is not one (parse or validation errors). */
  get(query: string): DocumentResult {
    const cached = this.entries.get(query);
    if (cached !== undefined) {
      this.entries.delete(query);
      this.entries.set(query, cached);
      return { valid: cached };
    }
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      if (error instanceof GraphQLError) {
        return { errors: withCode([error], "GRAPHQL_PARSE_FAILED"), parsed: false };
      }
      // The parser recurses per nesting level: a document nested thousands deep overflows the
      // stack. That is the client's document, not the server's failure.
      if (error instanceof RangeError) {
        return {
          errors: [
            new GraphQLError("The query is nested too deeply to parse", {
              extensions: { code: "BAD_USER_INPUT" },
            }),
          ],
          parsed: false,
        };
      }
      throw error;
    }
    const errors = validate(this.schema, document, this.rules);
    if (errors.length > 0) {
      return {
        errors: withCode(
          this.suggestions ? errors : withoutSuggestions(errors),
          "GRAPHQL_VALIDATION_FAILED",
        ),
        parsed: true,
      };
    }
    const valid: ValidDocument = {
      document,
      textCheck: compileTextCheck(document),
      costs: new Map(),
    };
    this.remember(query, valid);
    return { valid };
  }

  get size(): number {
    return this.entries.size;
  }

  private remember(query: string, valid: ValidDocument): void {
    if (query.length > this.limits.maxDocumentChars) return;
    this.entries.set(query, valid);
    this.chars += query.length;
    for (const [oldest] of this.entries) {
      if (this.entries.size <= this.limits.maxEntries && this.chars <= this.limits.maxChars) break;
      this.entries.delete(oldest);
      this.chars -= oldest.length;
    }
  }
}
