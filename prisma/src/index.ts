import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/client.js";
import { handingBackBrokenTransactions } from "./broken-transactions.js";

export * from "../generated/client.js";
export { isDatabaseUnreachable } from "./unreachable.js";

/** Builds a Prisma client on the pg driver adapter (no native engine; see the platform notes). */
export function createPrismaClient(
  databaseUrl: string,
  options: { poolSize?: number } = {},
): PrismaClient {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: options.poolSize ?? 10 });
  return new PrismaClient({ adapter: handingBackBrokenTransactions(adapter) });
}
