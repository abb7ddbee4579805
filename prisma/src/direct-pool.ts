import type { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";

// A read on the message's path for which Prisma's own raw path costs more than the round trip:
// $queryRaw goes through the client engine (query compiler, argument and result serialization)
// before and after pg, about 0.25 ms of CPU per call against 0.06 ms for the same statement on
// pg, and its allocations feed the scavenger. Such a read may go to the pg pool the client's
// adapter already holds: no second pool, the same connections, limits and error handler, and it
// follows the client's lifecycle (ended by $disconnect, a new one on reconnect).

/**
 * What a direct statement may do with the client's pool: a query, or a connection of the pool's
 * for one transaction (handed back to it after).
 */
export interface DirectQueryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    config: pg.QueryConfig,
  ): Promise<pg.QueryResult<R>>;
  connect(): Promise<pg.PoolClient>;
}

interface PoolHandle {
  current: pg.Pool | undefined;
}

const handles = new WeakMap<object, PoolHandle>();

/** Wraps the adapter factory so the pool of the adapter it connects is kept in `handle`. */
export function keepingPool(factory: PrismaPg, handle: PoolHandle): PrismaPg {
  return new Proxy(factory, {
    get(object, key) {
      if (key === "connect") {
        return async () => {
          const adapter = await object.connect();
          handle.current = adapter.underlyingDriver();
          return adapter;
        };
      }
      const value: unknown = Reflect.get(object, key);
      return typeof value === "function"
        ? (value as (...args: unknown[]) => unknown).bind(object)
        : value;
    },
  });
}

/** Registers the handle `keepingPool` fills for `client`. */
export function registerPool(client: object, handle: PoolHandle): void {
  handles.set(client, handle);
}

export function newPoolHandle(): PoolHandle {
  return { current: undefined };
}

/**
 * The pg pool under `client` (made by createPrismaClient) once the client has connected and
 * until it disconnects; undefined otherwise — use the client itself then (its first query
 * connects it).
 */
export function directPoolOf(client: object): DirectQueryable | undefined {
  const pool = handles.get(client)?.current;
  // $disconnect ends the pool; a reconnect makes a new one (and keepingPool records it).
  if (pool === undefined || pool.ending || pool.ended) return undefined;
  return pool;
}
