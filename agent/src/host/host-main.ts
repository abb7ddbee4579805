import { readFileSync, rmSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { parseArgs } from "node:util";
import { AgentSupervisor } from "./agent-supervisor.js";
import { serveConnection } from "./host-connection.js";

// agent-host.mjs: the resident process of an agent's environment. It keeps the agent program
// loaded (a child it restarts when it dies) and serves the worker's channel (see the channel in
// core's agent protocol):
//
//   agent-host.mjs --agent <agent.mjs> --stdio [--container]
//       the container's main process; the worker attaches to its standard input and output
//       through the Docker API (no network needed, so `--network none` agents work too);
//   agent-host.mjs --agent <agent.mjs> --listen unix:<path>|tcp:<host>:<port> --token-file <path>
//                  [--exit-unused-ms <ms>]
//       a socket every frame of which must follow a `hello` carrying the token in that file
//       (the process runtime: a unix socket in the agent's directory; an orchestrator: TCP on
//       the container's own address, the token from a mounted secret); with --exit-unused-ms,
//       the host exits once no client and no run has needed it for that long.
//
// `--container` widens a cancelled run's kill to every process in the container but this one.
// Nothing here reads, logs or keeps a run's input beyond handing it to the agent program.

function log(line: string): void {
  process.stderr.write(`agentry-host: ${line}\n`);
}

function main(): void {
  const { values } = parseArgs({
    options: {
      agent: { type: "string" },
      stdio: { type: "boolean", default: false },
      listen: { type: "string" },
      "token-file": { type: "string" },
      container: { type: "boolean", default: false },
      "exit-unused-ms": { type: "string" },
    },
  });
  const script = values.agent;
  if (script === undefined || values.stdio === (values.listen !== undefined)) {
    log("usage: agent-host --agent <script> (--stdio | --listen <address> --token-file <path>)");
    process.exit(2);
  }
  const supervisor = new AgentSupervisor({
    script,
    cwd: process.env["AGENT_WORKSPACE"] ?? process.cwd(),
    env: process.env,
    killScope: values.container ? "container" : "tree",
    log,
  });
  const stop = (): void => {
    supervisor.close();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  supervisor.start();

  if (values.stdio) {
    serveConnection({
      input: process.stdin,
      output: process.stdout,
      supervisor,
      token: undefined,
    });
    return;
  }
  const tokenFile = values["token-file"];
  const token = tokenFile === undefined ? "" : readFileSync(tokenFile, "utf8").trim();
  if (token.length < 16) {
    log("--listen needs --token-file naming a file with a token of 16 characters or more");
    process.exit(2);
  }
  let clients = 0;
  let lastUsed = Date.now();
  const server = createServer((socket: Socket) => {
    socket.setNoDelay(true);
    clients += 1;
    socket.once("close", () => {
      clients -= 1;
      lastUsed = Date.now();
    });
    serveConnection({
      input: socket,
      output: socket,
      supervisor,
      token,
      close: () => socket.destroy(),
    });
  });
  server.on("error", (error) => {
    log(`cannot listen: ${error.message}`);
    supervisor.close();
    process.exit(1);
  });
  server.on("listening", () => {
    const address = server.address();
    log(
      `listening on ${typeof address === "string" ? address : `${address?.address ?? "?"}:${address?.port ?? "?"}`}`,
    );
  });
  listen(server, values.listen ?? "");
  // With no worker holding a connection and no run for this long, nobody needs this host any
  // more (its workers are gone): it goes, with its agent. The next message starts another. A
  // run in progress (a dead worker's) always finishes first.
  const unusedMs = Number(values["exit-unused-ms"] ?? "0");
  if (unusedMs > 0) {
    setInterval(
      () => {
        if (supervisor.busy || clients > 0) lastUsed = Date.now();
        else if (Date.now() - lastUsed >= unusedMs) {
          log(`unused for ${unusedMs} ms: exiting`);
          stop();
        }
      },
      Math.min(unusedMs, 5_000),
    ).unref();
  }
}

function listen(server: ReturnType<typeof createServer>, address: string): void {
  if (address.startsWith("unix:")) {
    const path = address.slice("unix:".length);
    rmSync(path, { force: true }); // a socket file a dead host left behind
    server.listen(path);
    return;
  }
  const match = /^tcp:(.+):(\d+)$/.exec(address);
  if (match === null) {
    log(`--listen takes unix:<path> or tcp:<host>:<port>, not ${address}`);
    process.exit(2);
  }
  server.listen(Number(match[2]), match[1]);
}

main();
