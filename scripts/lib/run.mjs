// Running child commands from scripts: output captured or inherited, failures explained.
import { spawn } from "node:child_process";

/**
 * Runs a command; resolves with its output. Rejects with a message naming the command and its
 * stderr when it exits non-zero (unless `allowFailure`).
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, capture?: boolean, input?: string, allowFailure?: boolean }} [options]
 * @returns {Promise<{ code: number, stdout: string, stderr: string }>}
 */
export function run(command, args, options = {}) {
  const { cwd, env, capture = true, input, allowFailure = false } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: env ?? process.env,
      stdio: [
        input === undefined ? "ignore" : "pipe",
        capture ? "pipe" : "inherit",
        capture ? "pipe" : "inherit",
      ],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr?.setEncoding("utf8").on("data", (d) => (stderr += d));
    if (input !== undefined) child.stdin?.end(input);
    child.on("error", (error) => reject(new Error(`could not run ${command}: ${error.message}`)));
    child.on("close", (code, signal) => {
      const result = { code: code ?? 1, stdout, stderr };
      if (result.code === 0 || allowFailure) return resolve(result);
      const shown = [command, ...args].join(" ");
      const why = signal ? `was killed by ${signal}` : `exited with ${code}`;
      reject(new Error(`${shown} ${why}${stderr.trim() ? `:\n${stderr.trim()}` : ""}`));
    });
  });
}

/** The URL with its password replaced, for messages. */
export function redactUrl(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable URL)";
  }
}
