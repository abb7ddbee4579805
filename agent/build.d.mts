import type { BuildResult } from "esbuild";

/** Builds `src/main.ts` into `outfile` (default `dist/agent.mjs`). */
export declare function buildAgentBundle(options?: {
  outfile?: string;
}): Promise<BuildResult<{ metafile: true }>>;
