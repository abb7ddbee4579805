import { closeSync, mkdirSync, openSync, readdirSync, rmSync, statSync, writeSync } from "node:fs";
import { basename, join } from "node:path";
import type { AgentEvent } from "@agentry/core/protocol";

const KEEP_JOURNALS = 20;

/** Where a run's journal lives in the workspace (the worker's runtimes read the same path). */
export function journalPath(workspace: string, messageId: string, attempt: number): string {
  return join(workspace, ".agentry", "runs", `${messageId}.${attempt}.ndjson`);
}

/** One run's journal, open for the run. */
export interface Journal {
  /** Appends the event (synchronously: it is on disk before the caller reports it). */
  append(event: AgentEvent): void;
  close(): void;
}

/**
 * The journals in each runs folder this process knows, oldest first: read from the folder at
 * the first run, then kept as runs add to it (a resident agent prunes without listing the
 * folder again on every message).
 */
const known = new Map<string, string[]>();

/**
 * The run's journal: every event is appended (synchronously) before it is reported on stdout,
 * so if the worker dies mid-run — and this process outlives it — the worker that takes over
 * reads what happened, and counts every provider call. Created empty at the start of a run,
 * so its existence says the run started. Older journals beyond the last 20 are pruned.
 */
export function openJournal(workspace: string, messageId: string, attempt: number): Journal {
  const path = journalPath(workspace, messageId, attempt);
  const dir = join(workspace, ".agentry", "runs");
  const names = journalsIn(dir).filter((name) => name !== basename(path));
  while (names.length >= KEEP_JOURNALS) {
    const oldest = names.shift();
    if (oldest !== undefined) rmSync(join(dir, oldest), { force: true });
  }
  let fd: number;
  try {
    fd = openSync(path, "w", 0o600);
  } catch {
    // the folder went away under us (a workspace reset): make it again
    mkdirSync(dir, { recursive: true });
    fd = openSync(path, "w", 0o600);
  }
  names.push(basename(path));
  known.set(dir, names);
  let open = true;
  return {
    append(event) {
      const line = Buffer.from(`${JSON.stringify(event)}\n`);
      for (let written = 0; written < line.length;) {
        written += writeSync(fd, line, written);
      }
    },
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

function journalsIn(dir: string): string[] {
  const cached = known.get(dir);
  if (cached !== undefined) return cached;
  mkdirSync(dir, { recursive: true });
  const names = readdirSync(dir)
    .filter((name) => name.endsWith(".ndjson"))
    .map((name) => ({ name, mtime: statSync(join(dir, name)).mtimeMs }))
    .sort((a, b) => a.mtime - b.mtime)
    .map((file) => file.name);
  known.set(dir, names);
  return names;
}
