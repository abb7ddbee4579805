// Scratch databases on the local server, created and always dropped by the caller.
import { randomBytes } from "node:crypto";
import pg from "pg";

const quoteIdent = (name) => `"${name.replaceAll('"', '""')}"`;

/** Runs `fn` with an admin connection to the server's maintenance database. */
export async function withServer(serverUrl, fn) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The URL of database `name` on the same server as `serverUrl`. */
export function databaseUrl(serverUrl, name) {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Creates `name` unless it exists; resolves true when it was created. */
export async function ensureDatabase(serverUrl, name) {
  return withServer(serverUrl, async (client) => {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount) return false;
    await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
    return true;
  });
}

/** A new, empty database with a random name; `drop()` removes it even with sessions open. */
export async function createScratchDatabase(serverUrl, prefix) {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  await withServer(serverUrl, (client) => client.query(`CREATE DATABASE ${quoteIdent(name)}`));
  return {
    name,
    url: databaseUrl(serverUrl, name),
    drop: () =>
      withServer(serverUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`),
      ),
  };
}

/** Runs a multi-statement SQL script in one database. */
export async function execScript(url, sql) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
