import { createCipheriv, randomBytes } from "node:crypto";
import type { RingKey } from "./key-ring.js";
import type { CredentialKind, Provider } from "../domain/enums.js";

// The sealing half of the vault: what a process that stores secrets needs (the api) and that
// cannot open one. Opening lives in vault.ts, exported only from `@agentry/core/secrets`.

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
/** Seals secrets; has no way to open them (the api's vault). */
export interface SealingVault {
  seal(identity: CredentialIdentity, plaintext: string): SealedSecret;
}

export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
export const CIPHER_ALGORITHM = "aes-256-gcm";

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
  const cipher = createCipheriv(CIPHER_ALGORITHM, key.key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext: Buffer.concat([body, cipher.getAuthTag()]), nonce, keyVersion: key.version };
}

/**
 * Seals with `key` (a ring's current key: `createSealingVault(ring.current)`). Holds that one
 * key only, so neither it nor anything it is handed to can open a secret sealed under another.
 */
export function createSealingVault(key: RingKey): SealingVault {
  return Object.freeze({
    seal: (identity: CredentialIdentity, plaintext: string) =>
      sealWithKey(key, encodeIdentity(identity), Buffer.from(plaintext, "utf8")),
  });
}
