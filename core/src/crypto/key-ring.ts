import { createHmac } from "node:crypto";

/** One 32-byte AES key with its stable version (derived from the key itself, not its position). */
export interface RingKey {
  readonly version: number;
  readonly key: Buffer;
}
/** The current key (encrypts) and older keys (decrypt only, until re-encryption moves every row). */
export interface KeyRing {
  readonly current: RingKey;
  readonly previous: readonly RingKey[];
  byVersion(version: number): RingKey | undefined;
}

/** Thrown by parseKeyRing; `problems` lists every problem found, none of them holding key material. */
export class KeyRingError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(problems.join("; "));
    this.name = "KeyRingError";
    this.problems = problems;
  }
}

export const KEY_BYTES = 32;
const HEX = /^[0-9a-fA-F]+$/;
// Standard and URL-safe alphabets both accepted; padding optional.
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * The key's version: the first 4 bytes of HMAC-SHA256(key, "agentry/key-version") as a
 * non-negative int32, so it is the same wherever the key sits in the ring and fits Postgres `int`.
 */
export function keyVersionOf(key: Buffer): number {
  const mac = createHmac("sha256", key).update("agentry/key-version").digest();
  return mac.readUInt32BE(0) & 0x7fffffff;
}

type Decoded =
  { readonly ok: true; readonly key: Buffer } | { readonly ok: false; readonly problem: string };

const EXPECTED = `must be ${KEY_BYTES} bytes, as 64 hex characters or base64`;

/** Decodes one key; `label` names the variable (and entry) in the problem, the value never appears. */
function decodeKey(label: string, raw: string): Decoded {
  const problem = (issue: string): Decoded => ({
    ok: false,
    problem: label === "" ? issue : `${label} ${issue}`,
  });
  const text = raw.trim();
  if (text === "") return problem("is empty");
  if (text.length === 2 * KEY_BYTES && HEX.test(text)) {
    return { ok: true, key: Buffer.from(text, "hex") };
  }
  if (HEX.test(text) && text.length % 2 === 0 && text.length < 2 * KEY_BYTES) {
    return problem(`${EXPECTED}; as hex it decodes to ${text.length / 2} bytes`);
  }
  if (!BASE64.test(text)) {
    return problem(`${EXPECTED}; it contains characters that are neither hex nor base64`);
  }
  const key = Buffer.from(text, "base64");
  if (key.length !== KEY_BYTES) return problem(`${EXPECTED}; it decodes to ${key.length} bytes`);
  return { ok: true, key };
}

/**
 * The problem with one key's text, or undefined when it is a valid key. The message starts
 * with `label` (omitted when ""); the value never appears. For config schemas that check early.
 */
export function keyTextProblem(label: string, raw: string): string | undefined {
  const decoded = decodeKey(label, raw);
  return decoded.ok ? undefined : decoded.problem;
}

/**
 * Splits ENCRYPTION_KEYS_PREVIOUS into its entries: `entry` is "entry 2 of 3" when there are
 * several (else ""), `label` the full name for messages.
 */
export function previousKeyEntries(
  previous: string | undefined,
): { label: string; entry: string; text: string }[] {
  // Empty entries (a trailing comma, an empty variable) are not keys; skip them.
  const entries = (previous ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  return entries.map((text, index) => {
    const entry = entries.length === 1 ? "" : `entry ${index + 1} of ${entries.length}`;
    const label = entry === "" ? "ENCRYPTION_KEYS_PREVIOUS" : `ENCRYPTION_KEYS_PREVIOUS (${entry})`;
    return { label, entry, text };
  });
}

/**
 * Parses ENCRYPTION_KEY (+ comma-separated ENCRYPTION_KEYS_PREVIOUS), each 32 bytes as hex or
 * base64/base64url. Throws a KeyRingError listing every problem, naming the variable and never
 * echoing a key. A key listed twice (or the current key listed as previous) is kept once.
 */
export function parseKeyRing(current: string, previous?: string): KeyRing {
  const problems: string[] = [];
  const currentDecoded = decodeKey("ENCRYPTION_KEY", current);
  if (!currentDecoded.ok) problems.push(currentDecoded.problem);

  const previousKeys: Buffer[] = [];
  for (const { label, text } of previousKeyEntries(previous)) {
    const decoded = decodeKey(label, text);
    if (decoded.ok) previousKeys.push(decoded.key);
    else problems.push(decoded.problem);
  }
  if (!currentDecoded.ok || problems.length > 0) throw new KeyRingError(problems);

  const byVersion = new Map<number, RingKey>();
  const add = (key: Buffer): RingKey | undefined => {
    const version = keyVersionOf(key);
    const known = byVersion.get(version);
    if (known === undefined) {
      const ringKey: RingKey = Object.freeze({ version, key });
      byVersion.set(version, ringKey);
      return ringKey;
    }
    // Two different keys with one version: a 31-bit collision, astronomically unlikely.
    if (!known.key.equals(key)) {
      problems.push(
        `two different keys share key version ${version}; generate a new ENCRYPTION_KEY`,
      );
    }
    return undefined;
  };
  const currentKey = add(currentDecoded.key);
  const previousRing = previousKeys.map(add).filter((k): k is RingKey => k !== undefined);
  if (currentKey === undefined || problems.length > 0) throw new KeyRingError(problems);

  return Object.freeze({
    current: currentKey,
    previous: Object.freeze(previousRing),
    byVersion: (version: number) => byVersion.get(version),
  });
}
