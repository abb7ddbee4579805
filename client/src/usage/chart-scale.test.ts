import { describe, expect, it } from "vitest";
import { niceCeiling, rangeEnding, ticks } from "./chart-scale.js";

describe("niceCeiling", () => {
  it("rounds up to 1, 2, 2.5 or 5 times a power of ten", () => {
    expect(niceCeiling(7)).toBe(10);
    expect(niceCeiling(1234)).toBe(2000);
    expect(niceCeiling(2100)).toBe(2500);
    expect(niceCeiling(0.03)).toBe(0.05);
    expect(niceCeiling(5000)).toBe(5000);
  });

  it("gives 1 for an empty chart so the axis still has a scale", () => {
    expect(niceCeiling(0)).toBe(1);
    expect(niceCeiling(Number.NaN)).toBe(1);
  });
});

describe("ticks", () => {
  it("spaces ticks evenly from zero to the nice top", () => {
    expect(ticks(1234)).toEqual([0, 500, 1000, 1500, 2000]);
  });
});

describe("rangeEnding", () => {
  it("covers the current hour and the 23 before it, on hour boundaries", () => {
    const range = rangeEnding(Date.parse("2026-03-10T14:25:00Z"), "HOUR", 24);
    expect(range).toEqual({
      bucket: "HOUR",
      from: "2026-03-09T15:00:00.000Z",
      to: "2026-03-10T15:00:00.000Z",
    });
  });

  it("covers whole UTC days for a day range", () => {
    const range = rangeEnding(Date.parse("2026-03-10T14:25:00Z"), "DAY", 7);
    expect(range.from).toBe("2026-03-04T00:00:00.000Z");
    expect(range.to).toBe("2026-03-11T00:00:00.000Z");
  });
});
