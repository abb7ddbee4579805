import "reflect-metadata";
import { lexicographicSortSchema, printSchema } from "graphql";
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { buildApiSchema } from "./graphql/schema.js";

// Writes the schema, sorted, to argv[2] (default: <repo root>/schema.graphql). Needs no database.

const target = process.argv[2] ?? fileURLToPath(new URL("../../schema.graphql", import.meta.url));
const schema = await buildApiSchema();
await writeFile(target, `${printSchema(lexicographicSortSchema(schema))}\n`, "utf8");
process.stdout.write(`schema written to ${target}\n`);
