/** Where and what to build: see service-build.mjs. */
export interface BuildOptions {
  /** The monorepo (default: this one). */
  root?: string;
  /** The entry, relative to the workspace (default `src/main.ts`). */
  entry?: string;
  /** Absolute path of the bundle (default `<workspace>/dist/main.mjs`). */
  outfile?: string;
}

/** Bundles a workspace's entry into its `dist/` and records the files it was built from. */
export declare function buildService(
  workspace: string,
  options?: BuildOptions,
): Promise<{ outfile: string; inputs: number }>;

/** Why the build does not match its sources now; empty when it does. */
export declare function staleInputs(workspace: string, options?: BuildOptions): Promise<string[]>;

/** Builds when the build is missing or stale; returns the reasons it built for. */
export declare function buildIfStale(workspace: string, options?: BuildOptions): Promise<string[]>;

/** `env` with production's allocator and V8 settings added where it has none of its own. */
export declare function withProductionRuntime(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
