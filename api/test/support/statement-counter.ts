import pg from "pg";

// Counts the SQL statements sent to one database from this process, at the driver: every
// statement the api's Prisma client runs goes through pg's Client#query (the driver adapter's
// pool hands it clients), so nothing the database is asked escapes the count, and nothing
// needs an extension (pg_stat_statements) or a client built for logging.

export interface StatementCounter {
  /** The statements so far, as sent. */
  readonly statements: readonly string[];
  /** Stops counting. */
  stop(): void;
}

/** pg's Client prototype, seen as what is swapped here: its query function. */
type Queryable = { query: (this: { readonly database?: string }, ...args: unknown[]) => unknown };

/** Starts counting the statements sent to the database of `databaseUrl`. */
export function countStatements(databaseUrl: string): StatementCounter {
  const database = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  const statements: string[] = [];
  const prototype = pg.Client.prototype as unknown as Queryable;
  const original = prototype.query;
  const counting: Queryable["query"] = function (...args) {
    if (this.database === database) statements.push(textOf(args[0]));
    return Reflect.apply(original, this, args);
  };
  prototype.query = counting;
  return {
    statements,
    stop() {
      if (prototype.query === counting) prototype.query = original;
    },
  };
}

function textOf(config: unknown): string {
  if (typeof config === "string") return config;
  if (typeof config === "object" && config !== null && "text" in config) {
    const { text } = config;
    if (typeof text === "string") return text;
  }
  return "(statement)";
}
