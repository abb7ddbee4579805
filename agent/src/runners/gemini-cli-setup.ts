import { randomUUID } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { AgentRunInput } from "@agentry/core/protocol";
import type { RunContext } from "./runner.js";

// What a Gemini CLI run is given besides its arguments: settings, environment, saved state.

/** Gemini's own address: always set, so no `.env` in the workspace can point the key elsewhere. */
const GEMINI_API_BASE_URL = "https://generativelanguage.googleapis.com";

/**
 * The CLI's user settings, rewritten before every run (they hold no secret). API-key auth
 * (without it: exit 41); nothing that phones home (usage statistics, telemetry, update
 * checks, IDE); no `.env` from the workspace; sessions kept until the agent is deleted (the
 * default retention would drop a conversation after 30 days).
 */
const SETTINGS = {
  security: { auth: { selectedType: "gemini-api-key" } },
  privacy: { usageStatisticsEnabled: false },
  telemetry: { enabled: false },
  general: {
    enableAutoUpdate: false,
    enableAutoUpdateNotification: false,
    sessionRetention: { enabled: false },
  },
  advanced: { autoConfigureMemory: false, ignoreLocalEnv: true },
  ide: { enabled: false },
};

// Read by the CLI at run time, so a `.env` it loads could set them if they were absent: set
// them empty unless the agent passes them on (proxies, TLS checking).
const GUARDED_ENV = [
  "HTTPS_PROXY",
  "https_proxy",
  "HTTP_PROXY",
  "http_proxy",
  "NODE_TLS_REJECT_UNAUTHORIZED",
];

/** Kept in `<workspace>/.agentry/cli/gemini/state.json`: the CLI session this agent continues. */
export interface GeminiState {
  sessionId: string;
}

/** Writes the CLI's user settings into its `.gemini` folder. */
export async function writeSettings(geminiDir: string): Promise<void> {
  await writeFile(join(geminiDir, "settings.json"), `${JSON.stringify(SETTINGS, null, 2)}\n`);
}

/** The CLI's whole environment (nothing of the agent's own is inherited). */
export function environment(
  input: AgentRunInput,
  context: RunContext,
  home: string,
  stateDir: string,
  tmp: string,
): Record<string, string> {
  const guarded = Object.fromEntries(GUARDED_ENV.map((name) => [name, ""]));
  return {
    ...guarded,
    ...context.passEnv,
    PATH: [context.cliBinDir, dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"].join(
      ":",
    ),
    HOME: home,
    TMPDIR: tmp,
    LANG: "C.UTF-8",
    TERM: "dumb",
    NO_COLOR: "1",
    GEMINI_CLI_HOME: stateDir,
    // One process instead of a second one re-launched with a bigger heap.
    GEMINI_CLI_NO_RELAUNCH: "true",
    GEMINI_TELEMETRY_ENABLED: "false",
    GEMINI_API_KEY: input.credential.secret,
    GOOGLE_GEMINI_BASE_URL: input.baseUrls.GEMINI ?? GEMINI_API_BASE_URL,
  };
}

/** The saved state, or undefined when there is none (or it is unreadable: a new session). */
export async function readState(stateDir: string): Promise<GeminiState | undefined> {
  try {
    const value: unknown = JSON.parse(await readFile(join(stateDir, "state.json"), "utf8"));
    const sessionId = (value as Partial<GeminiState> | null)?.sessionId;
    return typeof sessionId === "string" && sessionId !== "" ? { sessionId } : undefined;
  } catch {
    return undefined; // none yet, or unreadable: a new session
  }
}

export async function writeState(stateDir: string, state: GeminiState): Promise<void> {
  const path = join(stateDir, "state.json");
  const temporary = `${path}.${randomUUID()}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state)}\n`, { mode: 0o600 });
  await rename(temporary, path);
}
