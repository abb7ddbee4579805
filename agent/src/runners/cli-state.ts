import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { z } from "zod";
import { cliStateDir } from "./run-home.js";

// What a CLI runner remembers between messages (its session id, usage baselines; never a secret)
// in <workspace>/.agentry/cli/<cli>/state.json.

const statePath = (workspace: string, cli: string): string =>
  join(cliStateDir(workspace, cli), "state.json");

/**
 * The saved state; undefined when there is none, or when it is unreadable (logged with
 * `unreadable`, e.g. "starting a new session": the runner then starts afresh).
 */
export async function loadCliState<Schema extends z.ZodType>(
  workspace: string,
  cli: string,
  schema: Schema,
  log: (line: string) => void,
  unreadable: string,
): Promise<z.infer<Schema> | undefined> {
  let raw: string;
  try {
    raw = await readFile(statePath(workspace, cli), "utf8");
  } catch {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = undefined;
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  log(`${cli}: state.json is unreadable; ${unreadable}`);
  return undefined;
}

/** Written whole and renamed into place, so a killed run never leaves half a file. */
export async function saveCliState(workspace: string, cli: string, state: unknown): Promise<void> {
  const path = statePath(workspace, cli);
  await mkdir(cliStateDir(workspace, cli), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${randomUUID()}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state)}\n`, { mode: 0o600 });
  await rename(temporary, path);
}
