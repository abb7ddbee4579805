import { describe, expect, it } from "vitest";
import { niceStep, rangeEnding, ticks } from "./chart-scale.js";

describe("niceStep", () => {
  it("rounds up to 1, 2 or 5 times a power of ten", () => {
    expect(niceStep(7)).toBe(10);
    expect(niceStep(308)).toBe(500);
    expect(niceStep(2100)).toBe(5000);
    expect(niceStep(5000)).toBe(5000);
  });

  it("never goes below 1, so token ticks stay whole", () => {
    expect(niceStep(0.3)).toBe(1);
    expect(niceStep(0)).toBe(1);
    expect(niceStep(Number.NaN)).toBe(1);
  });
});

describe("ticks", () => {
  it("spaces whole ticks evenly from zero past the maximum", () => {
    expect(ticks(29)).toEqual([0, 10, 20, 30, 40]);
    expect(ticks(1234)).toEqual([0, 500, 1000, 1500, 2000]);
  });

  it("gives 0..4 for an empty chart", () => {
    expect(ticks(0)).toEqual([0, 1, 2, 3, 4]);
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
