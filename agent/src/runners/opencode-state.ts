import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { cliStateDir } from "./run-home.js";

// What OpenCode must remember between messages, in <workspace>/.agentry/cli/opencode/state.json
// (no secrets): the session to continue. OpenCode reports each provider call's own usage, so no
// totals are kept.

export const OPENCODE_CLI = "opencode";

const stateSchema = z.object({ sessionId: z.string().regex(/^ses_[A-Za-z0-9]+$/) });
export type OpenCodeState = z.infer<typeof stateSchema>;

const statePath = (workspace: string): string =>
  join(cliStateDir(workspace, OPENCODE_CLI), "state.json");

/** The saved state; undefined when there is none or it is unreadable (a new session then). */
export async function loadOpenCodeState(
  workspace: string,
  log: (line: string) => void,
): Promise<OpenCodeState | undefined> {
  let raw: string;
  try {
    raw = await readFile(statePath(workspace), "utf8");
  } catch {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = undefined;
  }
  const parsed = stateSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  log("opencode: state.json is unreadable; starting a new session");
  return undefined;
}

/** Written whole and renamed into place, so a killed run never leaves half a file. */
export async function saveOpenCodeState(workspace: string, state: OpenCodeState): Promise<void> {
  const path = statePath(workspace);
  await mkdir(cliStateDir(workspace, OPENCODE_CLI), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${randomUUID()}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state)}\n`, { mode: 0o600 });
  await rename(temporary, path);
}
