import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { request } from "node:http";
import { promisify } from "node:util";
import type { TestApi } from "@agentry/api/testing";

// Where a secret could end up, gathered as text, and a search of that text for every secret
// and every piece of one.

/** A secret planted in the system; `publicPrefix` (sk-ant-api03-, gho_, …) is not itself secret. */
export interface Secret {
  readonly name: string;
  readonly value: string;
  readonly publicPrefix?: string;
  /**
   * Search only for the whole value: for a structured secret (a Codex auth.json) whose pieces
   * are mostly public structure (field names, a timestamp); list its secret fields on their own.
   */
  readonly wholeOnly?: boolean;
}

/** Named bodies of text to search (logs, dumps, responses). */
export type Corpora = Readonly<Record<string, string>>;

export const PIECE_LENGTH = 12;

/**
 * Every `PIECE_LENGTH`-character piece of each secret (those not wholly inside its public
 * prefix), searched for in every corpus (a `wholeOnly` secret: the whole of it). Returns one line per (corpus, secret) found — names and
 * offsets only, never the secret.
 */
export function findLeaks(secrets: readonly Secret[], corpora: Corpora): string[] {
  const pieces = new Map<string, { secret: string; offset: number }>();
  const found = new Map<string, string>();
  for (const secret of secrets) {
    if (secret.wholeOnly !== true) continue;
    for (const [corpus, text] of Object.entries(corpora)) {
      const at = text.indexOf(secret.value);
      if (at !== -1)
        found.set(`${corpus}: ${secret.name}`, `${corpus}: ${secret.name} (whole, at ${at})`);
    }
  }
  for (const secret of secrets) {
    if (secret.wholeOnly === true) continue;
    if (secret.value.length < PIECE_LENGTH) {
      throw new Error(`secret ${secret.name} is shorter than ${PIECE_LENGTH} characters`);
    }
    const first = Math.max(0, (secret.publicPrefix?.length ?? 0) - PIECE_LENGTH + 1);
    for (let offset = first; offset + PIECE_LENGTH <= secret.value.length; offset++) {
      pieces.set(secret.value.slice(offset, offset + PIECE_LENGTH), {
        secret: secret.name,
        offset,
      });
    }
  }
  for (const [corpus, text] of Object.entries(corpora)) {
    for (let at = 0; at + PIECE_LENGTH <= text.length; at++) {
      const hit = pieces.get(text.slice(at, at + PIECE_LENGTH));
      if (hit === undefined) continue;
      const key = `${corpus}: ${hit.secret}`;
      if (!found.has(key)) {
        found.set(key, `${key} (piece at ${hit.offset}, found at ${at} of ${text.length})`);
      }
    }
  }
  return [...found.values()];
}

/**
 * A TestApi that keeps every GraphQL response body it receives (`gql`, `ok`, `fail`), so the
 * bodies can be searched afterwards.
 */
export function recordingApi(api: TestApi, bodies: string[]): TestApi {
  const gql = async <T>(query: string, variables?: Record<string, unknown>, token?: string) => {
    const response = await api.gql<T>(query, variables, token);
    bodies.push(response.text);
    return response;
  };
  return {
    ...api,
    gql,
    async ok<T>(query: string, variables?: Record<string, unknown>, token?: string) {
      const response = await gql<T>(query, variables, token);
      if (response.errors !== undefined || response.data === null || response.data === undefined) {
        throw new Error(`GraphQL errors (HTTP ${response.status}): ${response.text}`);
      }
      return response.data;
    },
    async fail(query: string, variables?: Record<string, unknown>, token?: string) {
      const response = await gql<unknown>(query, variables, token);
      const first = response.errors?.[0];
      if (first === undefined) throw new Error(`Expected an error, got: ${response.text}`);
      return { ...first, response };
    },
  };
}

/** Every key matching `pattern` with its type and whole value (hashes, streams, lists, sets, …). */
export async function redisDump(redis: TestApi["redis"], pattern: string): Promise<string> {
  const keys: string[] = [];
  for await (const batch of redis.scanStream({ match: pattern, count: 1000 })) {
    keys.push(...(batch as string[]));
  }
  const lines: string[] = [];
  for (const key of keys.sort()) {
    const type = await redis.type(key);
    let value: unknown;
    switch (type) {
      case "string":
        value = await redis.getBuffer(key).then((buffer) => buffer?.toString("latin1"));
        break;
      case "hash":
        value = await redis.hgetall(key);
        break;
      case "list":
        value = await redis.lrange(key, 0, -1);
        break;
      case "set":
        value = await redis.smembers(key);
        break;
      case "zset":
        value = await redis.zrange(key, 0, -1, "WITHSCORES");
        break;
      case "stream":
        value = await redis.xrange(key, "-", "+");
        break;
      default:
        value = `(type ${type})`;
    }
    lines.push(`${key} ${type} ${JSON.stringify(value)}`);
  }
  return lines.join("\n");
}

const dockerSocket = (): string => {
  const host = process.env["DOCKER_HOST"];
  return host?.startsWith("unix://") === true
    ? host.slice("unix://".length)
    : "/var/run/docker.sock";
};

/** GET on the Docker Engine API; the body as text (latin1, so archives stay byte for byte). */
export function dockerGet(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: dockerSocket(), path, method: "GET" }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("latin1") });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/**
 * What the engine knows about an agent's container: its inspect (create config, environment,
 * labels, mounts), the inspect of every exec it still lists, its workspace volume, and the
 * workspace's files (journals, conversation) as an archive.
 */
export async function agentContainerDump(agentId: string): Promise<string> {
  const name = `agentry-agent-${agentId}`;
  const container = await dockerGet(`/containers/${name}/json`);
  if (container.status !== 200) throw new Error(`no container ${name}: ${container.status}`);
  const { ExecIDs: execIds } = JSON.parse(container.body) as { ExecIDs: string[] | null };
  const execs = await Promise.all(
    (execIds ?? []).map(async (id) => (await dockerGet(`/exec/${id}/json`)).body),
  );
  const volume = await dockerGet(`/volumes/agentry-workspace-${agentId}`);
  const workspace = await dockerGet(`/containers/${name}/archive?path=/workspace`);
  return [container.body, ...execs, volume.body, workspace.body].join("\n");
}

/**
 * The environment and command line of every process in an agent's container, read from the
 * host's /proc (the container's processes are the host's), e.g. while a run is in flight.
 */
export async function agentProcessesDump(agentId: string): Promise<string> {
  const top = await dockerGet(`/containers/agentry-agent-${agentId}/top`);
  const { Titles: titles, Processes: processes } = JSON.parse(top.body) as {
    Titles: string[];
    Processes: string[][];
  };
  const pidColumn = titles.indexOf("PID");
  const dumps = await Promise.all(
    processes.map(async (row) => {
      const pid = row[pidColumn];
      const read = (file: string) =>
        readFile(`/proc/${pid}/${file}`, "latin1").catch(() => `(${file} unreadable)`);
      return `${row.join(" ")}\n${await read("cmdline")}\n${await read("environ")}`;
    }),
  );
  return [top.body, ...dumps].join("\n");
}

/** The database's every row (`pg_dump --data-only`), as SQL text. */
export async function pgDumpData(databaseUrl: string): Promise<string> {
  const { stdout } = await promisify(execFile)("pg_dump", ["--data-only", databaseUrl], {
    maxBuffer: 256 * 1024 * 1024,
  });
  return stdout;
}
