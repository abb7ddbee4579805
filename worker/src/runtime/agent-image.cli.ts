// `docker/agent-image/build.sh` runs this: builds the agent image offline and prints its tag.
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import Docker from "dockerode";
import { destination, pino } from "pino";
import { ensureAgentClis } from "@agentry/agent/clis";
import { ensureAgentImage } from "./agent-image.js";

const { values } = parseArgs({
  options: {
    bundle: { type: "string" },
    repository: { type: "string" },
  },
});
const repoRoot = resolve(import.meta.dirname, "..", "..", "..");
const logger = pino({ level: "info" }, destination(2));
const tag = await ensureAgentImage({
  docker: new Docker(),
  repoRoot,
  agentClis: ensureAgentClis({
    log: (line) => {
      logger.info(line);
    },
  }),
  logger,
  ...(values.bundle === undefined ? {} : { agentBundle: resolve(values.bundle) }),
  ...(values.repository === undefined ? {} : { repository: values.repository }),
});
process.stdout.write(`${tag}\n`);
