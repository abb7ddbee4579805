import type { CredentialCheckHandlerFactory } from "./check-handler.js";
import { verifyCredentialCheck } from "./verify-credential.js";
import { completeCodeSignIn } from "./complete-code-sign-in.js";
import { startDeviceSignIn } from "./start-device-sign-in.js";
import {
  agentChangesCheck,
  agentFileDiffCheck,
  pushAgentBranchCheck,
} from "./repository-checks.js";

// Every kind of credential check this worker runs. To add one: define its kind in core
// (core/src/queue/credential-check-queue.ts says how), write its handler in a file of its own
// here with `checkHandler(KIND, (deps) => async (data) => result)`, and list it below.

export const CREDENTIAL_CHECK_HANDLERS: readonly CredentialCheckHandlerFactory[] = [
  verifyCredentialCheck,
  startDeviceSignIn,
  completeCodeSignIn,
  agentChangesCheck,
  agentFileDiffCheck,
  pushAgentBranchCheck,
];
