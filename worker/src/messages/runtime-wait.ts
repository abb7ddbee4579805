import { setTimeout as sleep } from "node:timers/promises";
import { isAppError } from "@agentry/core";
import type { MessageRuntime } from "./message-runtime.js";

// When the agent runtime itself does not answer (the Docker engine restarting), a message waits
// for it instead of failing: one not yet running starts once it is back, and one whose run it
// took down is settled from its journal (see the job layer). A runtime that answers with a
// failure (a missing image, a container that will not start) is a failure of the message.

/** How long a message waits for a runtime that does not answer. */
export const RUNTIME_WAIT_MS = 60_000;
const POLL_MS = 500;

/** Whether the runtime answers at all (a missing or stopped environment is an answer). */
export async function runtimeAnswers(runtime: MessageRuntime, agentId: string): Promise<boolean> {
  return runtime.inspect(agentId).then(
    () => true,
    () => false,
  );
}

/** Waits until the runtime answers or `deadline` (epoch ms) passes; says whether it answers. */
export async function waitForRuntime(
  runtime: MessageRuntime,
  agentId: string,
  deadline: number,
): Promise<boolean> {
  for (;;) {
    if (await runtimeAnswers(runtime, agentId)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(Math.min(POLL_MS, Math.max(0, deadline - Date.now())));
  }
}

/**
 * Runs `step`; when it fails while the runtime does not answer, waits for the runtime and runs
 * it again, for up to RUNTIME_WAIT_MS. `onWait` is told once, when the waiting begins.
 */
export async function withRuntime<T>(
  runtime: MessageRuntime,
  agentId: string,
  step: () => Promise<T>,
  onWait: (error: unknown) => void,
): Promise<T> {
  const deadline = Date.now() + RUNTIME_WAIT_MS;
  let told = false;
  for (;;) {
    try {
      return await step();
    } catch (error) {
      if (isAppError(error) || (await runtimeAnswers(runtime, agentId))) throw error;
      if (!told) onWait(error);
      told = true;
      if (!(await waitForRuntime(runtime, agentId, deadline))) throw error;
    }
  }
}

/** What went away, in the words a user reads in a failed message. */
export const runtimeWhat = (runtime: MessageRuntime): string =>
  runtime.name === "docker" ? "the Docker engine" : "the agent's environment";
