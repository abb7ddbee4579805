import { randomUUID } from "node:crypto";
import { PassThrough } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import {
  AppError,
  parseChannelReply,
  type AgentRunInput,
  type ChannelReply,
  type ChannelRequest,
  type RunExit,
} from "@agentry/core";

// The worker's end of the channel to an agent's resident host (frames in core's agent protocol),
// over whatever byte stream the runtime opened: the container's attach stream, or a socket.
// Several workers may share one host (on the attach stream they even share the bytes): runs are
// told apart by the id each worker gives its own.

/** The byte stream a runtime opened to a host. */
export interface ChannelStreams {
  readonly readable: NodeJS.ReadableStream;
  readonly writable: NodeJS.WritableStream;
  /** Tears the stream down (the host lives on). */
  destroy(): void;
}

/** One run handed to the host. */
export interface ChannelRun {
  /** The agent program's standard output during the run (protocol events, one a line). */
  readonly stdout: PassThrough;
  /** Its diagnostics. */
  readonly stderr: PassThrough;
  /** How the run ended as the host saw it; null when the channel closed before it said. */
  readonly ended: Promise<RunExit | null>;
  /** Whether the host said it had the run (false: it never reached the host). */
  accepted(): boolean;
  /** Asks the host to kill the run (it then ends, `cancelled`). */
  cancel(): void;
}

interface OpenRun {
  readonly stdout: PassThrough;
  readonly stderr: PassThrough;
  readonly end: (exit: RunExit | null) => void;
  acceptTimer: NodeJS.Timeout | undefined;
  accepted: boolean;
}

/** How long a host may take to say it has a run before the channel counts as broken. */
const ACCEPT_TIMEOUT_MS = 15_000;

export class AgentChannel {
  readonly #streams: ChannelStreams;
  readonly #runs = new Map<string, OpenRun>();
  readonly #hellos = new Map<string, (reply: ChannelReply) => void>();
  readonly #onClosed: () => void;
  #open = true;
  readonly closed: Promise<void>;

  private constructor(streams: ChannelStreams) {
    this.#streams = streams;
    let markClosed: () => void = () => undefined;
    this.closed = new Promise((resolve) => {
      markClosed = resolve;
    });
    const decoder = new StringDecoder("utf8");
    let pending = "";
    streams.readable.on("data", (chunk: Buffer) => {
      pending += decoder.write(chunk);
      for (let newline = pending.indexOf("\n"); newline !== -1; newline = pending.indexOf("\n")) {
        const reply = parseChannelReply(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
        if (reply !== null) this.#receive(reply);
      }
    });
    const onClosed = (): void => {
      if (!this.#open) return;
      this.#open = false;
      for (const [id, run] of this.#runs) {
        this.#runs.delete(id);
        run.end(null);
      }
      markClosed();
    };
    streams.readable.once("end", onClosed);
    streams.readable.once("close", onClosed);
    streams.readable.once("error", onClosed);
    streams.writable.once("error", onClosed);
    streams.writable.once("close", onClosed);
    this.#onClosed = onClosed;
  }

  /**
   * Greets the host (with its token, on a socket) and resolves once it answered ready; rejects
   * when it refuses, the stream closes, or it does not answer within `timeoutMs`.
   */
  static async open(
    streams: ChannelStreams,
    options: { token?: string; timeoutMs: number },
  ): Promise<AgentChannel> {
    const channel = new AgentChannel(streams);
    const nonce = randomUUID();
    let timer: NodeJS.Timeout | undefined;
    try {
      const reply = await Promise.race([
        new Promise<ChannelReply>((resolve) => {
          channel.#hellos.set(nonce, resolve);
          channel.#send({
            op: "hello",
            nonce,
            ...(options.token === undefined ? {} : { token: options.token }),
          });
        }),
        channel.closed.then(() => {
          throw new AppError("INTERNAL", "The agent's host closed the channel at once");
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            reject(new AppError("INTERNAL", "The agent's host did not answer"));
          }, options.timeoutMs);
        }),
      ]);
      if (reply.op !== "ready") {
        throw new AppError("INTERNAL", "The agent's host refused the channel");
      }
      return channel;
    } catch (error) {
      channel.close();
      throw error;
    } finally {
      clearTimeout(timer);
      channel.#hellos.delete(nonce);
    }
  }

  get isOpen(): boolean {
    return this.#open;
  }

  /** Hands one run to the host; see {@link ChannelRun}. */
  run(input: AgentRunInput, env?: Readonly<Record<string, string>>): ChannelRun {
    const id = randomUUID();
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let settle: (exit: RunExit | null) => void = () => undefined;
    const ended = new Promise<RunExit | null>((resolve) => {
      settle = resolve;
    });
    const run: OpenRun = {
      stdout,
      stderr,
      end: (exit) => {
        clearTimeout(run.acceptTimer);
        stdout.end();
        stderr.end();
        settle(exit);
      },
      acceptTimer: undefined,
      accepted: false,
    };
    if (!this.#open) {
      run.end(null);
    } else {
      this.#runs.set(id, run);
      // A host that does not even take the run is stuck or gone: drop the channel (the next
      // run opens a new one) and let the runtime say what happened to the environment.
      run.acceptTimer = setTimeout(() => {
        this.close();
      }, ACCEPT_TIMEOUT_MS);
      // The run's credential is in this frame: it goes down the stream and nowhere else.
      this.#send({ op: "run", id, input, ...(env === undefined ? {} : { env }) });
    }
    return {
      stdout,
      stderr,
      ended,
      accepted: () => run.accepted,
      cancel: () => {
        if (this.#runs.has(id)) this.#send({ op: "cancel", id });
      },
    };
  }

  /** Closes this worker's stream; the host and any run in it live on. */
  close(): void {
    this.#streams.destroy();
    this.#onClosed();
  }

  #send(request: ChannelRequest): void {
    if (!this.#open) return;
    // The leading newline ends any half frame a dead worker left on a shared stream.
    this.#streams.writable.write(`\n${JSON.stringify(request)}\n`);
  }

  #receive(reply: ChannelReply): void {
    if (reply.op === "ready" || reply.op === "refused") {
      this.#hellos.get(reply.nonce)?.(reply);
      return;
    }
    const run = this.#runs.get(reply.id);
    if (run === undefined) return; // another worker's run, on a shared stream
    switch (reply.op) {
      case "accepted":
        run.accepted = true;
        clearTimeout(run.acceptTimer);
        break;
      case "out":
        run.stdout.write(reply.data);
        break;
      case "err":
        run.stderr.write(reply.data);
        break;
      case "end":
        this.#runs.delete(reply.id);
        run.end(reply.exit);
        break;
    }
  }
}
