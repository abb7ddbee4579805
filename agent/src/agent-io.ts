import { Console } from "node:console";
import { Writable } from "node:stream";
import type { AgentEvent } from "@agentry/core/protocol";
import { openJournal, type Journal } from "./journal.js";
import { scrub } from "./scrub.js";

// The agent process's own input and output, shared by its two modes (one run per process, or
// resident): protocol events on stdout, each journaled first; diagnostics on stderr, scrubbed of
// the run's credential; nothing a dependency prints reaching stdout.

export interface AgentIo {
  /** Reports an event (journaled first, unless it is a rotated credential). */
  readonly emit: (event: AgentEvent) => void;
  /** A diagnostic line on stderr, scrubbed. */
  readonly log: (line: string) => void;
  /** Starts a run: its credential is scrubbed from diagnostics, its events journaled. */
  readonly beginRun: (run: {
    workspace: string;
    messageId: string;
    attempt: number;
    secret: string;
  }) => void;
  /** Ends the run: its journal is closed and its secrets forgotten. */
  readonly endRun: () => void;
  /** Resolves once everything written to stdout so far is handed to the pipe. */
  readonly flush: () => Promise<void>;
  /** Writes a raw line to stdout (the resident run-end marker). */
  readonly writeLine: (line: string) => void;
}

export function createAgentIo(): AgentIo {
  /** The credentials of the run in progress: nothing written to stderr may contain them. */
  const secrets: string[] = [];
  let journal: Journal | null = null;
  // The worker may die mid-run and its end of the pipe with it: keep going (the journal has the
  // run), rather than crash on EPIPE.
  let stdoutOpen = true;
  process.stdout.on("error", () => {
    stdoutOpen = false;
  });

  // Anything a dependency prints (SDK warnings) must not land among the protocol events, nor
  // carry the credential.
  const scrubbedStderr = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      process.stderr.write(scrub(chunk.toString(), secrets), () => {
        callback();
      });
    },
  });
  globalThis.console = new Console({ stdout: scrubbedStderr, stderr: scrubbedStderr });

  const writeLine = (line: string): void => {
    if (stdoutOpen) process.stdout.write(`${line}\n`);
  };
  return {
    emit: (event) => {
      if (event.type === "credential") {
        // A rotated credential goes to the worker only: never to the journal on disk.
        secrets.push(event.secret);
      } else {
        journal?.append(event);
      }
      writeLine(JSON.stringify(event));
    },
    log: (line) => {
      process.stderr.write(`agentry-agent: ${scrub(line, secrets)}\n`);
    },
    beginRun: (run) => {
      journal?.close();
      secrets.length = 0;
      secrets.push(run.secret);
      journal = openJournal(run.workspace, run.messageId, run.attempt);
    },
    endRun: () => {
      journal?.close();
      journal = null;
      secrets.length = 0;
    },
    flush: async () => {
      if (!stdoutOpen) return;
      await new Promise<void>((resolve) =>
        process.stdout.write("", () => {
          resolve();
        }),
      );
    },
    writeLine,
  };
}
