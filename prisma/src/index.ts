import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/client.js";
import { handingBackBrokenTransactions } from "./broken-transactions.js";
import { keepingPool, newPoolHandle, registerPool } from "./direct-pool.js";

export * from "../generated/client.js";
export { isDatabaseUnreachable } from "./unreachable.js";
export { directPoolOf, type DirectQueryable } from "./direct-pool.js";
export {
  directRows,
  directStatement,
  directThrough,
  directTransaction,
  type DirectRun,
  type DirectStatement,
} from "./direct-sql.js";

/** Builds a Prisma client on the pg driver adapter (no native engine; see the platform notes). */
export function createPrismaClient(
  databaseUrl: string,
  options: { poolSize?: number } = {},
): PrismaClient {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: options.poolSize ?? 10 });
  // The adapter's pool, for the few hot reads that skip the client engine (directPoolOf).
  const pool = newPoolHandle();
  const client = new PrismaClient({
    adapter: keepingPool(handingBackBrokenTransactions(adapter), pool),
  });
  registerPool(client, pool);
  return client;
}
