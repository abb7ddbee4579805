import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from "graphql";
import { readFileSync } from "node:fs";

// Requests built from schema.graphql itself, so a new operation or argument is tested without
// anyone remembering to: every argument (or input field) of a kind, reached from every root
// operation, and a request that puts a chosen value there and plausible ones everywhere else.

export const SCHEMA: GraphQLSchema = buildSchema(
  readFileSync(new URL("../../../schema.graphql", import.meta.url), "utf8"),
);

export type RootKind = "Query" | "Mutation" | "Subscription";

/** An argument of a root operation, or a field inside an input argument. */
export interface ArgumentPath {
  readonly kind: RootKind;
  readonly operation: string;
  /** Argument name, then input field names: ["filter", "actorId"]. */
  readonly path: readonly string[];
  /** "Mutation.setSessionKey(sessionId)", "Query.auditEvents(filter.actorId)". */
  readonly label: string;
}

const rootTypes = (schema: GraphQLSchema): [RootKind, GraphQLObjectType][] =>
  (
    [
      ["Query", schema.getQueryType()],
      ["Mutation", schema.getMutationType()],
      ["Subscription", schema.getSubscriptionType()],
    ] as const
  ).flatMap(([kind, type]) => (type === null || type === undefined ? [] : [[kind, type]]));

/** Every argument path of every root operation whose named type satisfies `wanted`. */
export function argumentPaths(
  wanted: (type: GraphQLNamedType) => boolean,
  schema: GraphQLSchema = SCHEMA,
): ArgumentPath[] {
  const found: ArgumentPath[] = [];
  const walk = (
    kind: RootKind,
    operation: string,
    type: GraphQLInputType,
    path: string[],
  ): void => {
    const named = getNamedType(type);
    if (wanted(named)) {
      found.push({ kind, operation, path, label: `${kind}.${operation}(${path.join(".")})` });
    } else if (isInputObjectType(named)) {
      for (const field of Object.values(named.getFields()))
        walk(kind, operation, field.type, [...path, field.name]);
    }
  };
  for (const [kind, type] of rootTypes(schema)) {
    for (const field of Object.values(type.getFields())) {
      for (const arg of field.args) walk(kind, field.name, arg.type, [arg.name]);
    }
  }
  return found;
}

/** Arguments of fields that are not root operations (e.g. "Session.keySource(provider)"). */
export function nestedArguments(
  wanted: (type: GraphQLNamedType) => boolean,
  schema: GraphQLSchema = SCHEMA,
): string[] {
  const roots = new Set(rootTypes(schema).map(([, type]) => type.name));
  return Object.values(schema.getTypeMap())
    .filter(
      (type): type is GraphQLObjectType =>
        (isObjectType(type) || isInterfaceType(type)) &&
        !type.name.startsWith("__") &&
        !roots.has(type.name),
    )
    .flatMap((type) =>
      Object.values(type.getFields()).flatMap((field) =>
        field.args
          .filter((arg) => wanted(getNamedType(arg.type)))
          .map((arg) => `${type.name}.${field.name}(${arg.name})`),
      ),
    );
}

/** A plausible value of an input type: what a well-behaved client might send. */
function sample(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return sample(type.ofType);
  if (isListType(type)) return [sample(type.ofType)];
  if (isEnumType(type)) return type.getValues()[0]?.value;
  if (isInputObjectType(type)) {
    const value: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      if (isNonNullType(field.type)) value[field.name] = sample(field.type);
    }
    return value;
  }
  if (isScalarType(type)) {
    const scalars: Record<string, unknown> = {
      ID: crypto.randomUUID(),
      String: "plain text",
      Int: 1,
      Float: 1,
      Boolean: true,
      DateTime: new Date().toISOString(),
      BigInt: 1,
      JSONObject: {},
    };
    return scalars[type.name];
  }
  return null;
}

/** `sample`, with `value` at `path` inside it. */
function withValueAt(type: GraphQLInputType, path: readonly string[], value: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  const named = getNamedType(type);
  if (!isInputObjectType(named)) throw new Error(`no input field ${head} in ${named.name}`);
  const field = named.getFields()[head];
  if (field === undefined) throw new Error(`no input field ${head} in ${named.name}`);
  const base = sample(named) as Record<string, unknown>;
  return { ...base, [head]: withValueAt(field.type, rest, value) };
}

/** Whether the argument at the head of the path must be given (its type is non-null). */
export function isRequired(target: ArgumentPath, schema: GraphQLSchema = SCHEMA): boolean {
  const root = rootTypes(schema).find(([kind]) => kind === target.kind)?.[1];
  const arg = root?.getFields()[target.operation]?.args.find((a) => a.name === target.path[0]);
  return arg !== undefined && isNonNullType(arg.type);
}

const selectionFor = (field: GraphQLField<unknown, unknown>): string => {
  const named = getNamedType(field.type);
  return isObjectType(named) || isInterfaceType(named) ? "{ __typename }" : "";
};

/** A request for the operation with `value` at `path` and plausible values elsewhere. */
export function requestWith(
  target: ArgumentPath,
  value: unknown,
  schema: GraphQLSchema = SCHEMA,
): { query: string; variables: Record<string, unknown> } {
  const root = rootTypes(schema).find(([kind]) => kind === target.kind)?.[1];
  const field = root?.getFields()[target.operation];
  if (field === undefined) throw new Error(`no operation ${target.label}`);
  const definitions: string[] = [];
  const args: string[] = [];
  const variables: Record<string, unknown> = {};
  for (const arg of field.args) {
    const onPath = arg.name === target.path[0];
    if (!onPath && !isNonNullType(arg.type)) continue;
    definitions.push(`$${arg.name}: ${String(arg.type)}`);
    args.push(`${arg.name}: $${arg.name}`);
    variables[arg.name] = onPath
      ? withValueAt(arg.type, target.path.slice(1), value)
      : sample(arg.type);
  }
  const header = definitions.length === 0 ? "" : `(${definitions.join(", ")})`;
  const call = args.length === 0 ? field.name : `${field.name}(${args.join(", ")})`;
  return {
    query: `${target.kind.toLowerCase()} ${header} { ${call} ${selectionFor(field)} }`,
    variables,
  };
}
