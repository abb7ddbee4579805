import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { KeyRing, RingKey } from "./key-ring.js";
import type { CredentialKind, Provider } from "../domain/enums.js";

/** The identity bound into the ciphertext as AES-GCM associated data. */
export interface CredentialIdentity {
  readonly id: string;
  readonly owner: { readonly type: "user" | "session"; readonly id: string };
  readonly provider: Provider;
  readonly kind: CredentialKind;
}
export interface SealedSecret {
  readonly ciphertext: Buffer; // ciphertext || 16-byte GCM tag
  readonly nonce: Buffer; // 12 random bytes
  readonly keyVersion: number;
}
export interface Vault {
  seal(identity: CredentialIdentity, plaintext: string): SealedSecret;
  /** Throws on tamper, wrong key, unknown key version, or a ciphertext moved to another identity. */
  open(identity: CredentialIdentity, sealed: SealedSecret): string;
}

export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
const ALGORITHM = "aes-256-gcm";

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

/**
 * The canonical associated data for an identity: a domain tag, then each field as a 4-byte
 * big-endian length and its UTF-8 bytes, so no two identities encode alike (no separator games).
 */
export function encodeIdentity(identity: CredentialIdentity): Buffer {
  return encodeFields([
    "agentry/credential/v1",
    identity.id,
    identity.owner.type,
    identity.owner.id,
    identity.provider,
    identity.kind,
  ]);
}

export function encodeFields(fields: readonly string[]): Buffer {
  const parts: Buffer[] = [];
  for (const field of fields) {
    const bytes = Buffer.from(field, "utf8");
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    parts.push(length, bytes);
  }
  return Buffer.concat(parts);
}

/** The identity of a Credential row: exactly one of userId / sessionId owns it. */
export function credentialIdentityOf(row: {
  readonly id: string;
  readonly userId: string | null;
  readonly sessionId: string | null;
  readonly provider: Provider;
  readonly kind: CredentialKind;
}): CredentialIdentity {
  if ((row.userId === null) === (row.sessionId === null)) {
    throw new Error(`Credential ${row.id} must be owned by exactly one of a user or a session`);
  }
  const owner =
    row.userId !== null
      ? ({ type: "user", id: row.userId } as const)
      : ({ type: "session", id: row.sessionId ?? "" } as const);
  return { id: row.id, owner, provider: row.provider, kind: row.kind };
}

/** The columns a SealedSecret is stored in (Prisma `Bytes` wants a Uint8Array over an ArrayBuffer). */
export interface SealedColumns {
  readonly ciphertext: Uint8Array<ArrayBuffer>;
  readonly nonce: Uint8Array<ArrayBuffer>;
  readonly keyVersion: number;
}

/** A SealedSecret as Prisma writes it: `data: { ...sealedColumns(vault.seal(identity, secret)) }`. */
export function sealedColumns(sealed: SealedSecret): SealedColumns {
  return {
    ciphertext: new Uint8Array(sealed.ciphertext),
    nonce: new Uint8Array(sealed.nonce),
    keyVersion: sealed.keyVersion,
  };
}

/** The SealedSecret a stored row holds (its ciphertext, nonce and keyVersion columns). */
export function sealedFromRow(row: {
  readonly ciphertext: Uint8Array;
  readonly nonce: Uint8Array;
  readonly keyVersion: number;
}): SealedSecret {
  return {
    ciphertext: Buffer.from(row.ciphertext),
    nonce: Buffer.from(row.nonce),
    keyVersion: row.keyVersion,
  };
}

/** AES-256-GCM under one ring key with a fresh random nonce. */
export function sealWithKey(key: RingKey, associatedData: Buffer, plaintext: Buffer): SealedSecret {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv(ALGORITHM, key.key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext: Buffer.concat([body, cipher.getAuthTag()]), nonce, keyVersion: key.version };
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
    const decipher = createDecipheriv(ALGORITHM, key.key, sealed.nonce, {
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
  return {
    seal: (identity, plaintext) =>
      sealWithKey(ring.current, encodeIdentity(identity), Buffer.from(plaintext, "utf8")),
    open: (identity, sealed) =>
      openWithRing(ring, encodeIdentity(identity), sealed).toString("utf8"),
  };
}
