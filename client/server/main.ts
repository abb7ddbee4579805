import path from "node:path";
import { fileURLToPath } from "node:url";
import { startStaticServer } from "./static-server.js";

// `npm start -w @agentry/client`: the built client on CLIENT_PORT (5173). CLIENT_HOST picks
// the interface (default 127.0.0.1; 0.0.0.0 to serve other machines). API_PROXY (optional)
// passes /graphql to an api origin for a one-origin setup.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "dist");
const port = Number(process.env["CLIENT_PORT"] ?? "5173");
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(
    `CLIENT_PORT must be a port number, got ${process.env["CLIENT_PORT"] ?? ""}\n`,
  );
  process.exit(1);
}
const proxy = process.env["API_PROXY"];
const running = await startStaticServer({
  root,
  port,
  host: process.env["CLIENT_HOST"] ?? "127.0.0.1",
  ...(proxy ? { proxy } : {}),
});
process.stdout.write(
  `client: ${running.url.replace("127.0.0.1", "localhost")}${proxy ? ` (/graphql → ${proxy})` : ""}\n`,
);

const stop = (): void => {
  void running.close().then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
