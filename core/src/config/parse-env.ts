import type { z } from "zod";

/** Boot must stop: the environment is invalid. `problems` lists every one; no value is quoted. */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    super(`Invalid configuration (${count}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Parses the environment with `schema`, reporting every problem at once in one ConfigError.
 * Messages name the variable and the rule; a message that would quote a variable's value (a
 * custom one might) gets the value replaced, so no secret reaches a log or a terminal.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: Env): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.map(String).join(".") || "(environment)";
    const value = typeof issue.path[0] === "string" ? env[issue.path[0]] : undefined;
    let message = issue.message;
    if (value !== undefined && value.trim().length >= 4) {
      message = message.split(value).join("[REDACTED]").split(value.trim()).join("[REDACTED]");
    }
    return `${variable}: ${message}`;
  });
  throw new ConfigError(problems);
}
