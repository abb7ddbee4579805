import { z } from "zod";
import { DEFAULT_REQUEST_TIMEOUT_MS } from "./run.js";

const envSchema = z.object({
  /** Where the conversation (and, for coding agents, the repository) lives. */
  AGENT_WORKSPACE: z.string().min(1).default("/workspace"),
  /** Per provider request, in milliseconds. */
  AGENT_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(DEFAULT_REQUEST_TIMEOUT_MS),
});

export interface AgentConfig {
  workspace: string;
  timeoutMs: number;
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
    },
  };
}
