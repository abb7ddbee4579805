export declare const AGENT_CLI_COMMANDS: readonly string[];
/** The folder in an install that holds Copilot's unpacked package (its `COPILOT_CACHE_HOME`). */
export declare const COPILOT_CACHE_DIR: string;
export declare function cacheRoot(env?: Record<string, string | undefined>): string;
export declare function agentClisHash(): Promise<string>;
export declare function ensureAgentClis(options?: {
  log?: (line: string) => void;
}): Promise<{ root: string; binDir: string; hash: string }>;
