import { appendFileSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { AgentEvent } from "@agentry/core/protocol";

const KEEP_JOURNALS = 20;

/** Where a run's journal lives in the workspace (the worker's runtimes read the same path). */
export function journalPath(workspace: string, messageId: string, attempt: number): string {
  return join(workspace, ".agentry", "runs", `${messageId}.${attempt}.ndjson`);
}

/**
 * The run's journal: every event is appended (synchronously) before it is reported on stdout,
 * so if the worker dies mid-run — and this process outlives it — the worker that takes over
 * reads what happened, and counts every provider call. Created empty at the start of a run,
 * so its existence says the run started. Older journals beyond the last 20 are pruned.
 */
export function openJournal(
  workspace: string,
  messageId: string,
  attempt: number,
): (event: AgentEvent) => void {
  const path = journalPath(workspace, messageId, attempt);
  const dir = join(workspace, ".agentry", "runs");
  mkdirSync(dir, { recursive: true });
  prune(dir);
  writeFileSync(path, "", { mode: 0o600 });
  return (event) => {
    appendFileSync(path, `${JSON.stringify(event)}\n`);
  };
}

function prune(dir: string): void {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith(".ndjson"))
    .map((name) => ({ name, mtime: statSync(join(dir, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const file of files.slice(KEEP_JOURNALS - 1)) rmSync(join(dir, file.name), { force: true });
}
