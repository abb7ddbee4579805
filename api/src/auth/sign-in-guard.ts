import { AppError } from "@agentry/core";
import type { Redis } from "ioredis";
import { createHash } from "node:crypto";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { retryAfterSeconds } from "../graphql/query-cost-limiter.js";
import { HashQueue } from "./hash-queue.js";

// Limits on signIn and signUp, kept in Redis so they hold across api processes:
// - per client address: attempts per 15 minutes (every sign-up, every failed sign-in);
// - per account: failed sign-ins per hour from addresses that never signed in to it. Past that
//   those addresses are refused for the account until the hour is over, while an address that
//   signed in to it before (in the last 30 days) is never refused by it: an attacker can keep
//   strangers out, but cannot lock the owner out of their own account.
// Both are taken before the password is hashed (a burst cannot race past them) and given back
// when the sign-in succeeds. Redis keys hold hashes of emails, never the emails.

export interface SignInLimits {
  /** Attempts per client address per 15 minutes. */
  readonly attemptsPerAddress: number;
  /** Failed sign-ins per account per hour from unknown addresses. */
  readonly failuresPerAccount: number;
}

const ADDRESS_WINDOW_SECONDS = 15 * 60;
const ACCOUNT_WINDOW_SECONDS = 60 * 60;
const KNOWN_ADDRESS_SECONDS = 30 * 24 * 60 * 60;

const digest = (...parts: string[]): string =>
  createHash("sha256").update(parts.join("\n")).digest("base64url");

const minutes = (seconds: number): string =>
  seconds < 90 ? `${seconds} s` : `${Math.ceil(seconds / 60)} minutes`;

/** A sign-in let through: report how it ended. */
export interface SignInAttempt {
  /** Whether the address signed in to this account before (its hashing goes first). */
  readonly known: boolean;
  /** The password matched: the attempt is given back and the address remembered. */
  succeeded(): Promise<void>;
}

function limiter(redis: Redis, keyPrefix: string, points: number, duration: number) {
  return new RateLimiterRedis({
    storeClient: redis,
    keyPrefix,
    points,
    duration,
    // With Redis down each process counts on its own rather than waiting or letting all in.
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory({ points, duration }),
  });
}

async function take(
  rateLimiter: RateLimiterRedis,
  key: string,
  message: (retryAfter: number) => string,
): Promise<void> {
  try {
    await rateLimiter.consume(key);
  } catch (refused) {
    if (!(refused instanceof RateLimiterRes)) throw refused;
    const retryAfter = retryAfterSeconds(refused);
    throw new AppError("RATE_LIMITED", message(retryAfter), { retryAfter });
  }
}

export class SignInGuard {
  private readonly byAddress: RateLimiterRedis;
  private readonly byAccount: RateLimiterRedis;
  private readonly hashing = new HashQueue();

  constructor(
    private readonly redis: Redis,
    private readonly namespace: string,
    limits: SignInLimits,
  ) {
    this.byAddress = limiter(
      redis,
      `${namespace}rl:auth-address`,
      limits.attemptsPerAddress,
      ADDRESS_WINDOW_SECONDS,
    );
    this.byAccount = limiter(
      redis,
      `${namespace}rl:auth-account`,
      limits.failuresPerAccount,
      ACCOUNT_WINDOW_SECONDS,
    );
  }

  /** Lets a sign-in attempt through, or refuses it with RATE_LIMITED (and retryAfter). */
  async admitSignIn(email: string, address: string): Promise<SignInAttempt> {
    const account = digest("account", email);
    const known = await this.isKnown(account, address);
    await take(
      this.byAddress,
      address,
      (wait) => `Too many sign-in attempts from your address; try again in ${minutes(wait)}`,
    );
    if (!known) {
      await take(
        this.byAccount,
        account,
        (wait) =>
          `Too many failed sign-ins to this account; try again in ${minutes(wait)}, or from a device that signed in to it before`,
      );
    }
    return {
      known,
      succeeded: async () => {
        await Promise.allSettled([
          this.byAddress.reward(address),
          ...(known ? [] : [this.byAccount.reward(account)]),
          this.rememberAccount(account, address),
        ]);
      },
    };
  }

  /** Lets a sign-up through (each counts against its address), or refuses it with RATE_LIMITED. */
  async admitSignUp(address: string): Promise<void> {
    await take(
      this.byAddress,
      address,
      (wait) => `Too many sign-up attempts from your address; try again in ${minutes(wait)}`,
    );
  }

  /** Runs password hashing within the bounded hashing queue. */
  hash<T>(work: () => Promise<T>, options: { readonly known: boolean }): Promise<T> {
    return this.hashing.run(work, options);
  }

  private knownKey(account: string, address: string): string {
    return `${this.namespace}auth:known:${digest(account, address)}`;
  }

  private async isKnown(account: string, address: string): Promise<boolean> {
    // Unknown while Redis is down: nothing is waited for.
    if (this.redis.status !== "ready") return false;
    try {
      return (await this.redis.exists(this.knownKey(account, address))) === 1;
    } catch {
      return false;
    }
  }

  /** Remembers that the account was signed in to (or created) from this address. */
  async remember(email: string, address: string): Promise<void> {
    await this.rememberAccount(digest("account", email), address).catch(() => undefined);
  }

  private async rememberAccount(account: string, address: string): Promise<void> {
    if (this.redis.status !== "ready") return;
    await this.redis.set(this.knownKey(account, address), "1", "EX", KNOWN_ADDRESS_SECONDS);
  }
}
