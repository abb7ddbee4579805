import type { PrismaClient } from "@agentry/prisma";
import type { KeyRing } from "./key-ring.js";
import { encodeFields, sealedColumns, sealedFromRow, sealWithKey } from "./seal.js";
import { DecryptionError, openWithRing } from "./vault.js";

// A known plaintext sealed once per key version (model KeyCheck) lets a process prove at boot
// that its ring opens what is stored, without decrypting any credential. It opens that known
// plaintext only (its own associated data, never a credential's) and returns no plaintext, so it
// is in core's main entry point: the api proves its key at boot with it and still cannot decrypt.

const KEY_CHECK_PLAINTEXT = Buffer.from(
  "agentry key check: this key opens the stored secrets",
  "utf8",
);
const keyCheckAad = (version: number): Buffer =>
  encodeFields(["agentry/key-check/v1", String(version)]);

/** Boot must stop: the ring cannot open what the database holds. Holds no key material. */
export class KeyRingMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeyRingMismatchError";
  }
}

export interface KeyRingReport {
  /** The version new secrets are sealed under. */
  readonly currentVersion: number;
  /** Every key version some credential is stored under (all in the ring). */
  readonly versionsInUse: readonly number[];
  /** Credentials still under a previous key: run `npm run keys:reencrypt` to move them. */
  readonly pendingReencryption: number;
  /** Ring versions whose KeyCheck row opened (the current one always, once this returns). */
  readonly verifiedVersions: readonly number[];
}

const ringVersions = (ring: KeyRing): number[] => [
  ring.current.version,
  ...ring.previous.map((key) => key.version),
];

/**
 * Proves the key ring fits the database, for boot: every key version a credential is stored
 * under must be in the ring, and every KeyCheck row of a ring version must open. Records a
 * KeyCheck for the current key when there is none (safe when several processes boot at once).
 * Throws KeyRingMismatchError with a message for the operator.
 */
export async function verifyKeyRing(prisma: PrismaClient, ring: KeyRing): Promise<KeyRingReport> {
  const versions = ringVersions(ring);
  const inUse = (
    await prisma.credential.findMany({ distinct: ["keyVersion"], select: { keyVersion: true } })
  )
    .map((row) => row.keyVersion)
    .sort((a, b) => a - b);
  const unknown = inUse.filter((version) => ring.byVersion(version) === undefined);
  if (unknown.length > 0) {
    throw new KeyRingMismatchError(
      `Credentials are encrypted under key version(s) ${unknown.join(", ")} not in ENCRYPTION_KEY/ENCRYPTION_KEYS_PREVIOUS ` +
        `(which hold version(s) ${versions.join(", ")}) — the key is wrong or an old key is missing`,
    );
  }

  // A database that has proven a key before, none of whose keys is in this ring, was set up
  // with another key: refuse even when no credential is stored yet, or secrets written now
  // would be sealed under a key the other processes do not hold.
  const known = (await prisma.keyCheck.findMany({ select: { keyVersion: true } })).map(
    (row) => row.keyVersion,
  );
  if (known.length > 0 && !known.some((version) => ring.byVersion(version) !== undefined)) {
    throw new KeyRingMismatchError(
      `This database was set up with another encryption key (key version(s) ${known.join(", ")}); ` +
        `ENCRYPTION_KEY/ENCRYPTION_KEYS_PREVIOUS hold version(s) ${versions.join(", ")} — set the right key, ` +
        `or keep the old one in ENCRYPTION_KEYS_PREVIOUS while rotating`,
    );
  }
  const sealed = sealWithKey(ring.current, keyCheckAad(ring.current.version), KEY_CHECK_PLAINTEXT);
  await prisma.keyCheck.createMany({ data: [sealedColumns(sealed)], skipDuplicates: true });

  const checks = await prisma.keyCheck.findMany({ where: { keyVersion: { in: versions } } });
  for (const check of checks) {
    let opened: Buffer | undefined;
    try {
      opened = openWithRing(ring, keyCheckAad(check.keyVersion), sealedFromRow(check));
    } catch (error) {
      if (!(error instanceof DecryptionError)) throw error;
    }
    if (opened === undefined || !opened.equals(KEY_CHECK_PLAINTEXT)) {
      throw new KeyRingMismatchError(
        `The key check for key version ${check.keyVersion} does not open with the configured key ` +
          `— the key in ENCRYPTION_KEY/ENCRYPTION_KEYS_PREVIOUS is wrong or the KeyCheck row was altered`,
      );
    }
  }

  const pendingReencryption = await prisma.credential.count({
    where: { keyVersion: { not: ring.current.version } },
  });
  return {
    currentVersion: ring.current.version,
    versionsInUse: inUse,
    pendingReencryption,
    verifiedVersions: checks.map((check) => check.keyVersion).sort((a, b) => a - b),
  };
}
