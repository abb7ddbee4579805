import { rename, rm } from "node:fs/promises";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { agentBundlePath } from "@agentry/agent";
import { buildAgentBundle } from "@agentry/agent/build.mjs";
import { build } from "vite";
import type { TestProject } from "vitest/node";
import { hasChromium, SKIP_MESSAGE } from "./chromium.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The client built for the browser tests (VITE_API_URL=/graphql), or "" when skipped. */
    clientDist: string;
  }
}

const clientDir = fileURLToPath(new URL("../../../", import.meta.url));

/** Builds what the browser tests serve and run, once per run. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!hasChromium) {
    process.stderr.write(`\n${SKIP_MESSAGE}\n\n`);
    project.provide("clientDist", "");
    return async () => {};
  }
  const outDir = await mkdtemp(path.join(tmpdir(), "agentry-client-e2e-"));
  await buildClient(outDir, "/graphql");
  // The worker's process runtime runs the bundled agent: build it from the current source.
  // Written aside and renamed into place, so a runtime reading it never sees half a file.
  const aside = `${agentBundlePath}.${process.pid}.tmp`;
  await buildAgentBundle({ outfile: aside });
  await rename(aside, agentBundlePath);
  project.provide("clientDist", outDir);
  return async () => {
    await rm(outDir, { recursive: true, force: true });
  };
}

/** A production build of the client that calls the api at `apiUrl`. */
export async function buildClient(outDir: string, apiUrl: string): Promise<void> {
  const previous = process.env["VITE_API_URL"];
  process.env["VITE_API_URL"] = apiUrl;
  try {
    await build({
      root: clientDir,
      configFile: path.join(clientDir, "vite.config.ts"),
      logLevel: "warn",
      build: { outDir, emptyOutDir: true },
    });
  } finally {
    if (previous === undefined) delete process.env["VITE_API_URL"];
    else process.env["VITE_API_URL"] = previous;
  }
}
