import type { AgentRunInput } from "./protocol.js";

// The channel between the worker and an agent's resident host process (agent-host.mjs), which
// lives as long as the agent's environment and runs the agent program as a child it restarts.
// Frames are newline-delimited JSON objects in both directions, over any byte stream: the
// container's attached standard input and output (Docker), or a socket the host listens on (a
// unix socket for the process runtime; TCP where an orchestrator gives each container its own
// address). On a socket the first frame must be `hello` with the host's token; on the attach
// stream the Docker API is the gate, and the token is not asked for.
//
// Between the host and the agent program (its child): one `ResidentRunFrame` line per run on
// the child's standard input; the child prints the run's protocol events on its standard output,
// one a line, then `RUN_END_LINE`, and waits for the next run.

/** Bumped when frames change incompatibly; the host reports its own in `ready`. */
export const CHANNEL_VERSION = 1;

/** Written by the agent program after the last event of a run (not a protocol event). */
export const RUN_END_LINE = '{"agentry":"run-end"}';

/** What the host hands its agent program for one run. */
export interface ResidentRunFrame {
  readonly input: AgentRunInput;
  /** Extra environment for this one run (never a secret). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Worker → host. */
export type ChannelRequest =
  | {
      readonly op: "hello";
      /** Echoed in `ready`, so a client on a shared stream knows the answer is its own. */
      readonly nonce: string;
      readonly token?: string;
    }
  | {
      readonly op: "run";
      /** Chosen by the worker; names the run in every frame about it. */
      readonly id: string;
      readonly input: AgentRunInput;
      readonly env?: Readonly<Record<string, string>>;
    }
  | { readonly op: "cancel"; readonly id: string };

/** How a run ended, as the host saw its agent program. */
export interface RunExit {
  /** True when the agent program ended the run itself (and lives on for the next). */
  readonly finished: boolean;
  /** The program's exit code when it died during the run, else null. */
  readonly code: number | null;
  /** The signal that killed it during the run, else null. */
  readonly signal: string | null;
  /** True when the run ended because the worker cancelled it. */
  readonly cancelled: boolean;
}

/** Host → worker. */
export type ChannelReply =
  | {
      readonly op: "ready";
      readonly nonce: string;
      readonly version: number;
      /** The run in progress, if any (e.g. one a dead worker started). */
      readonly running: string | null;
    }
  | { readonly op: "refused"; readonly nonce: string; readonly reason: string }
  /** The host has the run (it starts once any run before it has ended). */
  | { readonly op: "accepted"; readonly id: string }
  /**
   * What the agent program printed on standard output during the run: whole lines, newline
   * included (a very long line comes in pieces); the worker parses them as protocol events.
   */
  | { readonly op: "out"; readonly id: string; readonly data: string }
  /** Diagnostics it printed on standard error during the run (already scrubbed by the agent). */
  | { readonly op: "err"; readonly id: string; readonly data: string }
  | { readonly op: "end"; readonly id: string; readonly exit: RunExit };

/** Parses one host frame; null for anything else (a line that is not one is dropped). */
export function parseChannelReply(line: string): ChannelReply | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const frame = value as { op?: unknown; id?: unknown; nonce?: unknown };
  switch (frame.op) {
    case "ready":
    case "refused":
      return typeof frame.nonce === "string" ? (value as ChannelReply) : null;
    case "accepted":
    case "out":
    case "err":
    case "end":
      return typeof frame.id === "string" ? (value as ChannelReply) : null;
    default:
      return null;
  }
}
