import type { BuildResult } from "esbuild";

/**
 * Builds `src/main.ts` into `outfile` (default `dist/agent.mjs`), and the resident host into
 * `hostOutfile` (default `agent-host.mjs` beside `outfile`).
 */
export declare function buildAgentBundle(options?: {
  outfile?: string;
  hostOutfile?: string;
}): Promise<BuildResult<{ metafile: true }>>;

/** Builds the resident host alone into `outfile` (default `dist/agent-host.mjs`). */
export declare function buildAgentHost(options?: { outfile?: string }): Promise<void>;
