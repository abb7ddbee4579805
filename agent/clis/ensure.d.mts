export declare const AGENT_CLI_COMMANDS: readonly string[];
export declare function cacheRoot(env?: Record<string, string | undefined>): string;
export declare function agentClisHash(): Promise<string>;
export declare function ensureAgentClis(options?: {
  log?: (line: string) => void;
}): Promise<{ root: string; binDir: string; hash: string }>;
