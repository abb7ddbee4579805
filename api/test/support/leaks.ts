import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import type { Redis } from "ioredis";

// Planted secrets and the search for any piece of them: in responses, log lines, a dump of the
// database and the api's Redis keys. A piece is any 12 characters of a secret that include at
// least one of its random characters (the public prefixes and the JSON around a Codex token are
// no secret), looked for as written, JSON-escaped (once and twice: JSON in a JSON log line) and
// as hex (a bytea column holding plaintext).

export const PIECE_LENGTH = 12;

/** A secret planted somewhere, and what must never be found of it. */
export interface Planted {
  /** Where it was planted, for the failure message. */
  readonly label: string;
  readonly text: string;
  /** Every 12-character piece with at least one random character (the whole, if shorter). */
  readonly pieces: readonly string[];
}

type Part = string | { readonly random: number; readonly alphabet?: "base64url" | "alnum" };

const randomText = (length: number, alphabet: "base64url" | "alnum"): string => {
  let text = "";
  while (text.length < length) {
    const chunk = randomBytes(length * 2).toString("base64url");
    text += alphabet === "alnum" ? chunk.replace(/[-_]/g, "") : chunk;
  }
  return text.slice(0, length);
};

/** Builds a secret from public parts and random ones. */
export function plant(label: string, ...parts: readonly Part[]): Planted {
  let text = "";
  const secretAt: boolean[] = [];
  for (const part of parts) {
    const piece =
      typeof part === "string" ? part : randomText(part.random, part.alphabet ?? "base64url");
    text += piece;
    for (let i = 0; i < piece.length; i += 1) secretAt.push(typeof part !== "string");
  }
  const pieces = new Set<string>();
  if (text.length <= PIECE_LENGTH) pieces.add(text);
  for (let start = 0; start + PIECE_LENGTH <= text.length; start += 1) {
    if (secretAt.slice(start, start + PIECE_LENGTH).some(Boolean)) {
      pieces.add(text.slice(start, start + PIECE_LENGTH));
    }
  }
  return { label, text, pieces: [...pieces] };
}

/** Secrets in the shapes each provider's credentials have. */
export const shapes = {
  anthropicKey: () => plant("Anthropic API key", "sk-ant-api03-", { random: 95 }, "AA"),
  anthropicSubscription: () =>
    plant("Claude subscription token", "sk-ant-oat01-", { random: 95 }, "AA"),
  openaiKey: () => plant("OpenAI API key", "sk-proj-", { random: 120 }),
  codexAuthJson: () =>
    plant(
      "Codex auth.json",
      '{"OPENAI_API_KEY":null,"tokens":{"id_token":"eyJ',
      { random: 80 },
      '","access_token":"eyJ',
      { random: 120 },
      '","refresh_token":"rt_',
      { random: 60 },
      '","account_id":"',
      { random: 24 },
      '"},"last_refresh":"2026-01-01T00:00:00Z"}',
    ),
  geminiKey: () => plant("Gemini API key", "AIza", { random: 35 }),
  githubOAuthToken: () => plant("GitHub OAuth token", "gho_", { random: 36, alphabet: "alnum" }),
  githubUserToken: () => plant("GitHub user token", "ghu_", { random: 36, alphabet: "alnum" }),
  githubFineGrained: () =>
    plant("GitHub fine-grained token", "github_pat_", { random: 82, alphabet: "alnum" }),
};

const escapeJson = (text: string): string => JSON.stringify(text).slice(1, -1);

/** One place a piece of a secret was found. */
export interface Hit {
  readonly secret: string;
  readonly piece: string;
  readonly where: string;
  readonly context: string;
}

/** Every hit of any piece of any planted secret in the named texts. */
export function findPieces(
  planted: readonly Planted[],
  haystacks: Readonly<Record<string, string>>,
): Hit[] {
  const needles = new Map<string, { secret: string; piece: string }>();
  for (const secret of planted) {
    for (const piece of secret.pieces) {
      const forms = [
        piece,
        escapeJson(piece),
        escapeJson(escapeJson(piece)),
        Buffer.from(piece, "utf8").toString("hex"),
      ];
      for (const form of forms) needles.set(form, { secret: secret.label, piece });
    }
  }
  const lengths = [...new Set([...needles.keys()].map((needle) => needle.length))];
  const hits: Hit[] = [];
  for (const [where, text] of Object.entries(haystacks)) {
    for (const length of lengths) {
      for (let at = 0; at + length <= text.length; at += 1) {
        const found = needles.get(text.slice(at, at + length));
        if (found !== undefined) {
          hits.push({ ...found, where, context: text.slice(Math.max(0, at - 80), at + 80) });
          at += length - 1;
        }
      }
    }
  }
  return hits;
}

/** `pg_dump --data-only` of a database, as text. */
export async function dumpDatabase(url: string): Promise<string> {
  const { stdout } = await promisify(execFile)("pg_dump", ["--data-only", url], {
    maxBuffer: 256 * 1024 * 1024,
  });
  return stdout;
}

/** Every key under a namespace with its value(s), as text. */
export async function dumpRedis(redis: Redis, namespace: string): Promise<string> {
  const out: string[] = [];
  for await (const batch of redis.scanStream({ match: `${namespace}*`, count: 500 })) {
    for (const key of batch as string[]) {
      const type = await redis.type(key);
      let value: unknown;
      if (type === "string") value = await redis.get(key);
      else if (type === "hash") value = await redis.hgetall(key);
      else if (type === "list") value = await redis.lrange(key, 0, -1);
      else if (type === "set") value = await redis.smembers(key);
      else if (type === "zset") value = await redis.zrange(key, 0, -1, "WITHSCORES");
      else if (type === "stream") value = await redis.xrange(key, "-", "+");
      out.push(`${key} ${type} ${JSON.stringify(value)}`);
    }
  }
  return out.join("\n");
}

/** A stack trace line, as Node prints them ("    at fn (/path/file.ts:12:3)"). */
export const STACK_TRACE = /\bat .*\.[cm]?[jt]s:\d+|\bat (?:async )?[\w.<>]+ \(/;
