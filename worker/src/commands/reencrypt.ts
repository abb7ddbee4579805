// `npm run keys:reencrypt`: moves every stored credential to the current ENCRYPTION_KEY while
// the system keeps running (the previous keys stay in the ring until this reports none left).
// Its own composition root: reads the environment, builds the clients, runs once, exits.
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  commonEnvSchema,
  ConfigError,
  createLogger,
  KeyRingMismatchError,
  loadKeyRing,
  parseEnv,
  verifyKeyRing,
} from "@agentry/core";
import { createVault, reencryptCredentials } from "@agentry/core/secrets";
import { createPrismaClient } from "@agentry/prisma";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

const USAGE = `Usage: npm run keys:reencrypt                      (from the repository root)
       npm run keys:reencrypt -w @agentry/worker -- --batch-size N
       REENCRYPT_BATCH_SIZE=N npm run keys:reencrypt

Re-encrypts every credential stored under a previous key (ENCRYPTION_KEYS_PREVIOUS) with
ENCRYPTION_KEY. Safe while api and worker run: they keep decrypting with the old key meanwhile.
`;

const envSchema = commonEnvSchema.pick({
  NODE_ENV: true,
  LOG_LEVEL: true,
  DATABASE_URL: true,
  ENCRYPTION_KEY: true,
  ENCRYPTION_KEYS_PREVIOUS: true,
});

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
const fail = (line: string): number => {
  process.stderr.write(`keys:reencrypt: ${line}\n`);
  return 1;
};

async function main(): Promise<number> {
  // The root script's nested `npm run` swallows flags, hence the variable as well.
  let batchText = process.env["REENCRYPT_BATCH_SIZE"];
  try {
    const { values } = parseArgs({
      options: { "batch-size": { type: "string" }, help: { type: "boolean", short: "h" } },
    });
    if (values.help === true) {
      say(USAGE);
      return 0;
    }
    batchText = values["batch-size"] ?? batchText;
  } catch (error) {
    return fail(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  }
  const batchSize = batchText === undefined || batchText === "" ? 1000 : Number(batchText);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    return fail(
      "the batch size (--batch-size, REENCRYPT_BATCH_SIZE) must be a whole number from 1 to 10000",
    );
  }

  let env;
  let keys;
  try {
    env = parseEnv(envSchema, process.env);
    keys = loadKeyRing(env, repoRoot);
  } catch (error) {
    if (error instanceof ConfigError) return fail(error.message);
    throw error;
  }
  const { ring } = keys;
  if (keys.source === "dev-file") say(`Using the development key from ${keys.path ?? ""}.`);
  // Logs (progress, rows that fail) on stderr; the summary on stdout.
  const logger = createLogger({
    name: "keys:reencrypt",
    level: env.LOG_LEVEL,
    destination: process.stderr,
  });
  const prisma = createPrismaClient(env.DATABASE_URL, { poolSize: 2 });
  try {
    // Proves the ring holds every key in use (and records a key check for the new key) first.
    const report = await verifyKeyRing(prisma, ring);
    const current = ring.current.version;
    if (report.pendingReencryption === 0) {
      say(`Nothing to do: every credential is already under the current key (version ${current}).`);
    } else {
      say(
        `Re-encrypting ${report.pendingReencryption} credential(s) under key version(s) ` +
          `${report.versionsInUse.filter((v) => v !== current).join(", ")} to version ${current}…`,
      );
    }
    const result =
      report.pendingReencryption === 0
        ? { scanned: 0, reencrypted: 0, skipped: 0, failed: 0, remaining: 0 }
        : await reencryptCredentials(prisma, createVault(ring), ring, { batchSize, logger });
    say(
      `Re-encrypted ${result.reencrypted}; skipped ${result.skipped} changed meanwhile; ` +
        `${result.failed} failed to decrypt; ${result.remaining} left under a previous key.`,
    );
    if (result.remaining === 0) {
      say(
        "Every credential is under ENCRYPTION_KEY now. Once every api and worker runs with this " +
          "ENCRYPTION_KEY, the previous keys can be removed from ENCRYPTION_KEYS_PREVIOUS.",
      );
      return 0;
    }
    return fail(
      result.failed > 0
        ? `${result.failed} credential(s) did not decrypt (their ids are in the log above); keep ENCRYPTION_KEYS_PREVIOUS, and delete or replace those credentials`
        : `${result.remaining} credential(s) are still under a previous key (written meanwhile by a process with an older ENCRYPTION_KEY?); keep ENCRYPTION_KEYS_PREVIOUS and run this again`,
    );
  } catch (error) {
    if (error instanceof KeyRingMismatchError) return fail(error.message);
    throw error;
  } finally {
    await prisma.$disconnect();
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  process.exitCode = fail(`failed: ${error instanceof Error ? error.message : String(error)}`);
}
