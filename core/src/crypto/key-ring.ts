// STUB — signatures fixed; the core helper implements.
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
/** Parses ENCRYPTION_KEY (+ comma-separated ENCRYPTION_KEYS_PREVIOUS), hex or base64 32 bytes. Throws AppError-free plain errors listing every problem, never echoing a key. */
export declare function parseKeyRing(current: string, previous?: string): KeyRing;
