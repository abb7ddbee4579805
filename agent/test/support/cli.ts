import { spawn } from "node:child_process";

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the bundled agent as the worker does: stdin in, stdout/stderr collected, exit code. */
export async function runCli(
  bundle: string,
  stdin: string,
  env: Record<string, string>,
  cwd: string,
): Promise<CliResult> {
  const child = spawn(process.execPath, [bundle], {
    cwd,
    // Only what a container would have: no NODE_PATH, no provider keys from this machine.
    env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  child.stdin.end(stdin);
  return { code: await exited, stdout, stderr };
}
