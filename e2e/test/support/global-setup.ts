import { buildAgentBundle } from "@agentry/agent/build.mjs";
import { agentBundlePath } from "@agentry/agent";

// The worker's runtimes run the bundled agent (and the Docker runtime bakes it into the image):
// build it from the current source once per run.
export default async function setup(): Promise<void> {
  await buildAgentBundle({ outfile: agentBundlePath });
}
