import { describe, expect, it } from "vitest";
import {
  parseDirection,
  parseSortKey,
  sortSessions,
  type SortableSession,
} from "./session-sort.js";

const session = (name: string, cost: number, tokens = 0, createdAt = "2026-01-01T00:00:00.000Z") =>
  ({
    name,
    createdAt,
    agents: [],
    usage: { totalTokens: tokens, apiCalls: 0, estimatedCostUsd: cost },
  }) satisfies SortableSession;

describe("sortSessions", () => {
  it("puts the most expensive session first when sorting by cost, descending", () => {
    const sorted = sortSessions(
      [session("a", 0.5), session("b", 12), session("c", 0)],
      "cost",
      "desc",
    );
    expect(sorted.map((s) => s.name)).toEqual(["b", "a", "c"]);
  });

  it("sorts names without regard to case, with numbers in numeric order", () => {
    const sorted = sortSessions(
      [session("b", 0), session("A 10", 0), session("a 9", 0)],
      "name",
      "asc",
    );
    expect(sorted.map((s) => s.name)).toEqual(["a 9", "A 10", "b"]);
  });

  it("keeps the api's order for ties and leaves the input untouched", () => {
    const input = [session("first", 1), session("second", 1), session("third", 2)];
    const sorted = sortSessions(input, "cost", "desc");
    expect(sorted.map((s) => s.name)).toEqual(["third", "first", "second"]);
    expect(input.map((s) => s.name)).toEqual(["first", "second", "third"]);
  });
});

describe("parseSortKey / parseDirection", () => {
  it("falls back to newest first for anything unknown in the URL", () => {
    expect(parseSortKey("cost")).toBe("cost");
    expect(parseSortKey("DROP TABLE")).toBe("newest");
    expect(parseSortKey(undefined)).toBe("newest");
    expect(parseDirection(undefined, "name")).toBe("asc");
    expect(parseDirection("sideways", "cost")).toBe("desc");
  });
});
