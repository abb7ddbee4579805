import { randomUUID } from "node:crypto";
import { mkdir, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/**
 * A HOME made for one CLI run: a fresh directory outside the workspace (in the container, on
 * the memory-backed /tmp), where the runner writes the run's credential files, removed with
 * everything in it when the run ends. What the CLI must keep between messages (its sessions,
 * i.e. the conversation) lives in the workspace under `.agentry/cli/<name>/` and is linked into
 * this HOME at the place the CLI looks for it, so it survives runs and container restarts while
 * no secret is ever written to the workspace.
 */
export interface RunHome {
  readonly path: string;
  /** Where `relative` (a path under HOME) would be. */
  at(relative: string): string;
  /** Removes the HOME and every file in it (the credential files with it). */
  dispose(): Promise<void>;
}

export interface RunHomeOptions {
  readonly workspace: string;
  /** Names the CLI's state folder in the workspace: `.agentry/cli/<cli>/`. */
  readonly cli: string;
  /**
   * Paths under HOME whose contents persist: each becomes a link to
   * `<workspace>/.agentry/cli/<cli>/<same relative path>`.
   */
  readonly persistent: readonly string[];
  /** Parent of the HOME; default the system's temporary directory. */
  readonly parent?: string;
}

export function cliStateDir(workspace: string, cli: string): string {
  return join(workspace, ".agentry", "cli", cli);
}

export async function createRunHome(options: RunHomeOptions): Promise<RunHome> {
  const path = join(options.parent ?? tmpdir(), `agentry-home-${randomUUID()}`);
  await mkdir(path, { recursive: true, mode: 0o700 });
  const state = cliStateDir(options.workspace, options.cli);
  for (const relative of options.persistent) {
    const target = join(state, relative);
    await mkdir(target, { recursive: true, mode: 0o700 });
    const link = join(path, relative);
    await mkdir(dirname(link), { recursive: true, mode: 0o700 });
    await symlink(target, link);
  }
  return {
    path,
    at: (relative) => join(path, relative),
    dispose: () => rm(path, { recursive: true, force: true }),
  };
}
