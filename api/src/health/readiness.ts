import type { PrismaClient } from "@agentry/prisma";
import type { Redis } from "ioredis";

export interface Readiness {
  readonly ready: boolean;
  readonly checks: { readonly postgres: "ok" | "failed"; readonly redis: "ok" | "failed" };
}

const CHECK_TIMEOUT_MS = 2000;

async function passes(check: () => Promise<unknown>): Promise<"ok" | "failed"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error("timed out"));
    }, CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return "ok";
  } catch {
    return "failed";
  } finally {
    clearTimeout(timer);
  }
}

/** Whether the api can serve: Postgres answers `SELECT 1` and Redis answers PING (2 s each). */
export async function checkReadiness(deps: {
  readonly prisma: PrismaClient;
  readonly redis: Redis;
}): Promise<Readiness> {
  const [postgres, redis] = await Promise.all([
    passes(() => deps.prisma.$queryRaw`SELECT 1`),
    passes(() => deps.redis.ping()),
  ]);
  return { ready: postgres === "ok" && redis === "ok", checks: { postgres, redis } };
}
