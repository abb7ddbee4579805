import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

// A private git server for tests: git's own `http-backend` CGI behind a small HTTP server on
// 127.0.0.1 that asks for basic auth and takes only the passwords it is told to. It records the
// passwords it was sent (to tell which token a clone used) and serves bare repositories made
// with a first commit.

const GIT_ENV = { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" };

export interface GitServer {
  readonly url: (repo: string) => string;
  /** Passwords accepted from now on (any user name). */
  readonly accept: Set<string>;
  /** Every password sent, in order. */
  readonly seen: string[];
  /** Each authenticated request waits this long first (a slow server, to look at a clone in flight). */
  readonly delay: { ms: number };
  /** Makes a bare repository `<name>.git` with files committed on `main`; returns its commit. */
  createRepo(name: string, files: Record<string, string>, branches?: string[]): string;
  /** `git ls-remote` of a repository, on the server's side. */
  refs(name: string): Record<string, string>;
  close(): Promise<void>;
}

const git = (cwd: string, args: string[]) =>
  execFileSync("git", args, { cwd, env: GIT_ENV, encoding: "utf8" }).trim();

export async function startGitServer(): Promise<GitServer> {
  const root = mkdtempSync(join(tmpdir(), "agentry-git-server-"));
  const backend = join(git(root, ["--exec-path"]), "git-http-backend");
  const accept = new Set<string>();
  const seen: string[] = [];
  const delay = { ms: 0 };

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const auth = request.headers.authorization ?? "";
    const decoded = auth.startsWith("Basic ")
      ? Buffer.from(auth.slice(6), "base64").toString("utf8")
      : "";
    const colon = decoded.indexOf(":");
    const password = colon < 0 ? "" : decoded.slice(colon + 1);
    if (password !== "") seen.push(password);
    if (!accept.has(password)) {
      response.writeHead(401, { "WWW-Authenticate": 'Basic realm="test"' });
      response.end("Unauthorized");
      return;
    }
    if (delay.ms > 0) {
      setTimeout(() => {
        serve(request, response, decoded.slice(0, colon));
      }, delay.ms);
      return;
    }
    serve(request, response, decoded.slice(0, colon));
  };

  const serve = (request: IncomingMessage, response: ServerResponse, user: string) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    const child = spawn(backend, [], {
      env: {
        ...GIT_ENV,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: "1",
        REMOTE_USER: user,
        REQUEST_METHOD: request.method ?? "GET",
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: request.headers["content-type"] ?? "",
        ...(request.headers["content-encoding"] === undefined
          ? {}
          : { HTTP_CONTENT_ENCODING: request.headers["content-encoding"] }),
        ...(request.headers["git-protocol"] === undefined
          ? {}
          : { GIT_PROTOCOL: String(request.headers["git-protocol"]) }),
      },
      stdio: ["pipe", "pipe", "inherit"],
    });
    request.pipe(child.stdin);
    let head = Buffer.alloc(0);
    let headersDone = false;
    child.stdout.on("data", (chunk: Buffer) => {
      if (headersDone) {
        response.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      headersDone = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString("utf8").split("\r\n")) {
        const i = line.indexOf(":");
        const name = line.slice(0, i).trim();
        const value = line.slice(i + 1).trim();
        if (name.toLowerCase() === "status") status = Number.parseInt(value, 10);
        else headers[name] = value;
      }
      response.writeHead(status, headers);
      response.write(head.subarray(end + 4));
    });
    child.on("close", () => response.end());
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: (repo) => `http://127.0.0.1:${port}/${repo}.git`,
    accept,
    seen,
    delay,
    createRepo(name, files, branches = []) {
      const bare = join(root, `${name}.git`);
      git(root, ["init", "-q", "--bare", "-b", "main", bare]);
      git(bare, ["config", "http.receivepack", "true"]);
      const work = mkdtempSync(join(tmpdir(), "agentry-git-work-"));
      git(work, ["init", "-q", "-b", "main"]);
      for (const [path, text] of Object.entries(files)) writeFileSync(join(work, path), text);
      git(work, ["add", "-A"]);
      git(work, [
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.com",
        "commit",
        "-q",
        "-m",
        "first",
      ]);
      for (const branch of branches) git(work, ["branch", branch]);
      git(work, ["push", "-q", bare, "--all"]);
      const commit = git(work, ["rev-parse", "HEAD"]);
      rmSync(work, { recursive: true, force: true });
      return commit;
    },
    refs(name) {
      const out = git(root, ["ls-remote", join(root, `${name}.git`)]);
      return Object.fromEntries(
        out
          .split("\n")
          .filter((line) => line !== "")
          .map((line) => {
            const [sha = "", ref = ""] = line.split("\t");
            return [ref, sha];
          }),
      );
    },
    async close() {
      const closed = new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
      server.closeAllConnections();
      await closed;
      rmSync(root, { recursive: true, force: true });
    },
  };
}
