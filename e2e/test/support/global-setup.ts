import { rename } from "node:fs/promises";
import { buildAgentBundle } from "@agentry/agent/build.mjs";
import { agentBundlePath } from "@agentry/agent";
import { buildIfStale } from "../../../scripts/lib/service-build.mjs";

// The worker's runtimes run the bundled agent (and the Docker runtime bakes it into the image):
// build it from the current source once per run. Written aside and renamed into place, so a
// runtime reading the bundle at that moment never sees half a file. Tests that start the worker
// as a process of its own run its production build: rebuilt here when older than its sources.
export default async function setup(): Promise<void> {
  const aside = `${agentBundlePath}.${process.pid}.tmp`;
  await buildAgentBundle({ outfile: aside });
  await rename(aside, agentBundlePath);
  await buildIfStale("worker");
}
