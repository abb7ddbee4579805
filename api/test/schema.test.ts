import "reflect-metadata";
import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  lexicographicSortSchema,
  printSchema,
  type GraphQLSchema,
} from "graphql";
import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { redactValues } from "../src/graphql/errors.js";
import { buildApiSchema } from "../src/graphql/schema.js";

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildApiSchema();
});

/** Every named thing in the schema that has no description. */
function undocumented(target: GraphQLSchema): string[] {
  const missing: string[] = [];
  const need = (path: string, description: string | null | undefined): void => {
    if (description === null || description === undefined || description.trim() === "")
      missing.push(path);
  };
  for (const type of Object.values(target.getTypeMap())) {
    if (
      type.name.startsWith("__") ||
      ["String", "Int", "Float", "Boolean", "ID"].includes(type.name)
    )
      continue;
    const isRoot = ["Query", "Mutation", "Subscription"].includes(type.name);
    if (!isRoot) need(type.name, type.description);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        need(`${type.name}.${field.name}`, field.description);
        for (const arg of field.args)
          need(`${type.name}.${field.name}(${arg.name})`, arg.description);
      }
    }
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields()))
        need(`${type.name}.${field.name}`, field.description);
    }
    if (isEnumType(type))
      for (const value of type.getValues()) need(`${type.name}.${value.name}`, value.description);
    if (isScalarType(type)) need(type.name, type.description);
  }
  return missing;
}

describe("the schema", () => {
  it("describes every type, field, argument and enum value", () => {
    expect(undocumented(buildSchema("type Query { a(b: Int): Int }"))).toEqual([
      "Query.a",
      "Query.a(b)",
    ]);
    expect(undocumented(schema)).toEqual([]);
  });

  it("matches the committed schema.graphql (run `npm run schema:emit` after changing it)", async () => {
    const committed = await readFile(new URL("../../schema.graphql", import.meta.url), "utf8");
    expect(committed).toBe(`${printSchema(lexicographicSortSchema(schema))}\n`);
  });

  it("keeps the contract's names", () => {
    const query = Object.keys(schema.getQueryType()?.getFields() ?? {});
    const mutation = Object.keys(schema.getMutationType()?.getFields() ?? {});
    const subscription = Object.keys(schema.getSubscriptionType()?.getFields() ?? {});
    expect(query).toEqual(
      expect.arrayContaining(["me", "session", "sessions", "accountCredentials"]),
    );
    expect(mutation).toEqual(
      expect.arrayContaining([
        "signUp",
        "signIn",
        "createApiToken",
        "createSession",
        "deleteSession",
        "setSessionKey",
        "removeSessionKey",
        "setAccountCredential",
        "removeAccountCredential",
      ]),
    );
    expect(subscription).toEqual(expect.arrayContaining(["sessionUsage", "agentEvents"]));
  });
});

describe("redactValues", () => {
  const secret = "sk-ant-api03-SECRETSECRET";
  it.each([
    [
      `Variable "$p" got invalid value "${secret}"; Value "${secret}" does not exist in "Provider" enum.`,
      'Variable "$p" got an invalid value: expected a value of enum "Provider".',
    ],
    [
      `Variable "$n" got invalid value { x: "${secret}" }; String cannot represent a non string value: { x: "${secret}" }`,
      'Variable "$n" got an invalid value: expected String.',
    ],
    [
      `Variable "$input" got invalid value { name: "a; b" } at "input.providerKey"; Field "secret" of required type "String!" was not provided.`,
      'Variable "$input" got an invalid value at "input.providerKey": field "secret" of required type "String!" was not provided.',
    ],
    [
      `Expected value of type "Provider!", found "${secret}".`,
      'Expected value of type "Provider!", found an invalid value.',
    ],
    [
      `Enum "Provider" cannot represent non-enum value: "${secret}".`,
      'Invalid value: expected a value of enum "Provider".',
    ],
    [
      `Syntax Error: Expected Name, found String "${secret}".`,
      "Syntax Error: Expected Name, found String.",
    ],
    [`Int cannot represent non-integer value: "${secret}"`, "Invalid value: expected Int."],
  ])("rewrites %s", (message, expected) => {
    expect(redactValues(message)).toBe(expected);
    expect(redactValues(message)).not.toContain("SECRET");
  });

  it("keeps messages that hold names only", () => {
    expect(redactValues('Cannot query field "password" on type "User".')).toBe(
      'Cannot query field "password" on type "User".',
    );
  });
});
