import { ensureAgentClis } from "../../clis/ensure.mjs";

/** Where the pinned agent CLIs are: `AGENT_CLI_BIN`, else the machine's cached install (made on first use). */
export async function cliBinDir(): Promise<string> {
  const fromEnv = process.env["AGENT_CLI_BIN"];
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  return (await ensureAgentClis()).binDir;
}
