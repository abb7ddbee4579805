import { setTimeout as sleep } from "node:timers/promises";

/**
 * Polls `condition` until it holds, for states nothing announces (a database row, a call the
 * fake recorded, an item a subscription pushed); fails naming `what` after `timeoutMs`.
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(20);
  }
}
