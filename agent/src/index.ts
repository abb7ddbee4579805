import { fileURLToPath } from "node:url";

export { runMessage, parseRunInput, DEFAULT_REQUEST_TIMEOUT_MS } from "./run.js";
export type { RunOptions, RunOutcome, ParsedInput } from "./run.js";
export { conversationPath } from "./conversation.js";
export { scrub } from "./scrub.js";

/** The single-file agent (`npm run build -w @agentry/agent`), runnable with plain `node`. */
export const agentBundlePath: string = fileURLToPath(new URL("../dist/agent.mjs", import.meta.url));
export { journalPath } from "./journal.js";
