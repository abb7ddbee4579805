import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseKeyRing } from "../src/crypto/key-ring.js";
import {
  createSealingVault,
  type CredentialIdentity,
  type SealedSecret,
} from "../src/crypto/seal.js";
import { createVault, DecryptionError } from "../src/crypto/vault.js";

const keyText = (): string => randomBytes(32).toString("hex");
const identity = (): CredentialIdentity => ({
  id: randomUUID(),
  owner: { type: "user", id: randomUUID() },
  provider: "ANTHROPIC",
  kind: "API_KEY",
});
const SECRET = "sk-ant-api03-vault-round-trip-secret";

const flip = (buffer: Buffer, index: number): Buffer => {
  const copy = Buffer.from(buffer);
  copy[index] = (copy[index] ?? 0) ^ 0x01;
  return copy;
};

function expectRefused(open: () => string, reason: DecryptionError["reason"]): void {
  let caught: unknown;
  try {
    open();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(DecryptionError);
  expect((caught as DecryptionError).reason).toBe(reason);
  expect((caught as DecryptionError).message).not.toContain("vault-round-trip");
}

describe("vault", () => {
  const ring = parseKeyRing(keyText());
  const vault = createVault(ring);

  it("opens what it sealed, for the same identity", () => {
    const id = identity();
    const sealed = vault.seal(id, SECRET);
    expect(sealed.nonce).toHaveLength(12);
    expect(sealed.ciphertext).toHaveLength(Buffer.byteLength(SECRET) + 16);
    expect(sealed.keyVersion).toBe(ring.current.version);
    expect(sealed.ciphertext.includes(Buffer.from(SECRET))).toBe(false);
    expect(vault.open(id, sealed)).toBe(SECRET);
    expect(vault.open(id, vault.seal(id, "ünïcødé ✓"))).toBe("ünïcødé ✓");
  });

  it("uses a fresh nonce for every seal", () => {
    const id = identity();
    const a = vault.seal(id, SECRET);
    const b = vault.seal(id, SECRET);
    expect(a.nonce.equals(b.nonce)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
  });

  it("refuses a flipped bit in the ciphertext, in the tag and in the nonce", () => {
    const id = identity();
    const sealed = vault.seal(id, SECRET);
    const tagStart = sealed.ciphertext.length - 16;
    const tampered: SealedSecret[] = [
      { ...sealed, ciphertext: flip(sealed.ciphertext, 0) },
      { ...sealed, ciphertext: flip(sealed.ciphertext, tagStart - 1) },
      { ...sealed, ciphertext: flip(sealed.ciphertext, tagStart) },
      { ...sealed, ciphertext: flip(sealed.ciphertext, sealed.ciphertext.length - 1) },
      { ...sealed, nonce: flip(sealed.nonce, 5) },
      { ...sealed, ciphertext: sealed.ciphertext.subarray(0, tagStart) },
      { ...sealed, nonce: sealed.nonce.subarray(0, 11) },
    ];
    for (const bad of tampered) expectRefused(() => vault.open(id, bad), "not-authentic");
    expect(vault.open(id, sealed)).toBe(SECRET);
  });

  it("refuses to open with a wrong key that claims the same version", () => {
    const id = identity();
    const sealed = vault.seal(id, SECRET);
    const other = parseKeyRing(keyText());
    // A ring whose key answers to the sealed version but is another key.
    const impostor = createVault({
      current: other.current,
      previous: [],
      byVersion: (version) => (version === sealed.keyVersion ? other.current : undefined),
    });
    expectRefused(() => impostor.open(id, sealed), "not-authentic");
  });

  it("refuses a key version the ring does not hold", () => {
    const id = identity();
    const sealed = vault.seal(id, SECRET);
    expectRefused(
      () => createVault(parseKeyRing(keyText())).open(id, sealed),
      "unknown-key-version",
    );
    expectRefused(
      () => vault.open(id, { ...sealed, keyVersion: sealed.keyVersion ^ 1 }),
      "unknown-key-version",
    );
  });

  it("opens secrets sealed under a previous key of the ring, and seals new ones under the current", () => {
    const oldKey = keyText();
    const oldVault = createVault(parseKeyRing(oldKey));
    const id = identity();
    const sealed = oldVault.seal(id, SECRET);
    const rotated = parseKeyRing(keyText(), oldKey);
    expect(createVault(rotated).open(id, sealed)).toBe(SECRET);
    expect(createVault(rotated).seal(id, SECRET).keyVersion).toBe(rotated.current.version);
  });

  it("refuses a ciphertext copied onto another identity", () => {
    const id: CredentialIdentity = {
      id: randomUUID(),
      owner: { type: "session", id: randomUUID() },
      provider: "OPENAI",
      kind: "API_KEY",
    };
    const sealed = vault.seal(id, SECRET);
    const moved: CredentialIdentity[] = [
      { ...id, id: randomUUID() },
      { ...id, owner: { type: "session", id: randomUUID() } },
      { ...id, owner: { type: "user", id: id.owner.id } },
      { ...id, provider: "ANTHROPIC" },
      { ...id, kind: "SUBSCRIPTION" },
    ];
    for (const other of moved) expectRefused(() => vault.open(other, sealed), "not-authentic");
    expect(vault.open(id, sealed)).toBe(SECRET);
  });

  it("does not let two identities encode alike by shifting characters between fields", () => {
    const owner = randomUUID();
    const a: CredentialIdentity = {
      id: "ab",
      owner: { type: "user", id: `c${owner}` },
      provider: "GEMINI",
      kind: "API_KEY",
    };
    const b: CredentialIdentity = {
      id: "abc",
      owner: { type: "user", id: owner },
      provider: "GEMINI",
      kind: "API_KEY",
    };
    expectRefused(() => vault.open(b, vault.seal(a, SECRET)), "not-authentic");
  });
});

describe("sealing vault (the api's)", () => {
  it("seals under the ring's current key what the full vault opens, and has nothing but seal", () => {
    const old = keyText();
    const ring = parseKeyRing(keyText(), old);
    const sealing = createSealingVault(ring.current);
    const id = identity();
    const sealed = sealing.seal(id, SECRET);
    expect(sealed.keyVersion).toBe(ring.current.version);
    expect(createVault(ring).open(id, sealed)).toBe(SECRET);
    // No open, and no way to add one: the object is exactly { seal }.
    expect(Object.keys(sealing)).toEqual(["seal"]);
    expect(Object.isFrozen(sealing)).toBe(true);
    expect("open" in sealing).toBe(false);
  });
});
