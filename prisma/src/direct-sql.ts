import type { QueryResultRow } from "pg";
import { directPoolOf, type DirectQueryable } from "./direct-pool.js";

// The statements every message runs, on the pg pool the client's adapter holds (direct-pool.ts),
// each prepared once per connection: through the client engine a raw statement costs several
// times its round trip in CPU (argument and result serialization), and a message runs a dozen.
//
// What comes back is pg's, not Prisma's: int8 and numeric arrive as strings, and a `timestamp`
// column (how Prisma stores a DateTime: UTC, without a zone) would be read in the process's own
// zone, so statements read those `AT TIME ZONE 'UTC'` and callers parse numbers themselves.

/** A statement with a name of its own: pg prepares it once per connection under that name. */
export interface DirectStatement {
  readonly name: string;
  readonly text: string;
}

/**
 * Names a statement. A connection keeps the text it first prepared under a name, so the name
 * must change with the text: it carries a hash of it.
 */
export function directStatement(name: string, text: string): DirectStatement {
  let hash = 0;
  for (let index = 0; index < text.length; index += 1) {
    hash = (Math.imul(hash, 31) + text.charCodeAt(index)) | 0;
  }
  return { name: `agentry_${name}_${(hash >>> 0).toString(36)}`, text };
}

/** Runs one statement and gives its rows. */
export type DirectRun = <R>(statement: DirectStatement, values: readonly unknown[]) => Promise<R[]>;

/** A client standing for another (a wrapper): whose pool runs its statements, through what. */
interface Stand {
  readonly client: Connectable;
  readonly around: <T>(call: () => Promise<T>) => Promise<T>;
}

const stands = new WeakMap<object, Stand>();

/** The client's pool connects with the client: connect it first when it has not yet. */
interface Connectable {
  $connect(): Promise<void>;
}

async function poolOf(client: Connectable): Promise<DirectQueryable> {
  let pool = directPoolOf(client);
  if (pool === undefined) {
    await client.$connect();
    pool = directPoolOf(client);
  }
  if (pool === undefined) {
    throw new Error("Direct statements need a client made by createPrismaClient");
  }
  return pool;
}

/** The rows of one statement, run on the client's pg pool (see the module's comment for types). */
export async function directRows<R>(
  client: Connectable,
  statement: DirectStatement,
  values: readonly unknown[],
): Promise<R[]> {
  const stand = stands.get(client);
  if (stand !== undefined)
    return stand.around(() => directRows<R>(stand.client, statement, values));
  const pool = await poolOf(client);
  const result = await pool.query<R & QueryResultRow>({ ...statement, values: [...values] });
  return result.rows;
}

/**
 * Runs `work`'s statements in one transaction on one of the pool's connections: committed when
 * it returns, rolled back when it throws. A connection that could not even roll back (the
 * database went away) is dropped rather than handed back.
 */
export async function directTransaction<T>(
  client: Connectable,
  work: (run: DirectRun) => Promise<T>,
): Promise<T> {
  const stand = stands.get(client);
  if (stand !== undefined) return stand.around(() => directTransaction(stand.client, work));
  const connection = await (await poolOf(client)).connect();
  let broken: Error | undefined;
  try {
    await connection.query("BEGIN");
    const result = await work(async <R>(statement: DirectStatement, values: readonly unknown[]) => {
      const { rows } = await connection.query<R & QueryResultRow>({
        ...statement,
        values: [...values],
      });
      return rows;
    });
    await connection.query("COMMIT");
    return result;
  } catch (error) {
    await connection.query("ROLLBACK").catch((failed: unknown) => {
      broken = failed instanceof Error ? failed : new Error(String(failed));
    });
    throw error;
  } finally {
    connection.release(broken);
  }
}

/**
 * Makes `wrapper` (a proxy of `client`, say) run direct statements and transactions on
 * `client`'s pool, each whole call passed through `around` (which may, for one, make it again
 * after a database restart).
 */
export function directThrough(
  wrapper: object,
  client: Connectable,
  around: <T>(call: () => Promise<T>) => Promise<T>,
): void {
  stands.set(wrapper, { client, around });
}
