import { describe, expect, it } from "vitest";
import { formatCost, formatDateTime, formatTokens, maskedHint } from "./format.js";

describe("formatCost", () => {
  it("shows sub-dollar costs to four decimals so a few calls do not read $0.00", () => {
    expect(formatCost(0.0042)).toBe("$0.0042");
    expect(formatCost(0.12345)).toBe("$0.1235");
    expect(formatCost(0.5)).toBe("$0.50");
  });

  it("shows costs of a dollar or more in cents with grouped thousands", () => {
    expect(formatCost(12.34)).toBe("$12.34");
    expect(formatCost(12.3456)).toBe("$12.35");
    expect(formatCost(1234.5)).toBe("$1,234.50");
  });

  it("marks a positive cost below $0.0001 as such instead of rounding it to zero", () => {
    expect(formatCost(0.00004)).toBe("< $0.0001");
    expect(formatCost(0.0001)).toBe("$0.0001");
  });

  it("shows zero as $0.00 and an unknown cost as a dash", () => {
    expect(formatCost(0)).toBe("$0.00");
    expect(formatCost(Number.NaN)).toBe("—");
    expect(formatCost(Number.POSITIVE_INFINITY)).toBe("—");
  });
});

describe("formatTokens", () => {
  it("groups thousands below a million", () => {
    expect(formatTokens(0)).toBe("0");
    expect(formatTokens(1234)).toBe("1,234");
    expect(formatTokens(999_999)).toBe("999,999");
  });

  it("abbreviates millions and billions to at most two decimals", () => {
    expect(formatTokens(1_000_000)).toBe("1M");
    expect(formatTokens(1_250_000)).toBe("1.25M");
    expect(formatTokens(999_995_000)).toBe("1B");
    expect(formatTokens(12_345_678_901)).toBe("12.35B");
  });

  it("accepts totals beyond 2^53 as bigint or as the scalar's numeric string", () => {
    expect(formatTokens(9_007_199_254_740_993n)).toBe("9007.2T");
    expect(formatTokens(123_456n)).toBe("123,456");
    expect(formatTokens("1250000")).toBe("1.25M");
    expect(formatTokens("4321")).toBe("4,321");
  });

  it("shows a dash for a value that is not a token count", () => {
    expect(formatTokens("12abc")).toBe("—");
    expect(formatTokens(Number.NaN)).toBe("—");
  });
});

describe("formatDateTime", () => {
  it("shows a date and time people read, in the given time zone", () => {
    expect(formatDateTime("2026-01-05T14:03:00.000Z", "UTC")).toBe("Jan 5, 2026, 2:03 PM");
  });

  it("shows a dash for a missing or unreadable date", () => {
    expect(formatDateTime(null)).toBe("—");
    expect(formatDateTime("not a date")).toBe("—");
  });
});

describe("maskedHint", () => {
  it("shows only dots and the hint the api gives", () => {
    expect(maskedHint("a1B2")).toBe("••••a1B2");
    expect(maskedHint("")).toBe("••••");
  });
});
