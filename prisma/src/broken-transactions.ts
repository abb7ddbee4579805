import type { PrismaPg } from "@prisma/adapter-pg";

// Prisma 6.19's transaction manager ends an interactive transaction by sending COMMIT or ROLLBACK
// and only then telling the adapter, which hands the pg connection back to the pool. When that
// statement fails — the connection died under the transaction, as in a database restart — the
// adapter is never told, and the connection is never handed back: each such transaction costs
// the pool a connection for good (a pool of 10 is dead after ten), and $disconnect waits
// forever for them. This factory's transactions hand their connection back themselves when that
// statement fails (pg's pool drops a dead connection it is handed).

type Adapter = Awaited<ReturnType<PrismaPg["connect"]>>;
type Transaction = Awaited<ReturnType<Adapter["startTransaction"]>>;
type Query = Parameters<Transaction["executeRaw"]>[0];

const ENDS_TRANSACTION = /^\s*(?:COMMIT|ROLLBACK)\s*$/i;

/** Calls through to `target`'s own methods, except those in `overrides`. */
function override<T extends object>(target: T, overrides: Partial<T>): T {
  return new Proxy(target, {
    get(object, key) {
      const value: unknown = Object.hasOwn(overrides, key)
        ? Reflect.get(overrides, key)
        : Reflect.get(object, key);
      return typeof value === "function" && !Object.hasOwn(overrides, key)
        ? (value as (...args: unknown[]) => unknown).bind(object)
        : value;
    },
  });
}

function handingBack(transaction: Transaction): Transaction {
  let handedBack = false;
  const handBack = async (end: () => Promise<void>): Promise<void> => {
    if (handedBack) return;
    handedBack = true;
    await end();
  };
  return override(transaction, {
    async executeRaw(query: Query) {
      try {
        return await transaction.executeRaw(query);
      } catch (error) {
        if (ENDS_TRANSACTION.test(query.sql)) {
          await handBack(() => transaction.rollback()).catch(() => undefined);
        }
        throw error;
      }
    },
    commit: () => handBack(() => transaction.commit()),
    rollback: () => handBack(() => transaction.rollback()),
  });
}

export function handingBackBrokenTransactions(factory: PrismaPg): PrismaPg {
  return override(factory, {
    async connect() {
      const adapter = await factory.connect();
      return override(adapter, {
        async startTransaction(...args: Parameters<Adapter["startTransaction"]>) {
          return handingBack(await adapter.startTransaction(...args));
        },
      });
    },
  });
}
