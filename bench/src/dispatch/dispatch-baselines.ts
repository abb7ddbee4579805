import { PassThrough, type Duplex } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import type Docker from "dockerode";
import type { SectionReport } from "../lib/report.js";

// The dispatch bench's baselines: the channel's round trip to the agent's resident host, a bare
// docker exec into the agent's container (what every message paid before the resident agent),
// and the fake provider's streaming call made directly.

// The agent program inside the image (the worker's AGENT_IMAGE_LAYOUT.agentScript), run once.
export const AGENT_SCRIPT = "/opt/agentry/agent.mjs";

/** How long an exec took: until its first output (NaN when it printed nothing) and its end. */
export interface ExecTiming {
  readonly firstOutputMs: number;
  readonly endMs: number;
}

/**
 * `docker exec <command>` into the container, attached like the runtime's exec (stdin closed at
 * once), until its output ends; then checks the exit code it must have.
 */
export async function bareExec(
  container: Docker.Container,
  command: readonly string[],
  exitCode: number,
): Promise<ExecTiming> {
  const started = performance.now();
  const exec = await container.exec({
    Cmd: [...command],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
  });
  const socket: Duplex = await exec.start({ hijack: true, stdin: true });
  const ended = new Promise<void>((resolve, reject) => {
    socket.once("end", resolve);
    socket.once("close", resolve);
    socket.once("error", reject);
  });
  let firstOutputMs = Number.NaN;
  socket.on("data", () => {
    if (Number.isNaN(firstOutputMs)) firstOutputMs = performance.now() - started;
  });
  socket.end();
  await ended;
  const timing = { firstOutputMs, endMs: performance.now() - started };
  for (let poll = 0; poll < 40; poll += 1) {
    const info = await exec.inspect();
    if (!info.Running) {
      if (info.ExitCode !== exitCode) {
        throw new Error(`${command.join(" ")} exited with ${info.ExitCode}, not ${exitCode}`);
      }
      return timing;
    }
    await sleep(25);
  }
  throw new Error(`${command.join(" ")} did not finish`);
}

/** One streaming Messages call to the fake provider: first text delta, and the whole stream. */
export async function providerCall(
  baseUrl: string,
  apiKey: string,
  model: string,
  text: string,
): Promise<{ firstTextMs: number; doneMs: number }> {
  const started = performance.now();
  const response = await fetch(`${baseUrl}/v1/messages`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-api-key": apiKey,
      "anthropic-version": "2023-06-01",
    },
    body: JSON.stringify({
      model,
      max_tokens: 1024,
      stream: true,
      messages: [{ role: "user", content: text }],
    }),
  });
  if (!response.ok || response.body === null) {
    throw new Error(`the fake provider answered ${response.status}`);
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let seen = "";
  let firstTextMs = Number.NaN;
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    if (Number.isNaN(firstTextMs)) {
      seen += decoder.decode(chunk.value as Uint8Array, { stream: true });
      if (seen.includes("text_delta")) firstTextMs = performance.now() - started;
    }
  }
  return { firstTextMs, doneMs: performance.now() - started };
}

export async function engineAnswers(docker: Docker): Promise<boolean> {
  try {
    await docker.ping();
    return true;
  } catch {
    return false;
  }
}

/** What a bench that needs a Docker engine hands back when none answers. */
export function noEngineSection(id: string, title: string): SectionReport {
  return {
    id,
    title,
    columns: [],
    rows: [],
    ratios: [],
    notes: [],
    data: null,
    skipped: "no Docker engine answers (start dockerd; see the platform notes)",
  };
}

/**
 * The channel's own round trip: a `hello` frame to the agent's resident host over an attach to
 * its container, held open as the worker holds it, until the host's `ready` comes back. The
 * floor of handing a message to a resident agent, before any work on it.
 */
export async function channelRoundTrips(
  docker: Docker,
  container: Docker.Container,
  iterations: number,
): Promise<number[]> {
  const stream = await container.attach({
    stream: true,
    stdin: true,
    stdout: true,
    stderr: true,
    hijack: true,
  });
  const stdout = new PassThrough();
  docker.modem.demuxStream(stream, stdout, new PassThrough().resume());
  const waiting = new Map<string, () => void>();
  let pending = "";
  stdout.setEncoding("utf8").on("data", (chunk: string) => {
    pending += chunk;
    for (let at = pending.indexOf("\n"); at !== -1; at = pending.indexOf("\n")) {
      const line = pending.slice(0, at);
      pending = pending.slice(at + 1);
      const nonce = /"op":"ready","nonce":"([^"]+)"/.exec(line)?.[1];
      if (nonce !== undefined) waiting.get(nonce)?.();
    }
  });
  const samples: number[] = [];
  try {
    for (let index = 0; index < iterations + 3; index += 1) {
      const nonce = `bench-${index}`;
      const started = performance.now();
      const answered = new Promise<void>((resolve) => waiting.set(nonce, resolve));
      stream.write(`\n${JSON.stringify({ op: "hello", nonce })}\n`);
      await answered;
      if (index >= 3) samples.push(performance.now() - started);
    }
  } finally {
    (stream as NodeJS.ReadWriteStream & { destroy?: () => void }).destroy?.();
  }
  return samples;
}
