import { lookup } from "node:dns/promises";
import {
  AppError,
  isCommitRef,
  isForbiddenRepositoryAddress,
  parseRepositoryRef,
  parseRepositoryUrl,
} from "@agentry/core";
import type { AgentRuntime } from "../runtime/runtime.js";
import {
  describeGitFailure,
  gitCommand,
  progressReader,
  repositoryUnavailable,
  scrub,
  type GitCall,
} from "./git.js";

// The session's repository in one agent's workspace: the clone before its first message, the
// changes since, and a push of them as a branch. git runs in the workspace through the runtime
// (inside the agent's container with Docker), as git.ts describes.

/** The ref the clone records as what `changes` compares against. */
export const BASE_REF = "refs/agentry/base";
/** The local branch a clone checks out when the session names no branch. */
export const WORK_BRANCH = "agentry-work";
/** The largest unified diff of one file returned; past it, `truncated`. */
export const FILE_DIFF_MAX_BYTES = 256 * 1024;
/** The most changed files listed. */
export const CHANGES_MAX_FILES = 1000;

export type ChangeStatus = "ADDED" | "MODIFIED" | "DELETED";

export interface FileChange {
  readonly path: string;
  readonly status: ChangeStatus;
  /** Null for a binary file. */
  readonly added: number | null;
  readonly removed: number | null;
}

export interface RepositoryOptions {
  /** REPOSITORY_ALLOW_LOOPBACK: tests' http git servers on this machine. */
  readonly allowLoopback: boolean;
}

export class WorkspaceRepository {
  constructor(
    private readonly runtime: Pick<AgentRuntime, "exec" | "workspacePath">,
    private readonly options: RepositoryOptions,
  ) {}

  async #git(agentId: string, call: GitCall) {
    const command = gitCommand(
      this.runtime.workspacePath(agentId),
      this.options.allowLoopback,
      call,
    );
    return this.runtime.exec(agentId, command);
  }

  /** The stored URL and ref, checked again (a row may predate the rules). */
  #checked(repoUrl: string, repoRef: string | null): { url: string; ref: string | null } {
    try {
      const url = parseRepositoryUrl(repoUrl, { allowLoopback: this.options.allowLoopback });
      if (url === null) throw new AppError("BAD_USER_INPUT", "no repository");
      return { url, ref: parseRepositoryRef(repoRef) };
    } catch (error) {
      const reason = error instanceof AppError ? error.message : "it is not valid";
      throw repositoryUnavailable(`The session's repository cannot be cloned: ${reason}`);
    }
  }

  /**
   * What the repository's host name resolves to here must not be a link-local, metadata or
   * (outside tests) loopback address either: the URL's rules see only the name. A name that
   * does not resolve is left to git, which says so.
   */
  async #checkResolved(url: string, what: string): Promise<void> {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
    let addresses: { address: string }[];
    try {
      addresses = await lookup(host, { all: true, verbatim: true });
    } catch {
      return;
    }
    const rules = { allowLoopback: this.options.allowLoopback };
    if (addresses.some(({ address }) => isForbiddenRepositoryAddress(address, rules))) {
      throw repositoryUnavailable(
        `${what}: its host resolves to a link-local, metadata or local address`,
      );
    }
  }

  /**
   * Clones the repository into the workspace (which may hold the agent's own files already):
   * init, fetch the ref (default: the remote's HEAD) with the token, check it out, and record
   * the commit as BASE_REF. Returns the commit. Throws REPOSITORY_UNAVAILABLE saying why.
   */
  async clone(
    agentId: string,
    repository: { readonly url: string; readonly ref: string | null },
    token: string | null,
    /** Told git's progress as it goes, e.g. "receiving objects 45%". */
    onProgress?: (progress: string) => void,
  ): Promise<string> {
    const { url, ref } = this.#checked(repository.url, repository.ref);
    const what = "The repository could not be cloned";
    await this.#checkResolved(url, what);
    const local = async (args: string[], resetConfig = false) => {
      const result = await this.#git(agentId, { args, resetConfig });
      if (result.exitCode !== 0)
        throw repositoryUnavailable(describeGitFailure(result, token, what));
      return result.stdout.toString("utf8").trim();
    };
    await local(["init", "-q"]);
    const fetched = await this.#git(agentId, {
      args: ["fetch", "--no-tags", "--progress", "--", url, ref ?? "HEAD"],
      auth: { url, token },
      timeoutMs: 600_000,
      ...(onProgress === undefined ? {} : { onStderr: progressReader(onProgress) }),
    });
    if (fetched.exitCode !== 0) {
      throw repositoryUnavailable(describeGitFailure(fetched, token, what));
    }
    const commit = await local(["rev-parse", "--verify", "FETCH_HEAD^{commit}"]);
    const branch = ref !== null && !isCommitRef(ref) ? ref : WORK_BRANCH;
    await local(["checkout", "-q", "-f", "-B", branch, commit]);
    await local(["update-ref", BASE_REF, commit]);
    // The agent's own bookkeeping (journals, CLI sessions) is not a change to the repository.
    const exclude = await this.runtime.exec(agentId, {
      argv: ["sh", "-c", "mkdir -p .git/info && printf '/.agentry/\\n' >> .git/info/exclude"],
    });
    if (exclude.exitCode !== 0)
      throw repositoryUnavailable(`${what}: the workspace is not writable`);
    return commit;
  }

  /** Whether the workspace holds a clone (its BASE_REF), e.g. after its volume was replaced. */
  async hasClone(agentId: string): Promise<boolean> {
    const result = await this.#git(agentId, {
      args: ["rev-parse", "--verify", "--quiet", `${BASE_REF}^{commit}`],
    });
    return result.exitCode === 0;
  }

  /**
   * A scratch index holding the whole work tree (untracked files included, ignored ones not),
   * so a diff against BASE_REF sees everything without touching the agent's own index.
   */
  #scratchIndex(gitArgs: string): string {
    return [
      'export GIT_INDEX_FILE="$PWD/.git/agentry-changes.$$.index"',
      'rm -f "$GIT_INDEX_FILE"',
      "trap 'rm -f \"$GIT_INDEX_FILE\"' EXIT",
      `git "$@" read-tree ${BASE_REF} && git "$@" add -A . >/dev/null 2>&1 && git "$@" ${gitArgs}`,
    ].join("\n");
  }

  async #scratch(
    agentId: string,
    gitArgs: string,
    env: Readonly<Record<string, string>>,
    maxOutputBytes?: number,
  ) {
    const base = gitCommand(this.runtime.workspacePath(agentId), this.options.allowLoopback, {
      args: [],
    });
    // The same options and environment as every git command, in a script of several.
    const options = base.argv.slice(4);
    return this.runtime.exec(agentId, {
      argv: ["sh", "-c", this.#scratchIndex(gitArgs), "git", ...options],
      env: { ...base.env, ...env },
      timeoutMs: 60_000,
      ...(maxOutputBytes === undefined ? {} : { maxOutputBytes }),
    });
  }

  /** The files changed since the clone, with line counts (null for binary files). */
  async changes(agentId: string): Promise<FileChange[]> {
    const result = await this.#scratch(
      agentId,
      `diff --cached --no-renames --no-ext-diff --no-textconv --numstat -z ${BASE_REF} && printf '\\0\\0' && git "$@" diff --cached --no-renames --name-status -z ${BASE_REF}`,
      {},
      8 * 1024 * 1024,
    );
    if (result.exitCode !== 0) {
      throw new AppError(
        "AGENT_FAILED",
        `The changes could not be read: ${scrub(result.stderr, null).trim().slice(0, 300)}`,
      );
    }
    const text = result.stdout.toString("utf8");
    const split = text.indexOf("\0\0\0");
    const numstat = split < 0 ? text : text.slice(0, split + 1);
    const nameStatus = split < 0 ? "" : text.slice(split + 3);
    const counts = new Map<string, [number | null, number | null]>();
    for (const entry of numstat.split("\0")) {
      const match = /^(-|\d+)\t(-|\d+)\t(.*)$/s.exec(entry);
      if (match === null) continue;
      const [, added = "-", removed = "-", path = ""] = match;
      counts.set(path, [
        added === "-" ? null : Number(added),
        removed === "-" ? null : Number(removed),
      ]);
    }
    const parts = nameStatus.split("\0");
    const changes: FileChange[] = [];
    for (let i = 0; i + 1 < parts.length && changes.length < CHANGES_MAX_FILES; i += 2) {
      const code = parts[i] ?? "";
      const path = parts[i + 1] ?? "";
      if (code === "" || path === "") continue;
      const status: ChangeStatus = code === "A" ? "ADDED" : code === "D" ? "DELETED" : "MODIFIED";
      const [added, removed] = counts.get(path) ?? [null, null];
      changes.push({ path, status, added, removed });
    }
    return changes;
  }

  /** The unified diff of one file since the clone, at most FILE_DIFF_MAX_BYTES. */
  async fileDiff(agentId: string, path: string): Promise<{ diff: string; truncated: boolean }> {
    const result = await this.#scratch(
      agentId,
      `diff --cached --no-renames --no-ext-diff --no-textconv ${BASE_REF} -- ":(literal)$AGENTRY_PATH"`,
      { AGENTRY_PATH: path },
      FILE_DIFF_MAX_BYTES,
    );
    if (result.exitCode !== 0 && !result.truncated) {
      throw new AppError("AGENT_FAILED", "The file's diff could not be read");
    }
    return { diff: result.stdout.toString("utf8"), truncated: result.truncated };
  }

  /**
   * Commits everything in the work tree (author: the acting user) and pushes HEAD to `branch`
   * on the repository with the token. Returns the commit and the remote's answer. Refusals:
   * REPOSITORY_UNAVAILABLE (unreachable, not found, token refused), FORBIDDEN (the remote
   * rejected the update: not a fast-forward, a protected branch, a hook), BAD_USER_INPUT
   * (nothing to push).
   */
  async push(
    agentId: string,
    repository: { readonly url: string; readonly ref: string | null },
    request: {
      readonly branch: string;
      readonly message: string;
      readonly author: { readonly name: string; readonly email: string };
    },
    token: string | null,
  ): Promise<{ commit: string; remoteMessage: string }> {
    const { url } = this.#checked(repository.url, repository.ref);
    const what = "The branch could not be pushed";
    await this.#checkResolved(url, what);
    const identity = {
      GIT_AUTHOR_NAME: request.author.name,
      GIT_AUTHOR_EMAIL: request.author.email,
      GIT_COMMITTER_NAME: request.author.name,
      GIT_COMMITTER_EMAIL: request.author.email,
    };
    const add = await this.#git(agentId, { args: ["add", "-A", "."] });
    if (add.exitCode !== 0) {
      throw new AppError(
        "AGENT_FAILED",
        `${what}: ${scrub(add.stderr, null).trim().slice(0, 300)}`,
      );
    }
    const staged = await this.#git(agentId, { args: ["diff", "--cached", "--quiet"] });
    if (staged.exitCode === 1) {
      const committed = await this.#git(agentId, {
        args: ["commit", "-q", "--no-verify", "--no-gpg-sign", "-m", request.message],
        env: identity,
      });
      if (committed.exitCode !== 0) {
        throw new AppError(
          "AGENT_FAILED",
          `${what}: ${scrub(committed.stderr, null).trim().slice(0, 300)}`,
        );
      }
    }
    const head = await this.#git(agentId, { args: ["rev-parse", "--verify", "HEAD^{commit}"] });
    const commit = head.stdout.toString("utf8").trim();
    const base = await this.#git(agentId, {
      args: ["rev-parse", "--verify", `${BASE_REF}^{commit}`],
    });
    if (head.exitCode !== 0 || commit === base.stdout.toString("utf8").trim()) {
      throw new AppError("BAD_USER_INPUT", "The agent has no changes to push", {
        field: "agentId",
      });
    }
    const pushed = await this.#git(agentId, {
      args: ["push", "--porcelain", "--no-verify", "--", url, `HEAD:refs/heads/${request.branch}`],
      auth: { url, token },
      timeoutMs: 600_000,
    });
    const answer = scrub(`${pushed.stdout.toString("utf8")}\n${pushed.stderr}`, token)
      .split("\n")
      .map((line) => line.trimEnd())
      .filter((line) => line.trim() !== "")
      .join("\n")
      .slice(0, 4000);
    if (pushed.exitCode !== 0) {
      if (
        /\[rejected\]|\[remote rejected\]|! .*rejected|pre-receive hook declined|protected branch/i.test(
          answer,
        )
      ) {
        throw new AppError(
          "FORBIDDEN",
          `${what}: the repository rejected it (${rejection(answer)})`,
          {
            branch: request.branch,
          },
        );
      }
      throw repositoryUnavailable(describeGitFailure(pushed, token, what));
    }
    return { commit, remoteMessage: answer };
  }
}

/** The reason on a rejected ref's porcelain line, e.g. "non-fast-forward". */
function rejection(answer: string): string {
  const line = answer.split("\n").find((l) => /rejected/.test(l)) ?? "";
  const reason = /\(([^)]*)\)\s*$/.exec(line)?.[1];
  return (reason ?? line.trim()).slice(0, 200) || "rejected";
}
