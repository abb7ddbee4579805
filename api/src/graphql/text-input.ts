import { AppError } from "@agentry/core";
import { GraphQLError, Kind, visit, type DocumentNode, type ValueNode } from "graphql";

// Text no argument may hold: NUL (Postgres refuses it in text, and nothing typed needs it) and
// a UTF-16 surrogate without its pair (not a character at all: it cannot be stored or encoded
// faithfully). Every argument of an operation — literals and the variables it uses, inside
// input objects and lists too — is checked before anything runs, so such input is always
// BAD_USER_INPUT naming its field, never a database error.

const BAD_TEXT = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The field name of the first bad string inside a JSON value (a variable's), if any. */
function badInValue(value: unknown, field: string): string | undefined {
  if (typeof value === "string") return BAD_TEXT.test(value) ? field : undefined;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = badInValue(item, field);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const found = badInValue(item, key);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** The field name of the first bad string inside an argument's value (literal or variable). */
function badInNode(
  node: ValueNode,
  field: string,
  variables: Readonly<Record<string, unknown>>,
): string | undefined {
  switch (node.kind) {
    case Kind.STRING:
      return BAD_TEXT.test(node.value) ? field : undefined;
    case Kind.VARIABLE:
      return badInValue(variables[node.name.value], field);
    case Kind.LIST:
      for (const item of node.values) {
        const found = badInNode(item, field, variables);
        if (found !== undefined) return found;
      }
      return undefined;
    case Kind.OBJECT:
      for (const entry of node.fields) {
        const found = badInNode(entry.value, entry.name.value, variables);
        if (found !== undefined) return found;
      }
      return undefined;
    default:
      return undefined;
  }
}

function usesVariables(node: ValueNode): boolean {
  switch (node.kind) {
    case Kind.VARIABLE:
      return true;
    case Kind.LIST:
      return node.values.some(usesVariables);
    case Kind.OBJECT:
      return node.fields.some((field) => usesVariables(field.value));
    default:
      return false;
  }
}

/** Which argument (its field name) first holds bad text, given the operation's variables. */
export type TextCheck = (variables: Readonly<Record<string, unknown>>) => string | undefined;

const FINE: TextCheck = () => undefined;

/**
 * The argument-text check of a document, compiled once: literals are checked now, and only the
 * arguments that use variables are looked at per operation (in document order, as before).
 */
export function compileTextCheck(document: DocumentNode): TextCheck {
  const probes: TextCheck[] = [];
  visit(document, {
    Argument(node) {
      if (usesVariables(node.value)) {
        probes.push((variables) => badInNode(node.value, node.name.value, variables));
        return;
      }
      const found = badInNode(node.value, node.name.value, {});
      if (found !== undefined) probes.push(() => found);
    },
  });
  if (probes.length === 0) return FINE;
  return (variables) => {
    for (const probe of probes) {
      const found = probe(variables);
      if (found !== undefined) return found;
    }
    return undefined;
  };
}

/** BAD_USER_INPUT (HTTP 400) naming the argument that holds bad text. */
export function badTextError(field: string): GraphQLError {
  const error = new AppError(
    "BAD_USER_INPUT",
    `${field} holds a NUL character or an unpaired UTF-16 surrogate, which is not text`,
    { field },
  );
  return new GraphQLError(error.message, {
    originalError: error,
    extensions: { code: error.code, http: { status: 400 } },
  });
}
