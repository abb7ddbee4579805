import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { KeyRingError, keyVersionOf, parseKeyRing } from "../src/crypto/key-ring.js";

const newKey = (): Buffer => randomBytes(32);
const problemsOf = (run: () => unknown): readonly string[] => {
  try {
    run();
  } catch (error) {
    if (error instanceof KeyRingError) return error.problems;
    throw error;
  }
  throw new Error("expected a KeyRingError");
};

describe("parseKeyRing", () => {
  it("accepts a key as 64 hex characters, either case", () => {
    const key = newKey();
    expect(parseKeyRing(key.toString("hex")).current.key.equals(key)).toBe(true);
    expect(parseKeyRing(key.toString("hex").toUpperCase()).current.key.equals(key)).toBe(true);
  });

  it("accepts a key as base64, padded or not, and as base64url", () => {
    // Keys with +, / (and so -, _ in base64url) in their encoding, so both alphabets are exercised.
    let key = newKey();
    while (!/[+/]/.test(key.toString("base64"))) key = newKey();
    for (const text of [
      key.toString("base64"),
      key.toString("base64").replace(/=+$/, ""),
      key.toString("base64url"),
      `  ${key.toString("base64")}\n`,
    ]) {
      expect(parseKeyRing(text).current.key.equals(key)).toBe(true);
    }
  });

  it("derives the version from the key itself, so its position in the ring does not change it", () => {
    const a = newKey();
    const b = newKey();
    const ringAB = parseKeyRing(a.toString("hex"), b.toString("base64"));
    const ringBA = parseKeyRing(b.toString("base64url"), a.toString("hex"));
    expect(ringAB.current.version).toBe(ringBA.previous[0]?.version);
    expect(ringAB.previous[0]?.version).toBe(ringBA.current.version);
    expect(ringAB.current.version).toBe(keyVersionOf(a));
    expect(ringAB.current.version).not.toBe(ringAB.previous[0]?.version);
  });

  it("keeps the version derivation fixed (a change would orphan every stored row)", () => {
    // HMAC-SHA256(32 zero bytes, "agentry/key-version"), first 4 bytes big-endian, & 0x7fffffff.
    expect(parseKeyRing("00".repeat(32)).current.version).toBe(1040379210);
  });

  it("finds every key of the ring by its version", () => {
    const [a, b, c] = [newKey(), newKey(), newKey()];
    const ring = parseKeyRing(a.toString("hex"), `${b.toString("hex")}, ${c.toString("base64")}`);
    expect(ring.previous).toHaveLength(2);
    for (const key of [a, b, c])
      expect(ring.byVersion(keyVersionOf(key))?.key.equals(key)).toBe(true);
    expect(ring.byVersion(keyVersionOf(newKey()))).toBeUndefined();
  });

  it("keeps a key listed twice once, including the current key listed as previous", () => {
    const [a, b] = [newKey(), newKey()];
    const ring = parseKeyRing(
      a.toString("hex"),
      `${b.toString("hex")},${b.toString("base64")},${a.toString("base64url")},`,
    );
    expect(ring.previous.map((k) => k.version)).toEqual([keyVersionOf(b)]);
  });

  it("treats an empty previous list as no previous keys", () => {
    expect(parseKeyRing(newKey().toString("hex"), "").previous).toEqual([]);
    expect(parseKeyRing(newKey().toString("hex"), " , ").previous).toEqual([]);
  });

  it("refuses keys of the wrong length, naming the variable and the decoded size", () => {
    expect(problemsOf(() => parseKeyRing(randomBytes(17).toString("base64")))).toEqual([
      "ENCRYPTION_KEY must be 32 bytes, as 64 hex characters or base64; it decodes to 17 bytes",
    ]);
    expect(problemsOf(() => parseKeyRing(randomBytes(16).toString("hex")))).toEqual([
      "ENCRYPTION_KEY must be 32 bytes, as 64 hex characters or base64; as hex it decodes to 16 bytes",
    ]);
    expect(problemsOf(() => parseKeyRing(randomBytes(33).toString("base64url")))[0]).toContain(
      "decodes to 33 bytes",
    );
  });

  it("refuses garbage and an empty key", () => {
    expect(problemsOf(() => parseKeyRing("not a key!"))).toEqual([
      "ENCRYPTION_KEY must be 32 bytes, as 64 hex characters or base64; it contains characters that are neither hex nor base64",
    ]);
    expect(problemsOf(() => parseKeyRing("   "))).toEqual(["ENCRYPTION_KEY is empty"]);
  });

  it("lists every problem at once, naming which previous entry is wrong", () => {
    const good = newKey().toString("hex");
    const problems = problemsOf(() =>
      parseKeyRing("short", `${good},${randomBytes(20).toString("base64")},${good}zz`),
    );
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^ENCRYPTION_KEY /);
    expect(problems[1]).toMatch(/^ENCRYPTION_KEYS_PREVIOUS \(entry 2 of 3\) .*decodes to 20 bytes/);
    expect(problems[2]).toMatch(/^ENCRYPTION_KEYS_PREVIOUS \(entry 3 of 3\) /);
  });

  it("never echoes a key in its error", () => {
    // Fixed bytes: a random key could share a 4-character piece with the message by chance.
    const almost = createHash("sha256").update("never echoed").digest().subarray(0, 31);
    const texts = [
      almost.toString("hex"),
      almost.toString("base64"),
      `${newKey().toString("hex")}!`,
    ];
    for (const text of texts) {
      const message = problemsOf(() => parseKeyRing(text, text)).join("\n");
      for (let i = 0; i + 4 <= text.length; i += 1) {
        expect(message).not.toContain(text.slice(i, i + 4));
      }
    }
  });
});
