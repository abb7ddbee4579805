import { z } from "zod";
import { DEFAULT_CLI_BIN_DIR, DEFAULT_REQUEST_TIMEOUT_MS } from "./run.js";

const envSchema = z.object({
  /** Where the conversation (and, for coding agents, the repository) lives. */
  AGENT_WORKSPACE: z.string().min(1).default("/workspace"),
  /** Per provider request, in milliseconds. */
  AGENT_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(DEFAULT_REQUEST_TIMEOUT_MS),
  /** Where the agent CLIs' executables are. */
  AGENT_CLI_BIN: z.string().min(1).default(DEFAULT_CLI_BIN_DIR),
});

/** Passed through to the CLIs: how to reach providers (a proxy, a CA). Never secrets. */
const PASS_THROUGH = [
  "HTTPS_PROXY",
  "HTTP_PROXY",
  "NO_PROXY",
  "https_proxy",
  "http_proxy",
  "no_proxy",
  "NODE_EXTRA_CA_CERTS",
  "SSL_CERT_FILE",
  // Where Codex refreshes a ChatGPT sign-in (a fake token endpoint in tests).
  "CODEX_REFRESH_TOKEN_URL_OVERRIDE",
] as const;

export interface AgentConfig {
  workspace: string;
  timeoutMs: number;
  cliBinDir: string;
  passEnv: Record<string, string>;
}

/** Reads the agent's environment once; every problem is listed. */
export function parseAgentConfig(
  env: Record<string, string | undefined>,
): { ok: true; config: AgentConfig } | { ok: false; problems: string[] } {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`),
    };
  }
  return {
    ok: true,
    config: {
      workspace: parsed.data.AGENT_WORKSPACE,
      timeoutMs: parsed.data.AGENT_REQUEST_TIMEOUT_MS,
      cliBinDir: parsed.data.AGENT_CLI_BIN,
      passEnv: Object.fromEntries(
        PASS_THROUGH.flatMap((name) => {
          const value = env[name];
          return value === undefined || value === "" ? [] : [[name, value]];
        }),
      ),
    },
  };
}
