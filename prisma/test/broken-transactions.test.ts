import { once } from "node:events";
import { connect, createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient } from "../src/index.js";
import { createTestDatabase, testServerUrl, type TestDatabase } from "../src/testing.js";

// Transactions whose connection dies under them (a database restart) must give their pool slot
// back: Prisma does not, when the COMMIT or ROLLBACK it sends then fails, and the pool shrank by
// one for good each time — a pool of 3 after three such transactions answered nothing more, and
// $disconnect waited forever. The database sits behind a relay the test cuts.

let db: TestDatabase;
let relay: Server;
let relayPort = 0;
const sockets = new Set<Socket>();

beforeAll(async () => {
  db = await createTestDatabase("prisma_broken_tx");
  const target = new URL(testServerUrl());
  relay = createServer((client) => {
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
  relay.close();
  await db.drop();
});

/** `promise`, or a failure naming `what` after `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${what}: not within ${ms} ms`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

describe("a transaction whose connection dies", () => {
  it("gives its connection back: the pool still answers, and disconnecting ends", async () => {
    const url = new URL(db.url);
    url.hostname = "127.0.0.1";
    url.port = String(relayPort);
    const prisma = createPrismaClient(url.toString(), { poolSize: 3 });
    const transactions = [1, 2, 3].map(() =>
      prisma
        .$transaction(async (tx) => tx.$queryRaw`SELECT pg_sleep(5)`)
        .then(
          () => "committed",
          (error: unknown) => (error instanceof Error ? error.message : String(error)),
        ),
    );
    // Every connection of the pool is inside a transaction: cut them all.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (const socket of sockets) socket.destroy();
    const outcomes = await within(Promise.all(transactions), 10_000, "the transactions fail");
    expect(outcomes.every((outcome) => /Connection terminated/.test(outcome))).toBe(true);

    expect(await within(prisma.user.count(), 5_000, "a query after them")).toBe(0);
    await within(prisma.$disconnect(), 5_000, "$disconnect");
  });

  it("still commits and rolls back as before", async () => {
    const prisma = createPrismaClient(db.url, { poolSize: 2 });
    await prisma.$transaction(async (tx) =>
      tx.user.create({ data: { email: "kept@example.test", passwordHash: "x" } }),
    );
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.user.create({ data: { email: "undone@example.test", passwordHash: "x" } });
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    const emails = (await prisma.user.findMany({ select: { email: true } })).map((u) => u.email);
    expect(emails).toEqual(["kept@example.test"]);
    await prisma.$disconnect();
  });
});
