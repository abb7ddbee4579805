import { AppError } from "@agentry/core";
import type { WorkspaceCommand, WorkspaceCommandResult } from "../runtime/runtime.js";

// How the worker runs git in an agent's workspace (a workspace the agent, and whatever it ran,
// may have changed at will): every command ignores the system and user configuration, runs no
// hook or fsmonitor, trusts only that workspace, and speaks https only (http too where the tests
// allow loopback repositories). A repository token reaches git for one command only, on that
// command's standard input: a small shell moves its input to descriptor 3 and the credential
// helper below prints it, for `get` and only when git asks for the repository's own host (a
// redirect or an `insteadOf` elsewhere gets nothing). So the token is in no argument list,
// environment, remote URL, .git/config, file, log or event. Before a command that carries the
// token, .git/config is rewritten to the minimal one the clone wrote, dropping anything the agent
// put there (a proxy, an url rewrite, a credential helper of its own).

/** Where the agent's workspace is (its container's, or the process runtime's directory). */
export type WorkspaceExec = (command: WorkspaceCommand) => Promise<WorkspaceCommandResult>;

/** Settings every git command here runs with (after `git`). */
export function safeGitOptions(workspace: string, allowHttp: boolean): string[] {
  return [
    ...["-c", "core.hooksPath=/dev/null"],
    ...["-c", "core.fsmonitor=false"],
    ...["-c", `safe.directory=${workspace}`],
    ...["-c", "protocol.allow=never"],
    ...["-c", "protocol.https.allow=always"],
    ...(allowHttp ? ["-c", "protocol.http.allow=always"] : []),
    // Resets every credential helper configured anywhere; one of ours may follow.
    ...["-c", "credential.helper="],
    ...["-c", "core.askPass="],
    ...["-c", "advice.detachedHead=false"],
    ...["-c", "init.defaultBranch=main"],
  ];
}

/** The environment of every git command: no system or user configuration, never a prompt. */
export const GIT_ENV: Readonly<Record<string, string>> = {
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_TERMINAL_PROMPT: "0",
  GIT_ASKPASS: "/bin/false",
  SSH_ASKPASS: "/bin/false",
  GIT_OPTIONAL_LOCKS: "0",
  LC_ALL: "C",
};

/** The .git/config the clone writes, and every token-carrying command starts from. */
const MINIMAL_CONFIG =
  "[core]\\n\\trepositoryformatversion = 0\\n\\tfilemode = true\\n\\tbare = false\\n";

/**
 * The shell that runs git: its standard input becomes descriptor 3 (where the credential helper
 * reads the token) and git's own input is empty. With `resetConfig`, .git must be a plain
 * directory and its config is rewritten first.
 */
const WRAPPER = (resetConfig: boolean): string =>
  [
    "exec 3<&0 </dev/null",
    ...(resetConfig
      ? [
          'if [ -L .git ] || [ ! -d .git ]; then echo "the workspace\'s .git is not a directory" >&2; exit 97; fi',
          "rm -f .git/config.worktree",
          `printf '${MINIMAL_CONFIG}' > .git/config`,
        ]
      : []),
    'exec git "$@"',
  ].join("\n");

/** The credential helper for `host` (as git names it: host[:port]), reading descriptor 3. */
function credentialHelper(host: string): string {
  if (!/^[A-Za-z0-9.:[\]-]+$/.test(host)) throw new AppError("INTERNAL", "Unexpected host");
  return [
    "!f() {",
    'test "$1" = get || exit 0;',
    'h="";',
    'while IFS= read -r line && [ -n "$line" ]; do case "$line" in host=*) h="${line#host=}";; esac; done;',
    `if [ "$h" = '${host}' ]; then cat <&3; fi;`,
    "}; f",
  ].join(" ");
}

/** What git is told for basic auth: `username:token` as given, else the token alone. */
export function credentialLines(token: string): string {
  const colon = token.indexOf(":");
  const [username, password] =
    colon > 0 ? [token.slice(0, colon), token.slice(colon + 1)] : ["x-access-token", token];
  return `username=${username}\npassword=${password}\n`;
}

export interface GitCall {
  readonly args: readonly string[];
  /** The repository's URL when the command talks to it with a token. */
  readonly auth?: { readonly url: string; readonly token: string | null };
  /** Rewrite .git/config first (every command that carries a token does). */
  readonly resetConfig?: boolean;
  readonly timeoutMs?: number;
  readonly maxOutputBytes?: number;
  readonly env?: Readonly<Record<string, string>>;
  readonly onStderr?: (text: string) => void;
}

/** Builds the workspace command for one git call. */
export function gitCommand(workspace: string, allowHttp: boolean, call: GitCall): WorkspaceCommand {
  const helper =
    call.auth?.token === null || call.auth === undefined
      ? []
      : ["-c", `credential.helper=${credentialHelper(new URL(call.auth.url).host)}`];
  return {
    argv: [
      "sh",
      "-c",
      WRAPPER(call.resetConfig === true || call.auth !== undefined),
      "git",
      ...safeGitOptions(workspace, allowHttp),
      ...helper,
      ...call.args,
    ],
    stdin:
      call.auth?.token === undefined || call.auth.token === null
        ? ""
        : credentialLines(call.auth.token),
    env: { ...GIT_ENV, ...call.env },
    timeoutMs: call.timeoutMs ?? 120_000,
    ...(call.maxOutputBytes === undefined ? {} : { maxOutputBytes: call.maxOutputBytes }),
    ...(call.onStderr === undefined ? {} : { onStderr: call.onStderr }),
  };
}

/**
 * Reads git's `--progress` output as it comes (lines ended by CR or LF) and reports each new
 * "Receiving objects: 45%"-style phase and percentage, e.g. "receiving objects 45%".
 */
export function progressReader(report: (progress: string) => void): (text: string) => void {
  let last = "";
  return (text) => {
    for (const line of text.split(/[\r\n]/)) {
      const match =
        /(Receiving objects|Resolving deltas|Counting objects|Compressing objects):\s+(\d{1,3})%/.exec(
          line,
        );
      if (match === null) continue;
      const progress = `${(match[1] ?? "").toLowerCase()} ${match[2] ?? "0"}%`;
      if (progress === last) continue;
      last = progress;
      report(progress);
    }
  };
}

/**
 * What a failed git talk with the repository means, for people: refused, not found,
 * unreachable, or git's last line (credentials scrubbed). Never the token: git does not print
 * it, and any `user:secret@` or the token itself is cut out all the same.
 */
export function describeGitFailure(
  result: WorkspaceCommandResult,
  token: string | null,
  what: string,
): string {
  const text = scrub(result.stderr, token);
  if (result.timedOut) return `${what}: git did not finish in time`;
  if (
    /HTTP (401|403)|Authentication failed|could not read Username|terminal prompts disabled/i.test(
      text,
    )
  ) {
    return token === null
      ? `${what}: the repository needs a token; add a repository token (provider GIT) to the session or your account`
      : `${what}: the repository token was refused (HTTP 401/403); replace it`;
  }
  if (/HTTP 404|not found|does not appear to be a git repository/i.test(text)) {
    return `${what}: the repository was not found (or the token cannot see it)`;
  }
  if (/couldn't find remote ref|not our ref|unadvertised object/i.test(text)) {
    return `${what}: the branch, tag or commit was not found in the repository`;
  }
  if (
    /Could not resolve host|Failed to connect|Connection refused|timed out|unable to access/i.test(
      text,
    )
  ) {
    return `${what}: the repository's host could not be reached`;
  }
  const last = text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .at(-1);
  return `${what}: ${last === undefined ? `git exited with ${result.exitCode ?? "a signal"}` : last.slice(0, 300)}`;
}

/** Removes the token and any URL credential from git's output. */
export function scrub(text: string, token: string | null): string {
  let out = text.replace(/(\w+:\/\/)[^/\s@]+@/g, "$1");
  if (token !== null && token !== "") {
    out = out.split(token).join("…");
    const colon = token.indexOf(":");
    if (colon > 0) out = out.split(token.slice(colon + 1)).join("…");
  }
  return out;
}

export const repositoryUnavailable = (message: string): AppError =>
  new AppError("REPOSITORY_UNAVAILABLE", message);
