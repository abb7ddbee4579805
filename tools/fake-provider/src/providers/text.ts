import { asRecord } from "../http-util.js";

/**
 * The text of a message's content in any of the providers' shapes: a string, or parts with a
 * `text` field (Anthropic blocks, OpenAI parts, Gemini parts), nested tool results included.
 */
export const textOf = (content: unknown): string => {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  const texts: string[] = [];
  for (const part of content) {
    const record = asRecord(part);
    if (record === undefined) {
      if (typeof part === "string") texts.push(part);
      continue;
    }
    const text = record["text"];
    if (typeof text === "string") texts.push(text);
    else if (record["content"] !== undefined) texts.push(textOf(record["content"]));
    else if (typeof record["output"] === "string") texts.push(record["output"]);
  }
  return texts.filter((text) => text !== "").join("\n");
};

/** Whether `cache_control` appears anywhere in the value (Anthropic prompt caching). */
export const hasCacheControl = (value: unknown, depth = 0): boolean => {
  if (depth > 8) return false;
  if (Array.isArray(value)) return value.some((item) => hasCacheControl(item, depth + 1));
  const record = asRecord(value);
  if (record === undefined) return false;
  if (record["cache_control"] !== undefined && record["cache_control"] !== null) return true;
  return Object.values(record).some((item) => hasCacheControl(item, depth + 1));
};

/** The last element for which `pick` returns a string. */
export const lastMatching = <T>(
  items: readonly T[],
  pick: (item: T) => string | undefined,
): string => {
  for (let index = items.length - 1; index >= 0; index -= 1) {
    const item = items[index];
    if (item === undefined) continue;
    const text = pick(item);
    if (text !== undefined) return text;
  }
  return "";
};

export const stringField = (record: Record<string, unknown>, name: string): string | undefined => {
  const value = record[name];
  return typeof value === "string" ? value : undefined;
};
