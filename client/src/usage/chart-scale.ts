// Axis arithmetic for the usage chart: whole, evenly spaced ticks from zero.

/** The smallest 1, 2 or 5 × 10^n (n ≥ 0) at or above `value`: a tick step for whole counts. */
export function niceStep(value: number): number {
  if (!Number.isFinite(value) || value <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) {
    const candidate = step * magnitude;
    if (candidate >= value) return candidate;
  }
  return 10 * magnitude;
}

/** `count` + 1 ticks from 0, a nice step apart, the last at or above `max`. */
export function ticks(max: number, count = 4): number[] {
  const step = niceStep(max / count);
  return Array.from({ length: count + 1 }, (_, i) => step * i);
}

export type BucketSize = "HOUR" | "DAY";

export interface UsageRange {
  readonly bucket: BucketSize;
  readonly from: string;
  readonly to: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The last `count` whole buckets up to and including the current one, on UTC boundaries. */
export function rangeEnding(now: number, bucket: BucketSize, count: number): UsageRange {
  const size = bucket === "HOUR" ? HOUR : DAY;
  const end = Math.floor(now / size) * size + size;
  return {
    bucket,
    from: new Date(end - count * size).toISOString(),
    to: new Date(end).toISOString(),
  };
}
