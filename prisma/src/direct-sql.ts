import { directPoolOf } from "./direct-pool.js";

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

type Runner = (statement: DirectStatement, values: readonly unknown[]) => Promise<unknown[]>;

/** Clients that stand for another one (a wrapper) and how their direct statements run. */
const runners = new WeakMap<object, Runner>();

/** The client's pool connects with the client: connect it first when it has not yet. */
interface Connectable {
  $connect(): Promise<void>;
}

async function runOnPool(
  client: Connectable,
  statement: DirectStatement,
  values: readonly unknown[],
): Promise<unknown[]> {
  let pool = directPoolOf(client);
  if (pool === undefined) {
    await client.$connect();
    pool = directPoolOf(client);
  }
  if (pool === undefined) {
    throw new Error("Direct statements need a client made by createPrismaClient");
  }
  const result = await pool.query({ ...statement, values: [...values] });
  return result.rows;
}

/** The rows of one statement, run on the client's pg pool (see the module's comment for types). */
export async function directRows<R>(
  client: Connectable,
  statement: DirectStatement,
  values: readonly unknown[],
): Promise<R[]> {
  const runner = runners.get(client);
  const rows = await (runner === undefined
    ? runOnPool(client, statement, values)
    : runner(statement, values));
  return rows as R[];
}

/**
 * Makes `wrapper` (a proxy of `client`, say) run direct statements on `client`'s pool, each call
 * passed through `around` (which may, for one, make it again after a database restart).
 */
export function directThrough(
  wrapper: object,
  client: Connectable,
  around: (call: () => Promise<unknown[]>) => Promise<unknown[]>,
): void {
  runners.set(wrapper, (statement, values) => around(() => directRows(client, statement, values)));
}
