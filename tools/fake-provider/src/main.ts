import { readConfig } from "./config.js";
import { startFakeProvider } from "./fake-provider.js";

// The CLI: `npm start -w @agentry/fake-provider`. It prints what to export; never the keys.
const write = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

const main = async (): Promise<void> => {
  const config = readConfig(process.env);
  const fake = await startFakeProvider({
    port: config.port,
    host: config.host,
    keys: config.keys,
    onError: (error) => {
      process.stderr.write(
        `fake provider: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    },
  });
  const hints = config.keys.map((key) => `…${key.slice(-4)}`).join(", ");
  write(
    `Fake provider listening on ${fake.url} with ${config.keys.length} key(s)${hints ? `: ${hints}` : ""}`,
  );
  if (config.keys.length === 0) {
    write(
      "No keys yet: every call is refused until FAKE_PROVIDER_KEYS or POST /_fake/keys adds one.",
    );
  }
  write(`ANTHROPIC_BASE_URL=${fake.baseUrls.anthropic}`);
  write(`OPENAI_BASE_URL=${fake.baseUrls.openai}`);
  write(`GEMINI_BASE_URL=${fake.baseUrls.gemini}`);
  write(`GOOGLE_GEMINI_BASE_URL=${fake.baseUrls.gemini}`);
  write(
    "Control (loopback only): POST /_fake/keys {key}, DELETE /_fake/keys/{key}, GET /_fake/calls, " +
      "POST /_fake/fail {count,status}, POST /_fake/script {steps}, POST /_fake/delay {ms}, POST /_fake/reset",
  );
  const stop = (): void => {
    fake.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
