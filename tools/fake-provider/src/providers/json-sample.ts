import { asRecord } from "../http-util.js";

/**
 * A small value that satisfies a JSON schema (JSON Schema or Gemini's OpenAPI-style
 * `responseSchema`), so a client asking for JSON (Gemini CLI's model router) gets JSON it can
 * read: first enum value, empty strings, zeros, `false`, empty arrays, required properties.
 */
export const sampleForSchema = (schema: unknown, fallbackText: string, depth = 0): unknown => {
  const record = asRecord(schema);
  if (record === undefined || depth > 8) return fallbackText;
  const enumValues = record["enum"];
  if (Array.isArray(enumValues) && enumValues.length > 0) return enumValues[0];
  const anyOf = record["anyOf"] ?? record["oneOf"];
  if (Array.isArray(anyOf) && anyOf.length > 0)
    return sampleForSchema(anyOf[0], fallbackText, depth + 1);
  const rawType = record["type"];
  const type = (Array.isArray(rawType) ? rawType[0] : rawType) as unknown;
  switch (typeof type === "string" ? type.toLowerCase() : "object") {
    case "string":
      return fallbackText;
    case "number":
    case "integer":
      return 0;
    case "boolean":
      return false;
    case "array":
      return [];
    case "null":
      return null;
    default: {
      const properties = asRecord(record["properties"]) ?? {};
      const sample: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(properties)) {
        sample[name] = sampleForSchema(property, fallbackText, depth + 1);
      }
      return sample;
    }
  }
};
