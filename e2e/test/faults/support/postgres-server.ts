import { execFile } from "node:child_process";
import { chown, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  freePort,
  guardDirectory,
  installed,
  releaseDirectory,
  spawnChild,
  waitUntil,
  type Child,
} from "./processes.js";

// A Postgres cluster of the test's own (initdb into a temporary directory, on a free port), so
// the test can crash and restart it without touching the machine's shared server. Postgres
// refuses to run as root: as root (CI here) the cluster belongs to the `postgres` user.

const run = promisify(execFile);
const BIN = process.env["POSTGRES_BIN"] ?? "/usr/lib/postgresql/15/bin";

/** Whether this machine has the server's binaries (POSTGRES_BIN, default Debian's 15). */
export const postgresInstalled = (): boolean => installed(join(BIN, "initdb"));

export interface PostgresServer {
  /** The `postgres` database as the superuser (trust auth): where test databases are made. */
  readonly url: string;
  /**
   * An immediate shutdown (SIGQUIT to the postmaster): every connection is cut, nothing is
   * flushed, and the next start replays the WAL, as after a crash. Resolves once it is down.
   */
  crash(): Promise<void>;
  /** Starts it again on the same port (if it is not running); resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it and deletes the cluster. */
  close(): Promise<void>;
}

/** Runs as `postgres` when this process is root, else as itself. */
async function owner(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const [uid, gid] = await Promise.all([
    run("id", ["-u", "postgres"]),
    run("id", ["-g", "postgres"]),
  ]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

async function accepts(port: number): Promise<boolean> {
  const ready = await run(
    join(BIN, "pg_isready"),
    ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-t", "1"],
    { timeout: 5_000 },
  ).then(
    () => true,
    () => false,
  );
  return ready;
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const dir = await mkdtemp(join(tmpdir(), "agentry-fault-pg-"));
  guardDirectory(dir);
  const user = await owner();
  if (user !== undefined) await chown(dir, user.uid, user.gid);
  const data = join(dir, "data");
  const as = user ?? {};
  await run(
    join(BIN, "initdb"),
    ["-D", data, "--auth=trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--no-instructions"],
    { ...as, timeout: 60_000 },
  );
  const port = await freePort();
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  let child: Child | undefined;
  const start = async (): Promise<void> => {
    if (child !== undefined && child.running()) return;
    child = spawnChild(
      join(BIN, "postgres"),
      [
        "-D",
        data,
        "-p",
        String(port),
        "-k",
        dir,
        "-c",
        "listen_addresses=127.0.0.1",
        // Nothing here must survive the machine, only the process: no fsync.
        "-c",
        "fsync=off",
        "-c",
        "full_page_writes=off",
      ],
      as,
    );
    await waitUntil(
      () => accepts(port),
      `postgres on port ${port} accepts connections`,
      30_000,
      child,
    );
  };
  try {
    await start();
  } catch (error) {
    await child?.stop("SIGQUIT");
    await rm(dir, { recursive: true, force: true });
    releaseDirectory(dir);
    throw error;
  }
  return {
    url,
    crash: async () => child?.stop("SIGQUIT", 10_000),
    start,
    async close() {
      // A fast shutdown: sessions are ended, nothing waits for clients.
      await child?.stop("SIGINT", 15_000);
      await rm(dir, { recursive: true, force: true });
      releaseDirectory(dir);
    },
  };
}
