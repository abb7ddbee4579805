// STUB — signatures fixed; the core helper implements.
import type { KeyRing } from "./key-ring.js";
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
export declare function createVault(ring: KeyRing): Vault;
