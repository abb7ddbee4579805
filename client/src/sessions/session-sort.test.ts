import { describe, expect, it } from "vitest";
import {
  parseDirection,
  parseSortKey,
  serverOrder,
  sortSessions,
  sortsPageOnly,
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

describe("serverOrder", () => {
  it("asks the api to order by cost, tokens, calls, name and creation, either way", () => {
    expect(serverOrder("cost", "desc")).toEqual({ field: "COST", direction: "DESC" });
    expect(serverOrder("cost", "asc")).toEqual({ field: "COST", direction: "ASC" });
    expect(serverOrder("tokens", "desc")).toEqual({ field: "TOKENS", direction: "DESC" });
    expect(serverOrder("calls", "asc")).toEqual({ field: "API_CALLS", direction: "ASC" });
    expect(serverOrder("name", "asc")).toEqual({ field: "NAME", direction: "ASC" });
    expect(serverOrder("newest", "desc")).toEqual({ field: "CREATED_AT", direction: "DESC" });
    expect(sortsPageOnly("cost")).toBe(false);
  });

  it("leaves the agent count, which the api cannot order by, to the page on screen", () => {
    expect(serverOrder("agents", "desc")).toBeNull();
    expect(sortsPageOnly("agents")).toBe(true);
    const few = { ...session("few", 0), agents: [1] };
    const many = { ...session("many", 0), agents: [1, 2, 3] };
    expect(sortSessions([few, many], "agents", "desc").map((s) => s.name)).toEqual(["many", "few"]);
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
