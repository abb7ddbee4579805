import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { createLogger, parseKeyRing, createSealingVault } from "@agentry/core";
import { createVault, reencryptCredentials } from "@agentry/core/secrets";
import { createPrismaClient } from "@agentry/prisma";
import { loadWorkerConfig, startWorker, type RunningWorker } from "@agentry/worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession, sendMessage, settled, spawnChatAgent } from "./support/flows.js";
import { checkRotated, seedSealedCredentials } from "./support/rotation.js";
import { anthropicKey, startSystem, type System } from "./support/system.js";

// A key rotation while messages run: the worker holds the new key and the old one
// (ENCRYPTION_KEYS_PREVIOUS), and every stored credential — the ones the running messages use
// among them — is re-encrypted under the new key while agents keep answering. No message may
// fail, and afterwards the old key can go: a worker with the new key alone runs them all.

const CREDENTIALS = 2000;
const AGENTS = 4;

let system: System;
let worker: RunningWorker | undefined;
const oldKey = () => system.api.encryptionKey;
const newKey = randomBytes(32).toString("hex");

beforeAll(async () => {
  system = await startSystem({ runtime: "process" });
});
afterAll(async () => {
  if (worker !== undefined) {
    const agents = await system.api.prisma.agent.findMany({ select: { id: true } });
    for (const agent of agents) await worker.runtime.remove(agent.id);
    await worker.close();
  }
  await system.close();
});

const lines: string[] = [];
const logger = createLogger({
  name: "worker",
  level: "info",
  destination: new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      callback();
    },
  }),
});

/** The system's worker replaced by one with `keys` (as after a restart with a new ring). */
async function restartWorkerWith(keys: Record<string, string>): Promise<void> {
  await system.stopWorker();
  await worker?.close();
  worker = await startWorker(loadWorkerConfig({ ...system.workerEnv, ...keys }), logger, {
    namespace: system.api.namespace,
  });
}

interface Outcome {
  readonly sentAt: number;
  readonly settledAt: number;
  readonly status: string;
  readonly errorCode: string | null;
}

describe("re-encryption while messages run", () => {
  it(`re-encrypts ${CREDENTIALS} credentials under the new key with no failed message, and the old key can go`, async () => {
    const { api, fake } = system;
    // Agents whose keys the api sealed under the old key: session keys and account keys.
    const agents: { token: string; sessionId: string; agentId: string }[] = [];
    for (let index = 0; index < AGENTS; index += 1) {
      const user = await api.signUp();
      const key = anthropicKey();
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
      agents.push({
        token: user.token,
        sessionId,
        agentId: await spawnChatAgent(api, user.token, sessionId),
      });
    }
    const seeded = await seedSealedCredentials(
      api.prisma,
      createSealingVault(parseKeyRing(oldKey()).current),
      CREDENTIALS,
    );
    // The rotation's first step: the worker restarted with the new key, the old one kept.
    await restartWorkerWith({ ENCRYPTION_KEY: newKey, ENCRYPTION_KEYS_PREVIOUS: oldKey() });

    const outcomes: Outcome[] = [];
    let stop = false;
    const loop = async (agent: (typeof agents)[number], index: number) => {
      for (let n = 0; !stop; n += 1) {
        const sentAt = Date.now();
        const id = await sendMessage(
          api,
          agent.token,
          agent.agentId,
          `agent ${index} message ${n}`,
        );
        const message = await settled(api, agent.token, agent.sessionId, agent.agentId, id);
        outcomes.push({
          sentAt,
          settledAt: Date.now(),
          status: message.status,
          errorCode: message.errorCode,
        });
      }
    };
    const loops = agents.map(loop);
    // Every agent warm (its process started) before the re-encryption begins.
    while (outcomes.length < 2 * AGENTS) await new Promise((resolve) => setTimeout(resolve, 50));

    const ring = parseKeyRing(newKey, oldKey());
    const client = createPrismaClient(api.databaseUrl, { poolSize: 2 });
    const started = Date.now();
    const result = await reencryptCredentials(client, createVault(ring), ring, {
      batchSize: 50,
    }).finally(() => client.$disconnect());
    const ended = Date.now();
    // One more message per agent after it, then stop.
    const settledBefore = outcomes.length;
    while (
      outcomes.filter((o) => o.sentAt > ended).length < AGENTS &&
      outcomes.length < settledBefore + 4 * AGENTS
    )
      await new Promise((resolve) => setTimeout(resolve, 50));
    stop = true;
    await Promise.all(loops);

    expect(result).toMatchObject({ failed: 0, remaining: 0 });
    expect(result.reencrypted).toBe(CREDENTIALS + AGENTS);
    expect(outcomes.filter((o) => o.status !== "DONE")).toEqual([]);
    // Messages ran throughout: some were in flight while the rows were being rewritten.
    expect(outcomes.some((o) => o.sentAt < ended && o.settledAt > started)).toBe(true);
    expect(
      await api.prisma.message.count({ where: { role: "USER", status: { not: "DONE" } } }),
    ).toBe(0);
    expect(await checkRotated(api.prisma, newKey, seeded.secrets)).toEqual({
      notMoved: 0,
      wrong: 0,
    });

    // The last step: the old key removed. The worker boots (every row is under the new key)
    // and each agent's next message resolves and opens its key with the new key alone.
    await restartWorkerWith({ ENCRYPTION_KEY: newKey, ENCRYPTION_KEYS_PREVIOUS: "" });
    for (const [index, agent] of agents.entries()) {
      const id = await sendMessage(api, agent.token, agent.agentId, `after rotation ${index}`);
      expect(await settled(api, agent.token, agent.sessionId, agent.agentId, id)).toMatchObject({
        status: "DONE",
      });
    }
    // Some 40 messages one after another per agent, on two shared cores: minutes when loaded.
  }, 240_000);
});
