/** The CLI's settings, from the environment. */
export interface FakeProviderConfig {
  port: number;
  host: string;
  keys: string[];
}

/** Reads FAKE_PROVIDER_PORT (4010), FAKE_PROVIDER_HOST (127.0.0.1), FAKE_PROVIDER_KEYS (a,b,c). */
export const readConfig = (
  env: Readonly<Record<string, string | undefined>>,
): FakeProviderConfig => {
  const problems: string[] = [];
  const rawPort = env["FAKE_PROVIDER_PORT"] ?? "4010";
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || port > 65535) {
    problems.push(`FAKE_PROVIDER_PORT must be a port number (0–65535), got "${rawPort}"`);
  }
  const host = env["FAKE_PROVIDER_HOST"] ?? "127.0.0.1";
  if (host.trim() === "") problems.push("FAKE_PROVIDER_HOST must not be empty");
  const keys = (env["FAKE_PROVIDER_KEYS"] ?? "")
    .split(",")
    .map((key) => key.trim())
    .filter((key) => key !== "");
  if (problems.length > 0) {
    throw new Error(`Invalid fake provider configuration:\n- ${problems.join("\n- ")}`);
  }
  return { port, host, keys };
};
