import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAgentEvent, type AgentEvent, type AgentRunInput } from "@agentry/core/protocol";
import { startFakeProvider, type FakeProvider } from "@agentry/fake-provider";
import { buildAgentBundle } from "../build.mjs";
import { journalPath } from "../src/journal.js";
import { newKey, runInput } from "./support/run-helpers.js";

// The resident host with the real agent bundle, served on TCP with a token: the transport an
// orchestrator gives containers that have addresses of their own (the Docker runtime attaches
// to the same host's standard streams instead; the process runtime uses a unix socket).

let dir: string;
let fake: FakeProvider;
let host: ChildProcess;
let port: number;
const token = randomBytes(32).toString("base64url");
const key = newKey("ANTHROPIC");

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "agentry-agent-host-"));
  await buildAgentBundle({ outfile: join(dir, "agent.mjs") });
  await writeFile(join(dir, "token"), token, { mode: 0o600 });
  fake = await startFakeProvider({ keys: [key] });
  host = spawn(
    process.execPath,
    [
      join(dir, "agent-host.mjs"),
      "--agent",
      join(dir, "agent.mjs"),
      "--listen",
      "tcp:127.0.0.1:0",
      "--token-file",
      join(dir, "token"),
    ],
    {
      // only what a container would have: no provider keys from this machine
      env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", AGENT_WORKSPACE: dir },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  port = await new Promise<number>((resolve, reject) => {
    let said = "";
    host.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      said += chunk;
      const match = /listening on [^\s]*:(\d+)/.exec(said);
      if (match !== null) resolve(Number(match[1]));
    });
    host.once("exit", () => {
      reject(new Error(`the host exited: ${said}`));
    });
  });
}, 60_000);

afterAll(async () => {
  host.kill("SIGTERM");
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

/** A bare client of the channel: frames in and out, as the worker speaks them. */
async function client(): Promise<{
  socket: Socket;
  send: (frame: object) => void;
  next: (match: (frame: Record<string, unknown>) => boolean) => Promise<Record<string, unknown>>;
  closed: Promise<void>;
  received: string[];
}> {
  const socket = connect(port, "127.0.0.1");
  await new Promise((resolve) => socket.once("connect", resolve));
  const received: string[] = [];
  const waiters: ((frame: Record<string, unknown>) => boolean)[] = [];
  let pending = "";
  socket.setEncoding("utf8").on("data", (chunk: string) => {
    pending += chunk;
    for (let at = pending.indexOf("\n"); at !== -1; at = pending.indexOf("\n")) {
      const line = pending.slice(0, at);
      pending = pending.slice(at + 1);
      received.push(line);
      const frame = JSON.parse(line) as Record<string, unknown>;
      for (const waiter of [...waiters])
        if (waiter(frame)) waiters.splice(waiters.indexOf(waiter), 1);
    }
  });
  const closed = new Promise<void>((resolve) => {
    socket.once("close", () => {
      resolve();
    });
  });
  return {
    socket,
    send: (frame) => socket.write(`${JSON.stringify(frame)}\n`),
    next: (match) =>
      new Promise((resolve) => {
        waiters.push((frame) => {
          if (!match(frame)) return false;
          resolve(frame);
          return true;
        });
      }),
    closed,
    received,
  };
}

async function runOver(
  channel: Awaited<ReturnType<typeof client>>,
  input: AgentRunInput,
): Promise<{ events: AgentEvent[]; exit: unknown }> {
  const id = randomUUID();
  let out = "";
  const collecting = (frame: Record<string, unknown>): boolean => {
    if (frame["id"] === id && frame["op"] === "out") out += String(frame["data"]);
    return frame["id"] === id && frame["op"] === "end";
  };
  const ended = channel.next(collecting);
  channel.send({ op: "run", id, input });
  const end = await ended;
  const events = out
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => parseAgentEvent(line));
  expect(events).not.toContain(null);
  return { events: events as AgentEvent[], exit: end["exit"] };
}

describe("the agent host on TCP", () => {
  it("refuses a client without the token and closes its connection", async () => {
    const stranger = await client();
    stranger.send({ op: "hello", nonce: "n", token: "not the token" });
    await stranger.closed;
    expect(stranger.received.map((line) => JSON.parse(line) as unknown)).toEqual([
      { op: "refused", nonce: "n", reason: "wrong token" },
    ]);

    const silent = await client();
    silent.send({ op: "run", id: "r", input: {} });
    await silent.closed;
    expect(silent.received).toEqual([]);
  });

  it("runs messages one after another in the one resident agent, each journaled", async () => {
    const channel = await client();
    channel.send({ op: "hello", nonce: "n1", token });
    expect(await channel.next((frame) => frame["op"] === "ready")).toMatchObject({
      nonce: "n1",
      version: 1,
      running: null,
    });
    const first = runInput("ANTHROPIC", key, fake, { text: "first question" });
    const second = runInput("ANTHROPIC", key, fake, { text: "second question" });
    const one = await runOver(channel, first);
    const two = await runOver(channel, second);
    for (const { events, exit } of [one, two]) {
      expect(exit).toEqual({ finished: true, code: null, signal: null, cancelled: false });
      expect(events.at(-1)).toMatchObject({ type: "done" });
      expect(events.filter((event) => event.type === "usage")).toHaveLength(1);
    }
    // the second run continued the same conversation, in the same agent program
    expect(fake.calls().map((call) => call.prompt)).toEqual(["first question", "second question"]);
    for (const [input, { events }] of [
      [first, one],
      [second, two],
    ] as const) {
      const journal = await readFile(journalPath(dir, input.messageId, input.attempt), "utf8");
      expect(
        journal
          .trimEnd()
          .split("\n")
          .map((line) => JSON.parse(line) as unknown),
      ).toEqual(events);
    }
    // the credential came in the run frame and went nowhere back
    expect(channel.received.join("\n")).not.toContain(key);
    channel.socket.destroy();
  });
});

describe("the agent host on a unix socket, as the process runtime starts it", () => {
  it("exits, with its agent, once no client and no run has needed it for --exit-unused-ms", async () => {
    const socketPath = join(dir, "unused.sock");
    const unused = spawn(
      process.execPath,
      [
        join(dir, "agent-host.mjs"),
        "--agent",
        join(dir, "agent.mjs"),
        "--listen",
        `unix:${socketPath}`,
        "--token-file",
        join(dir, "token"),
        "--exit-unused-ms",
        "300",
      ],
      { env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", AGENT_WORKSPACE: dir } },
    );
    const exited = new Promise<number | null>((resolve) => unused.once("exit", resolve));
    let gone = false;
    void exited.then(() => (gone = true));
    await expect.poll(() => existsSync(socketPath), { timeout: 20_000 }).toBe(true);
    const socket = connect(socketPath);
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.write(`${JSON.stringify({ op: "hello", nonce: "n", token })}\n`);
    await new Promise((resolve) => socket.once("data", resolve));
    // held by a client: it stays, however long
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(gone).toBe(false);
    socket.destroy();
    expect(await exited).toBe(0);
  }, 30_000);
});
