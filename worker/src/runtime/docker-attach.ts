import { PassThrough } from "node:stream";
import type Docker from "dockerode";
import type { Logger } from "pino";
import { AgentChannel } from "./agent-channel.js";

// The Docker runtime's channel to an agent's resident host: the container's main process's
// standard input and output, attached through the engine's API (`docker attach`, hijacked).
//
// Why this and not a socket the host serves: the engine here runs with no bridge network
// (`dockerd --bridge=none`), and agents may run with `--network none`, so the worker cannot
// reach a port in the container; a unix socket on a bind mount would tie the worker to the
// engine's own filesystem. The attach stream needs only the Docker API the worker already
// holds (which is also its authentication: whoever has the API is root on the host), works for
// every network mode, and several workers may attach at once (standard input is shared, output
// goes to each). Containers are created with logging off, so nothing a run prints is kept by
// the engine. Where containers run under an orchestrator with an address of their own, the
// same host serves the same frames on TCP with a per-container token (`--listen`).

const HELLO_TIMEOUT_MS = 10_000;

/** Attaches to the container's main process and greets its host. */
export async function attachChannel(
  docker: Docker,
  containerId: string,
  logger: Logger,
): Promise<AgentChannel> {
  const stream = await docker.getContainer(containerId).attach({
    stream: true,
    stdin: true,
    stdout: true,
    stderr: true,
    hijack: true,
  });
  // A held channel must not keep the worker's process alive once everything else has stopped.
  (stream as NodeJS.ReadWriteStream & { unref?: () => void }).unref?.();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  docker.modem.demuxStream(stream, stdout, stderr);
  // The host's own diagnostics (its agent program's go to each run as frames): never secrets.
  stderr.setEncoding("utf8");
  stderr.on("data", (text: string) => {
    logger.debug({ containerId, host: text.trimEnd() }, "agent host says");
  });
  const end = (): void => {
    stdout.end();
    stderr.end();
  };
  stream.once("end", end);
  stream.once("close", end);
  stream.once("error", (error: Error) => {
    logger.warn({ containerId, err: error }, "agent channel stream failed");
    end();
  });
  return AgentChannel.open(
    {
      readable: stdout,
      writable: stream,
      destroy: () => {
        (stream as NodeJS.ReadWriteStream & { destroy?: () => void }).destroy?.();
      },
    },
    { timeoutMs: HELLO_TIMEOUT_MS },
  );
}
