import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from "node:crypto";
import {
  createLastUsedBatcher,
  createLogger,
  credentialIdentityOf,
  parseKeyRing,
  sealedColumns,
  sealedFromRow,
  type KeySource,
  type ResolveQuery,
} from "@agentry/core";
import { createVault, resolveForRun, type Vault } from "@agentry/core/secrets";
import { directPoolOf, type PrismaClient } from "@agentry/prisma";
import { createTestDatabase } from "@agentry/prisma/testing";
import { waitingOutOutages } from "@agentry/worker";
import type { Cleanups } from "../lib/cleanup.js";
import { formatMs, type SectionReport } from "../lib/report.js";
import { ratio, summarize, type Summary } from "../lib/stats.js";

// What the worker does for every message before the agent runs: resolveForRun (one read of the
// candidate credentials, choose, decrypt, record the lastUsedAt stamp in the worker's batcher)
// against a real Postgres, for a session key, an account key and a system key, wired as the
// worker wires it: on its outage-waiting client, the batcher flushing once a second while the
// iterations run. Baselines: a bare `SELECT 1` round trip on the client's own pg pool (the one
// resolveForRun's read takes) and through the Prisma client, and a bare AES-256-GCM decrypt of a
// secret of the same size.

export interface CredentialSettings {
  readonly iterations: number;
  readonly warmup: number;
  /** Iterations of the in-memory decrypts (microseconds each, so many more). */
  readonly decryptIterations: number;
}

const key = (prefix: string) => `${prefix}${randomBytes(36).toString("base64url")}`;

interface Case {
  readonly label: string;
  readonly source: KeySource;
  readonly query: ResolveQuery;
  readonly secret: string;
}

interface Scene {
  readonly cases: readonly Case[];
  readonly systemKey: string;
  /** A stored row and its identity, for timing the vault's decrypt alone. */
  readonly sampleRow: Parameters<typeof credentialIdentityOf>[0] & {
    ciphertext: Uint8Array;
    nonce: Uint8Array;
    keyVersion: number;
  };
}

async function setScene(prisma: PrismaClient, vault: Vault): Promise<Scene> {
  const user = async (name: string) =>
    prisma.user.create({
      data: { email: `${name}-${randomUUID()}@bench.example`, passwordHash: "not-used" },
    });
  const session = async (ownerId: string, name: string) =>
    prisma.session.create({ data: { ownerId, name } });
  const store = async (owner: { userId: string } | { sessionId: string }, secret: string) => {
    const id = randomUUID();
    const row = {
      id,
      userId: "userId" in owner ? owner.userId : null,
      sessionId: "sessionId" in owner ? owner.sessionId : null,
      provider: "ANTHROPIC" as const,
      kind: "API_KEY" as const,
    };
    const sealed = sealedColumns(vault.seal(credentialIdentityOf(row), secret));
    await prisma.credential.create({ data: { ...row, ...sealed, hint: secret.slice(-4) } });
    return { ...row, ...sealed };
  };

  const alice = await user("alice");
  const bob = await user("bob");
  const withKey = await session(alice.id, "with a session key");
  const withoutKey = await session(alice.id, "without a session key");
  const bobs = await session(bob.id, "bob's, no keys anywhere");
  const sessionSecret = key("sk-ant-api03-");
  const accountSecret = key("sk-ant-api03-");
  const sampleRow = await store({ sessionId: withKey.id }, sessionSecret);
  await store({ userId: alice.id }, accountSecret);
  const systemKey = key("sk-ant-api03-");
  const query = (sessionId: string, actingUserId: string): ResolveQuery => ({
    sessionId,
    actingUserId,
    provider: "ANTHROPIC",
    agentKind: "CHAT",
  });
  return {
    systemKey,
    sampleRow,
    cases: [
      {
        label: "resolveForRun: session key",
        source: "SESSION",
        query: query(withKey.id, alice.id),
        secret: sessionSecret,
      },
      {
        label: "resolveForRun: account key",
        source: "ACCOUNT",
        query: query(withoutKey.id, alice.id),
        secret: accountSecret,
      },
      {
        label: "resolveForRun: system key",
        source: "SYSTEM",
        query: query(bobs.id, bob.id),
        secret: systemKey,
      },
    ],
  };
}

async function sample(
  iterations: number,
  warmup: number,
  run: () => Promise<unknown>,
): Promise<Summary> {
  for (let index = 0; index < warmup; index += 1) await run();
  const samples: number[] = [];
  for (let index = 0; index < iterations; index += 1) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return summarize(samples);
}

/**
 * Round robin: each iteration runs every one of `runs` once, starting from a different one each
 * time, so the three cases and their baseline share the machine's moments (on shared cores the
 * load drifts within a run) and none is always first to pay for a warm-up or a collection.
 */
async function sampleInterleaved(
  iterations: number,
  warmup: number,
  runs: readonly (() => Promise<unknown>)[],
): Promise<Summary[]> {
  for (let index = 0; index < warmup; index += 1) for (const run of runs) await run();
  const samples = runs.map((): number[] => []);
  for (let index = 0; index < iterations; index += 1) {
    for (let offset = 0; offset < runs.length; offset += 1) {
      const which = (index + offset) % runs.length;
      const run = runs[which];
      if (run === undefined) continue;
      const started = performance.now();
      await run();
      samples[which]?.push(performance.now() - started);
    }
  }
  return samples.map((taken) => summarize(taken));
}

function sampleSync(iterations: number, run: () => unknown): Summary {
  for (let index = 0; index < Math.min(1000, iterations / 10); index += 1) run();
  const samples: number[] = [];
  for (let index = 0; index < iterations; index += 1) {
    const started = performance.now();
    run();
    samples.push(performance.now() - started);
  }
  return summarize(samples);
}

/** A bare AES-256-GCM decrypt of a secret as long as the stored ones: no ring, no identity. */
function bareDecrypt(secretLength: number): () => Buffer {
  const aesKey = randomBytes(32);
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", aesKey, nonce);
  const ciphertext = Buffer.concat([cipher.update(randomBytes(secretLength)), cipher.final()]);
  const tag = cipher.getAuthTag();
  return () => {
    const decipher = createDecipheriv("aes-256-gcm", aesKey, nonce);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  };
}

export async function benchCredentialResolve(
  cleanups: Cleanups,
  settings: CredentialSettings,
): Promise<SectionReport> {
  const db = await createTestDatabase("agentry_bench");
  const dropDb = cleanups.defer("credentials database", () => db.drop());
  try {
    const ring = parseKeyRing(randomBytes(32).toString("hex"));
    const vault = createVault(ring);
    const scene = await setScene(db.prisma, vault);
    const lastUsed = createLastUsedBatcher({
      prisma: db.prisma,
      logger: createLogger({ name: "bench", level: "warn" }),
    });
    cleanups.defer("lastUsedAt batcher", () => lastUsed.close());
    // The worker resolves on its outage-waiting client (a wrapper of the Prisma client).
    const messagesDb = waitingOutOutages(db.prisma, {
      logger: createLogger({ name: "bench", level: "warn" }),
      maxWaitMs: 60_000,
    });
    const inline = {
      prisma: messagesDb,
      vault,
      systemKeys: { ANTHROPIC: scene.systemKey },
      allowSystemKeys: true,
    };
    // As the worker resolves: the stamp recorded in memory, written by the batcher.
    const deps = { ...inline, lastUsed };

    // The bench measures the right thing only if each case resolves as it says.
    for (const c of scene.cases) {
      const { resolution, secret } = await resolveForRun(deps, c.query);
      if (resolution.source !== c.source || secret !== c.secret) {
        throw new Error(`${c.label} resolved ${resolution.source}, not ${c.source}`);
      }
    }

    // resolveForRun reads on the client's pg pool once the client is connected (it is by now).
    const pool = directPoolOf(db.prisma);
    if (pool === undefined) throw new Error("the Prisma client exposes no pg pool");

    // Prisma's SELECT 1 on its own: its garbage would otherwise be collected in the others' time.
    const selectOne = await sample(
      settings.iterations,
      settings.warmup,
      () => db.prisma.$queryRaw`SELECT 1`,
    );
    const [poolSelectOne = summarize([]), ...caseSummaries] = await sampleInterleaved(
      settings.iterations,
      settings.warmup,
      [
        () => pool.query({ text: "SELECT 1" }),
        ...scene.cases.map((c) => () => resolveForRun(deps, c.query)),
      ],
    );
    const rows = scene.cases.map((c, index) => ({
      label: c.label,
      summary: caseSummaries[index] ?? summarize([]),
    }));
    // What the batcher took off the path: the session key resolved with the stamp written
    // inline (resolveForRun without a batcher), and that stamp alone (a write, so a commit).
    const sessionCase = scene.cases.find((c) => c.source === "SESSION");
    if (sessionCase === undefined) throw new Error("no session-key case");
    const inlineStamp = await sample(settings.iterations, settings.warmup, () =>
      resolveForRun(inline, sessionCase.query),
    );
    const stamp = await sample(settings.iterations, settings.warmup, () =>
      db.prisma.credential.updateMany({
        where: { id: scene.sampleRow.id },
        data: { lastUsedAt: new Date() },
      }),
    );
    // The batcher's write, once a second in the worker: all stamps recorded since, one UPDATE.
    const flushSamples: number[] = [];
    for (let index = 0; index < Math.min(500, settings.iterations); index += 1) {
      for (const c of scene.cases) await resolveForRun(deps, c.query);
      const started = performance.now();
      await lastUsed.flush();
      flushSamples.push(performance.now() - started);
    }
    const flush = summarize(flushSamples);
    await lastUsed.flush();
    const landed = await db.prisma.credential.findUniqueOrThrow({
      where: { id: scene.sampleRow.id },
    });
    if (landed.lastUsedAt === null) throw new Error("the batched lastUsedAt stamp did not land");
    const identity = credentialIdentityOf(scene.sampleRow);
    const sealed = sealedFromRow(scene.sampleRow);
    const vaultOpen = sampleSync(settings.decryptIterations, () => vault.open(identity, sealed));
    const bare = sampleSync(
      settings.decryptIterations,
      bareDecrypt(scene.cases[0]?.secret.length ?? 64),
    );

    const baselines = [
      { label: "reference: session key, stamp written inline (before)", summary: inlineStamp },
      { label: "reference: the lastUsedAt stamp alone (updateMany)", summary: stamp },
      { label: "reference: the batcher's flush, 2 stamps, one UPDATE (off path)", summary: flush },
      { label: "baseline: SELECT 1 (the client's pg pool)", summary: poolSelectOne },
      { label: "baseline: SELECT 1 (same Prisma client)", summary: selectOne },
      { label: "vault.open (identity AAD + AES-256-GCM)", summary: vaultOpen },
      { label: "baseline: bare AES-256-GCM decrypt", summary: bare },
    ];
    const all = [...rows, ...baselines];
    return {
      id: "credentialResolve",
      title: "2. Per-message credential resolve + decrypt (resolveForRun, real Postgres)",
      columns: ["what", "n", "mean ms", "p50 ms", "p95 ms", "p99 ms", "max ms"],
      rows: all.map(({ label, summary }) => [
        label,
        String(summary.count),
        formatMs(summary.mean),
        formatMs(summary.p50),
        formatMs(summary.p95),
        formatMs(summary.p99),
        formatMs(summary.max),
      ]),
      ratios: [
        ...rows.flatMap(({ label, summary }) => [
          {
            label: `${label} / SELECT 1 on pg, mean`,
            value: ratio(summary.mean, poolSelectOne.mean),
          },
          { label: `${label} / SELECT 1 on pg, p50`, value: ratio(summary.p50, poolSelectOne.p50) },
          { label: `${label} / SELECT 1 on pg, p99`, value: ratio(summary.p99, poolSelectOne.p99) },
          {
            label: `${label} / SELECT 1 via Prisma, p99`,
            value: ratio(summary.p99, selectOne.p99),
          },
        ]),
        {
          label: "session key, batched / stamp written inline, p99",
          value: ratio(rows[0]?.summary.p99 ?? Number.NaN, inlineStamp.p99),
        },
        { label: "vault.open / bare decrypt, p50", value: ratio(vaultOpen.p50, bare.p50) },
      ],
      notes: [
        "every case: one round trip (the candidate read, a prepared statement on the Prisma client's own pg pool); session and account keys add a decrypt and record lastUsedAt in memory, written by the batcher about once a second (one UPDATE for all stamps)",
        `${settings.iterations} sequential iterations after ${settings.warmup} warm-up, the three cases and the SELECT 1 on pg in turn; decrypts ${settings.decryptIterations} each`,
      ],
      data: {
        settings,
        cases: all.map(({ label, summary }) => ({ label, ...summary })),
      },
    };
  } finally {
    await dropDb();
  }
}
