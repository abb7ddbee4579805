import { createDecipheriv } from "node:crypto";
import type { KeyRing } from "./key-ring.js";
import {
  CIPHER_ALGORITHM,
  createSealingVault,
  encodeIdentity,
  NONCE_BYTES,
  TAG_BYTES,
  type CredentialIdentity,
  type SealedSecret,
  type SealingVault,
} from "./seal.js";

// The opening half of the vault, exported only from `@agentry/core/secrets` (the worker's):
// the api seals through a SealingVault and a lint rule keeps this module out of its reach.

export interface Vault extends SealingVault {
  /** Throws on tamper, wrong key, unknown key version, or a ciphertext moved to another identity. */
  open(identity: CredentialIdentity, sealed: SealedSecret): string;
}

/**
 * Thrown by `open`. The message is fixed and never holds secret material; `reason` tells an
 * operator whether the key is missing from the ring or the data does not authenticate (tampered,
 * wrong key, or moved to another row/owner — AES-GCM cannot tell those apart).
 */
export class DecryptionError extends Error {
  readonly reason: "unknown-key-version" | "not-authentic";
  readonly keyVersion: number;

  constructor(reason: DecryptionError["reason"], keyVersion: number) {
    super(
      reason === "unknown-key-version"
        ? "The secret is encrypted under a key that is not in the key ring"
        : "The secret could not be decrypted: wrong key, tampered data, or moved to another record",
    );
    this.name = "DecryptionError";
    this.reason = reason;
    this.keyVersion = keyVersion;
  }
}

/** Opens what sealWithKey sealed, with the ring key of `sealed.keyVersion`; throws DecryptionError. */
export function openWithRing(ring: KeyRing, associatedData: Buffer, sealed: SealedSecret): Buffer {
  const key = ring.byVersion(sealed.keyVersion);
  if (key === undefined) throw new DecryptionError("unknown-key-version", sealed.keyVersion);
  if (sealed.nonce.length !== NONCE_BYTES || sealed.ciphertext.length < TAG_BYTES) {
    throw new DecryptionError("not-authentic", sealed.keyVersion);
  }
  const split = sealed.ciphertext.length - TAG_BYTES;
  try {
    const decipher = createDecipheriv(CIPHER_ALGORITHM, key.key, sealed.nonce, {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(associatedData);
    decipher.setAuthTag(sealed.ciphertext.subarray(split));
    return Buffer.concat([decipher.update(sealed.ciphertext.subarray(0, split)), decipher.final()]);
  } catch {
    // node's own message ("Unsupported state or unable to authenticate data") says nothing more.
    throw new DecryptionError("not-authentic", sealed.keyVersion);
  }
}

/** Seals with the ring's current key; opens with whichever ring key the ciphertext names. */
export function createVault(ring: KeyRing): Vault {
  const sealing = createSealingVault(ring.current);
  return {
    seal: (identity, plaintext) => sealing.seal(identity, plaintext),
    open: (identity, sealed) =>
      openWithRing(ring, encodeIdentity(identity), sealed).toString("utf8"),
  };
}
