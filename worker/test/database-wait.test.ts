import { once } from "node:events";
import { createServer, connect, type Server, type Socket } from "node:net";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "@agentry/core";
import { createPrismaClient, directRows, directStatement } from "@agentry/prisma";
import { createTestDatabase, testServerUrl, type TestDatabase } from "@agentry/prisma/testing";
import { waitingOutOutages } from "../src/database-wait.js";

// A message meeting a database restart waits for it: the worker's client makes a call that found
// the database out of reach again until it answers (within a limit), and says so once per
// outage. The database here sits behind a TCP relay of the test's own, which refuses
// connections for a while (the outage) and then passes them on.

let db: TestDatabase;
let relay: Server;
let relayPort = 0;
let open = false;
const sockets = new Set<Socket>();

beforeAll(async () => {
  db = await createTestDatabase("worker_database_wait");
  const target = new URL(testServerUrl());
  relay = createServer((client) => {
    if (!open) {
      client.destroy();
      return;
    }
    const server = connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, server]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => undefined);
    }
    client.pipe(server).pipe(client);
  }).listen(0, "127.0.0.1");
  await once(relay, "listening");
  const address = relay.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  relayPort = address.port;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  relay.close();
  await db.drop();
});

function throughRelay() {
  const url = new URL(db.url);
  url.hostname = "127.0.0.1";
  url.port = String(relayPort);
  return createPrismaClient(url.toString(), { poolSize: 2 });
}

function capturedLogger() {
  const lines: string[] = [];
  const logger = createLogger({
    name: "worker-test",
    level: "info",
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
        done();
      },
    }),
  });
  const outage = () =>
    lines
      .map((line) => (JSON.parse(line) as { msg: string }).msg)
      .filter((msg) => /database/.test(msg));
  return { logger, outage };
}

describe("a client that waits out database outages", () => {
  it("answers once the database is back, model calls, direct statements and transactions alike, logging the outage once", async () => {
    const { logger, outage } = capturedLogger();
    const raw = throughRelay();
    const prisma = waitingOutOutages(raw, { logger, maxWaitMs: 20_000 });
    open = false;
    const pending = Promise.all([
      prisma.user.count(),
      prisma.$transaction(async (tx) => tx.user.count()),
      prisma.$queryRaw<[{ one: number }]>`SELECT 1 AS one`,
      directRows<{ two: number }>(prisma, directStatement("wait_probe", "SELECT 2 AS two"), []),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    open = true;
    const [count, inTransaction, [row], direct] = await pending;
    expect([count, inTransaction, row.one]).toEqual([0, 0, 1]);
    expect(direct).toEqual([{ two: 2 }]);
    expect(outage()).toEqual([
      "database unreachable; retrying quietly until it is back",
      "database reachable again",
    ]);
    await raw.$disconnect();
  });

  it("gives up after its limit with the database's own error, and passes other errors at once", async () => {
    const { logger } = capturedLogger();
    const raw = throughRelay();
    const prisma = waitingOutOutages(raw, { logger, maxWaitMs: 1_000 });
    open = false;
    const started = Date.now();
    await expect(prisma.user.count()).rejects.toThrow(
      /Connection terminated|Can't reach database server/,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    open = true;
    const failedAt = Date.now();
    await expect(prisma.$queryRawUnsafe("SELEC 1")).rejects.toThrow(/syntax/);
    expect(Date.now() - failedAt).toBeLessThan(1_000);
    await raw.$disconnect();
  });
});
