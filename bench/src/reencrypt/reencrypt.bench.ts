import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { agentBundlePath } from "@agentry/agent";
import { buildAgentBundle } from "@agentry/agent/build.mjs";
import { startTestApi, type TestApi } from "@agentry/api/testing";
import { createLogger, createSealingVault, parseKeyRing } from "@agentry/core";
import { checkRotated, seedSealedCredentials } from "@agentry/e2e/rotation";
import { startFakeProvider } from "@agentry/fake-provider";
import { loadWorkerConfig, startWorker } from "@agentry/worker";
import { reencryptRowByRow } from "./row-by-row.js";
import { watchAgentMessages, type AgentMessages } from "../dispatch/agent-messages.js";
import type { Cleanups } from "../lib/cleanup.js";
import { createSession, spawnChatAgent } from "../lib/gql.js";
import { deleteNamespace, REDIS_URL } from "../lib/redis-keys.js";
import { formatMs, formatRate, type SectionReport } from "../lib/report.js";
import { ratio, summarize, type Summary } from "../lib/stats.js";

// A key rotation while messages run. 100,000 credentials sealed under the old key; the worker
// restarted with the new key and the old one (ENCRYPTION_KEYS_PREVIOUS), as the rotation steps
// say; chat agents on the process runtime answering messages back to back through the api and
// the fake provider; then the real `keys:reencrypt` command, in a process of its own, moves
// every row while they run. Baseline: the same agents' message latency just before.

export interface ReencryptSettings {
  readonly credentials: number;
  /** Chat agents messaging at once (one message at a time each). */
  readonly agents: number;
  /** Messages per agent measured before the re-encryption starts (the baseline). */
  readonly messagesBefore: number;
  /** Rows the command re-encrypts per statement. */
  readonly batchSize: number;
  /** Credentials of the baseline, re-encrypted one UPDATE per row as before (slow: few). */
  readonly baselineCredentials: number;
}

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const MESSAGE_TIMEOUT_MS = 60_000;

interface Agent {
  readonly index: number;
  readonly watch: AgentMessages;
}

interface CommandRun {
  readonly ms: number;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm run keys:reencrypt` as an operator runs it: its own process, its own database pool. */
function runReencryptCommand(env: Record<string, string>): Promise<CommandRun> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      fileURLToPath(new URL("../../../worker/src/commands/reencrypt.ts", import.meta.url)),
    ],
    { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      resolve({ ms: performance.now() - started, code, stdout, stderr });
    });
  });
}

export async function benchReencrypt(
  cleanups: Cleanups,
  settings: ReencryptSettings,
): Promise<SectionReport> {
  await buildAgentBundle({ outfile: agentBundlePath });
  const fake = await startFakeProvider({ keys: [] });
  const closeFake = cleanups.defer("fake provider", () => fake.close());
  const api: TestApi = await startTestApi({ env: { LOG_LEVEL: "warn" } });
  const closeApi = cleanups.defer("reencrypt api", async () => {
    await deleteNamespace(api.redis, api.namespace);
    await api.close();
  });
  const oldKey = api.encryptionKey;
  const newKey = randomBytes(32).toString("hex");
  const lines: string[] = [];
  const logger = createLogger({
    name: "worker",
    level: "info",
    destination: new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
        if (lines.length > 500) lines.splice(0, lines.length - 500);
        callback();
      },
    }),
  });
  let closeWorker: (() => Promise<void>) | undefined;
  const closeWatches: (() => Promise<void>)[] = [];
  try {
    // The agents' own keys, stored through the api (sealed under the old key): half session
    // keys, half account keys, so both kinds of row are rewritten under running messages.
    const agentIds: { token: string; agentId: string }[] = [];
    for (let index = 0; index < settings.agents; index += 1) {
      const user = await api.signUp();
      const key = `sk-ant-api03-${randomBytes(24).toString("base64url")}`;
      fake.addKey(key);
      const bySession = index % 2 === 0;
      const sessionId = await createSession(
        api,
        user.token,
        bySession ? { provider: "ANTHROPIC", secret: key } : undefined,
      );
      if (!bySession) {
        await api.ok(
          `mutation ($secret: String!) { setAccountCredential(provider: ANTHROPIC, kind: API_KEY, secret: $secret) { id } }`,
          { secret: key },
          user.token,
        );
      }
      agentIds.push({
        token: user.token,
        agentId: await spawnChatAgent(api, user.token, sessionId),
      });
    }
    const seedStarted = performance.now();
    const seeded = await seedSealedCredentials(
      api.prisma,
      createSealingVault(parseKeyRing(oldKey).current),
      settings.credentials,
    );
    // The baseline's own rows, re-encrypted the old way before the command runs.
    const baselineRows = await seedSealedCredentials(
      api.prisma,
      createSealingVault(parseKeyRing(oldKey).current),
      settings.baselineCredentials,
    );
    await api.prisma.$executeRawUnsafe(`ANALYZE "Credential"`);
    const seedS = (performance.now() - seedStarted) / 1000;

    // The rotation's first step: the worker (re)started with the new key, the old one kept.
    const worker = await startWorker(
      loadWorkerConfig({
        NODE_ENV: "test",
        DATABASE_URL: api.databaseUrl,
        REDIS_URL,
        ENCRYPTION_KEY: newKey,
        ENCRYPTION_KEYS_PREVIOUS: oldKey,
        AGENT_RUNTIME: "process",
        ANTHROPIC_BASE_URL: fake.baseUrls.anthropic,
        OPENAI_BASE_URL: fake.baseUrls.openai,
        GEMINI_BASE_URL: fake.baseUrls.gemini,
        SHUTDOWN_TIMEOUT_MS: "10000",
        LOG_LEVEL: "info",
      }),
      logger,
      { namespace: api.namespace },
    );
    closeWorker = cleanups.defer("reencrypt worker and its agents", async () => {
      for (const { agentId } of agentIds) await worker.runtime.remove(agentId);
      await worker.close();
    });
    const agents: Agent[] = [];
    for (const [index, { token, agentId }] of agentIds.entries()) {
      const watch = await watchAgentMessages(api, token, agentId);
      closeWatches.push(cleanups.defer(`agent ${index} events`, () => watch.close()));
      agents.push({ index, watch });
    }

    // Each agent sends its next message when the last settles; a failure is counted, not thrown.
    const failures: string[] = [];
    const run = async (agent: Agent, text: string): Promise<number | undefined> => {
      try {
        return (await agent.watch.measure(text, MESSAGE_TIMEOUT_MS)).doneMs;
      } catch (error) {
        failures.push(
          `agent ${agent.index}: ${error instanceof Error ? error.message : String(error)}`,
        );
        return undefined;
      }
    };
    // Warm: every agent's process started.
    await Promise.all(agents.map((agent) => run(agent, "warm up")));
    const before: number[] = [];
    await Promise.all(
      agents.map(async (agent) => {
        for (let n = 0; n < settings.messagesBefore; n += 1) {
          const ms = await run(agent, `before ${n}`);
          if (ms !== undefined) before.push(ms);
        }
      }),
    );

    // Messages back to back while `work` runs; the latencies of those that settled meanwhile.
    const whileMessagesRun = async <T>(label: string, work: () => Promise<T>) => {
      const settled: { ms: number; at: number }[] = [];
      const state = { running: true };
      const loops = agents.map(async (agent) => {
        for (let n = 0; state.running; n += 1) {
          const ms = await run(agent, `${label} ${n}`);
          if (ms !== undefined) settled.push({ ms, at: performance.now() });
        }
      });
      try {
        const result = await work();
        const ended = performance.now();
        return { result, latencies: settled.filter((s) => s.at <= ended).map((s) => s.ms) };
      } finally {
        state.running = false;
        await Promise.all(loops);
      }
    };
    const ring = parseKeyRing(newKey, oldKey);
    const rowByRow = await whileMessagesRun("row-by-row", async () => {
      const started = performance.now();
      const count = await reencryptRowByRow(
        api.prisma,
        ring,
        [...baselineRows.secrets.keys()],
        settings.batchSize,
      );
      return { count, ms: performance.now() - started };
    });
    const during = await whileMessagesRun("during", () =>
      runReencryptCommand({
        DATABASE_URL: api.databaseUrl,
        ENCRYPTION_KEY: newKey,
        ENCRYPTION_KEYS_PREVIOUS: oldKey,
        REENCRYPT_BATCH_SIZE: String(settings.batchSize),
        LOG_LEVEL: "warn",
        NODE_ENV: "test",
      }),
    );
    const command = during.result;
    if (command.code !== 0) {
      throw new Error(
        `keys:reencrypt exited ${String(command.code)}: ${command.stdout}\n${command.stderr}`,
      );
    }
    // The command's own figure: "Re-encrypted N; …" on its standard output.
    const moved = Number(/Re-encrypted (\d+);/.exec(command.stdout)?.[1] ?? Number.NaN);
    const check = await checkRotated(
      api.prisma,
      newKey,
      new Map([...seeded.secrets, ...baselineRows.secrets]),
    );
    const leftUnderOld = await api.prisma.credential.count({
      where: { keyVersion: { not: parseKeyRing(newKey).current.version } },
    });
    const failedInDb = await api.prisma.message.count({
      where: { role: "USER", status: "FAILED" },
    });
    if (check.notMoved + check.wrong + leftUnderOld > 0) {
      throw new Error(`rotation incomplete: ${JSON.stringify({ ...check, leftUnderOld })}`);
    }
    await closeWorker();

    const beforeSummary = summarize(before);
    const duringSummary = summarize(during.latencies);
    const rowByRowSummary = summarize(rowByRow.latencies);
    const perSecond = moved / (command.ms / 1000);
    const rowByRowPerSecond = rowByRow.result.count / (rowByRow.result.ms / 1000);
    const row = (label: string, s: Summary) => [
      label,
      String(s.count),
      formatMs(s.p50),
      formatMs(s.p95),
      formatMs(s.p99),
      formatMs(s.max),
    ];
    return {
      id: "reencrypt",
      title: `Re-encryption of ${settings.credentials.toLocaleString("en-US")} credentials while ${settings.agents} chat agents answer messages (process runtime, fake provider)`,
      columns: ["sendMessage → DONE", "messages", "p50 ms", "p95 ms", "p99 ms", "max ms"],
      rows: [
        row("baseline: before the re-encryption", beforeSummary),
        row("while keys:reencrypt runs", duringSummary),
        row("while the baseline re-encrypts row by row", rowByRowSummary),
      ],
      ratios: [
        {
          label: "message p50, during / before",
          value: ratio(duringSummary.p50, beforeSummary.p50),
        },
        {
          label: "message p95, during / before",
          value: ratio(duringSummary.p95, beforeSummary.p95),
        },
        {
          label: "credentials/s, keys:reencrypt / row by row (higher is better)",
          value: ratio(perSecond, rowByRowPerSecond),
        },
      ],
      notes: [
        `keys:reencrypt moved ${formatRate(moved)} credentials in ${(command.ms / 1000).toFixed(1)} s (process start included): ${formatRate(perSecond)} credentials/s, batches of ${settings.batchSize}`,
        `baseline: one UPDATE per row (as before) moved ${formatRate(rowByRow.result.count)} credentials in ${(rowByRow.result.ms / 1000).toFixed(1)} s: ${formatRate(rowByRowPerSecond)} credentials/s`,
        `failed messages: ${failures.length} seen by the agents' streams, ${failedInDb} FAILED in the database; every credential opens under the new key alone`,
        `seeded ${settings.credentials.toLocaleString("en-US")} credentials (${seeded.users.toLocaleString("en-US")} users and as many sessions) in ${seedS.toFixed(1)} s`,
        ...failures.slice(0, 5),
      ],
      data: {
        settings,
        reencryptMs: command.ms,
        moved,
        perSecond,
        failures,
        failedInDb,
        before: beforeSummary,
        during: duringSummary,
        rowByRow: { ...rowByRow.result, perSecond: rowByRowPerSecond, latencies: rowByRowSummary },
        commandOutput: command.stdout,
      },
    };
  } finally {
    for (const close of closeWatches) await close();
    await closeWorker?.();
    await closeApi();
    await closeFake();
  }
}
