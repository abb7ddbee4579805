// Runs several long-lived processes with prefixed, coloured output; stops them all together.
import { spawn } from "node:child_process";
import readline from "node:readline";

const colours = [36, 35, 33, 32, 34, 31];
const useColour = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code, text) => (useColour ? `\x1b[${code}m${text}\x1b[0m` : text);

/**
 * @typedef {{ name: string, command: string, cwd: string, env: NodeJS.ProcessEnv }} ProcessSpec
 */

// A script with no shell syntax is started directly and only it is signalled: tools such as tsx
// relay a signal to their own child, which would get it twice if the whole group were
// signalled. A script that needs a shell (`a && b`) gets its group signalled.
const SIMPLE = /^[\w@%+=:,./-]+(\s+[\w@%+=:,./-]+)*$/;

/**
 * Starts every spec in its own process group, so whatever it starts is stopped with it.
 * SIGINT/SIGTERM to this process stop them all (a second one kills them); when one exits on its
 * own, the others are stopped and the returned promise resolves with a non-zero exit code.
 * @param {ProcessSpec[]} specs
 * @returns {Promise<number>} the exit code this process should end with
 */
export function runTogether(specs, { graceMs = 10_000 } = {}) {
  const width = Math.max(...specs.map((s) => s.name.length));
  const running = new Map();
  let stopping = false;
  let exitCode = 0;

  return new Promise((resolve) => {
    const stopAll = (signal) => {
      for (const { child, direct } of running.values()) {
        try {
          process.kill(direct && signal !== "SIGKILL" ? child.pid : -child.pid, signal);
        } catch {
          // already gone
        }
      }
    };
    const beginStop = (code, reason) => {
      if (stopping) {
        stopAll("SIGKILL");
        return;
      }
      stopping = true;
      exitCode = code;
      process.stderr.write(`${reason}; stopping ${[...running.keys()].join(", ") || "nothing"}\n`);
      stopAll("SIGTERM");
      setTimeout(() => stopAll("SIGKILL"), graceMs).unref();
    };

    for (const signal of ["SIGINT", "SIGTERM"]) {
      process.on(signal, () => beginStop(signal === "SIGINT" ? 130 : 143, `received ${signal}`));
    }

    specs.forEach((spec, index) => {
      const prefix = paint(colours[index % colours.length], `${spec.name.padEnd(width)} |`);
      const direct = SIMPLE.test(spec.command.trim());
      const [file, ...args] = direct
        ? spec.command.trim().split(/\s+/)
        : ["sh", "-c", spec.command];
      const child = spawn(file, args, {
        cwd: spec.cwd,
        env: spec.env,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      });
      running.set(spec.name, { child, direct });
      for (const [stream, out] of [
        [child.stdout, process.stdout],
        [child.stderr, process.stderr],
      ]) {
        readline
          .createInterface({ input: stream, crlfDelay: Infinity })
          .on("line", (line) => out.write(`${prefix} ${line}\n`));
      }
      const ended = (how, code) => {
        if (!running.delete(spec.name)) return;
        if (!stopping) {
          process.stderr.write(`${prefix} ${paint(31, `${spec.name} ${how}`)}\n`);
          beginStop(code || 1, `${spec.name} ended`);
        }
        if (running.size === 0) resolve(exitCode);
      };
      // "error" without "exit" when the program cannot be started at all.
      child.on("error", (error) => ended(`could not start: ${error.message}`, 1));
      child.on("exit", (code, signal) =>
        ended(signal ? `was stopped by ${signal}` : `exited with code ${code}`, code),
      );
    });
  });
}
