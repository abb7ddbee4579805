import type { CodegenConfig } from "@graphql-codegen/cli";
import { fileURLToPath } from "node:url";

// Typed documents for the operations in src/**/*.graphql, from the api's emitted schema.
// CODEGEN_OUT lets the drift check generate elsewhere and compare (scripts/codegen-check.mjs).
const out = process.env["CODEGEN_OUT"] ?? "src/gql/";
// The repository's prettier settings, also for output outside the repository (the check).
const prettierConfig = fileURLToPath(new URL("../.prettierrc.json", import.meta.url));

const config: CodegenConfig = {
  schema: "../schema.graphql",
  documents: ["src/**/*.graphql"],
  importExtension: ".js",
  generates: {
    [out]: {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        strictScalars: true,
        dedupeFragments: true,
        scalars: {
          // JSON numbers, exact up to 2^53 - 1 (the schema says so); formatTokens takes them.
          BigInt: "number",
          DateTime: "string",
          JSONObject: "Record<string, unknown>",
        },
      },
    },
    // Every enum of the schema, also those no operation selects (ErrorCode types the error
    // handling: a code added to the api does not compile here until it is handled).
    [`${out}schema-enums.ts`]: {
      plugins: ["typescript"],
      config: { onlyEnums: true, enumsAsTypes: true },
    },
  },
  hooks: {
    afterAllFileWrite: [`prettier --write --log-level=warn --config ${prettierConfig}`],
  },
};

export default config;
