import { setTimeout as sleep } from "node:timers/promises";
import { createOutageLog, type Logger } from "@agentry/core";
import { directThrough, isDatabaseUnreachable, type PrismaClient } from "@agentry/prisma";

// A database restart (a failover, an upgrade, a crash) takes seconds. A message that meets one
// mid-run should wait for it, not fail: its agent keeps working, its usage must still be counted.
// This client waits: each call that finds the database unreachable is made again, with backoff,
// until it answers or `maxWaitMs` has passed (then the error stands). Only whole calls are made
// again — a model method, a raw query, a direct statement, a whole interactive transaction — and
// every such call on the message path is safe to repeat (usage is recorded once per call,
// settling a message happens once, status writes are idempotent, a rotated credential is stored
// once per version).

const FIRST_DELAY_MS = 200;
const MAX_DELAY_MS = 2_000;

/** The top-level methods that run SQL; model delegates (prisma.message, …) are wrapped whole. */
const RUNS_SQL = new Set<PropertyKey>(["$transaction", "$queryRaw", "$executeRaw"]);

export function waitingOutOutages(
  prisma: PrismaClient,
  options: { readonly logger: Logger; readonly maxWaitMs: number },
): PrismaClient {
  const outages = createOutageLog(options.logger, "database");
  const retried = async (call: () => unknown): Promise<unknown> => {
    const deadline = Date.now() + options.maxWaitMs;
    for (let delay = FIRST_DELAY_MS; ; delay = Math.min(delay * 2, MAX_DELAY_MS)) {
      try {
        const result: unknown = await call();
        outages.reached("messages");
        return result;
      } catch (error) {
        if (!isDatabaseUnreachable(error) || Date.now() + delay > deadline) throw error;
        outages.failed("messages", error);
        await sleep(delay);
      }
    }
  };
  const wrapped = new WeakMap<object, object>();
  const wrap = <T extends object>(target: T, wrapAll: boolean): T => {
    const known = wrapped.get(target);
    if (known !== undefined) return known as T;
    const proxy = new Proxy(target, {
      get(object, key) {
        const value: unknown = Reflect.get(object, key);
        if (typeof value === "function" && (wrapAll || RUNS_SQL.has(key))) {
          return (...args: unknown[]) => retried(() => Reflect.apply(value, object, args));
        }
        // A model delegate: every method of it runs SQL.
        if (!wrapAll && typeof value === "object" && value !== null && typeof key === "string") {
          if (!key.startsWith("$") && !key.startsWith("_")) return wrap(value, true);
        }
        return value;
      },
    });
    wrapped.set(target, proxy);
    return proxy;
  };
  const waiting = wrap(prisma, false);
  // The message path's direct statements (directRows) wait out an outage as well.
  directThrough(waiting, prisma, <T>(call: () => Promise<T>) => retried(call) as Promise<T>);
  return waiting;
}
