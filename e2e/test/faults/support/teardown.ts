import { within } from "../../support/flows.js";
import type { System } from "../../support/system.js";

// A fault test's system is closed as System.close does, step by step, each step bounded and
// named, every step tried even when one fails: a failed test must not leave the next steps (and
// the servers closed after them) undone, and a hang says where it is.

export async function closeSystem(system: System | undefined): Promise<void> {
  if (system === undefined) return;
  const failures: string[] = [];
  const step = async (what: string, ms: number, work: () => Promise<unknown>): Promise<void> => {
    try {
      await within(work(), ms, what);
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error));
    }
  };
  let running: ReturnType<System["worker"]> | undefined;
  try {
    running = system.worker();
  } catch {
    running = undefined; // no in-process worker
  }
  const worker = running;
  if (worker !== undefined) {
    await step("the agents' environments are removed", 60_000, async () => {
      const agents = await system.api.prisma.agent.findMany({ select: { id: true } });
      for (const agent of agents) await worker.runtime.remove(agent.id);
    });
  }
  await step("the worker stops", 30_000, () => system.stopWorker());
  await step("the api closes", 30_000, () => system.api.close());
  await step("the fake provider closes", 10_000, () => system.fake.close());
  if (failures.length > 0) throw new Error(`closing the system: ${failures.join("; ")}`);
}
