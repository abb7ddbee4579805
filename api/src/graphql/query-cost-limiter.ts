import { AppError } from "@agentry/core";
import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";

/** Operations cheaper than this are not counted (most are: a page of sessions costs ~500). */
export const EXPENSIVE_COST = 1_000;
const WINDOW_SECONDS = 60;

/** Seconds until a refused caller may try again (at least 1). */
export const retryAfterSeconds = (refused: RateLimiterRes): number =>
  Math.max(1, Math.ceil(refused.msBeforeNext / 1000));

/**
 * Each caller's per-minute allowance of query cost, kept in Redis so every api process draws
 * on the same one. Only expensive operations are counted. While Redis is unreachable each
 * process counts on its own (an in-memory stand-in), so the limit still holds per process.
 */
export class QueryCostLimiter {
  private readonly limiter: RateLimiterRedis;

  constructor(redis: Redis, namespace: string, perMinute: number) {
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${namespace}rl:query-cost`,
      points: perMinute,
      duration: WINDOW_SECONDS,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ points: perMinute, duration: WINDOW_SECONDS }),
    });
  }

  /** Spends `cost` of the payer's allowance; a RATE_LIMITED error when it is used up. */
  async charge(payer: string, cost: number): Promise<AppError | undefined> {
    if (cost < EXPENSIVE_COST) return undefined;
    try {
      await this.limiter.consume(payer, Math.ceil(cost));
      return undefined;
    } catch (refused) {
      if (!(refused instanceof RateLimiterRes)) throw refused;
      const retryAfter = retryAfterSeconds(refused);
      return new AppError(
        "RATE_LIMITED",
        `Too many expensive queries in the last minute; try again in ${retryAfter} s`,
        { retryAfter },
      );
    }
  }
}
